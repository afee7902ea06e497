"""The recording screen's state: entries shown from the rows the recorder wrote equal the entries read back."""

from __future__ import annotations

from pathlib import Path

from inspector_app.core.inspection_state import add_recorded, load_state
from inspector_app.core.recording import NewDeduction, Recorder
from tests.helpers.fixtures import make_image


def test_recorded_rows_make_the_entries_a_read_gives(recorder: Recorder, start_inspection, tmp_path: Path) -> None:
    inspection = start_inspection("W-REG")
    state = load_state(recorder.ws, inspection.id)
    photos = [make_image(tmp_path / f"p{n}.png", size=(400, 300)) for n in range(2)]
    requests = [NewDeduction("A3", ["1001", "1002"], count=2, note=" 未佩戴 ", photos=photos),  # a head: ×2
                NewDeduction("A3"), NewDeduction("A2", ["1002"])]
    for request in requests:
        ids = recorder.record(inspection.id, request)
        assert [row.deduction["id"] for row in recorder.last_recorded] == ids
        assert add_recorded(state, recorder.last_recorded) == len(ids)
    read = load_state(recorder.ws, inspection.id)
    assert state.entries == read.entries
    assert len(state.entries) == 4 and state.entries[0].photos == 2 and state.entries[0].is_head
    assert (state.score, state.subtotals, state.item_counts) == (read.score, read.subtotals, read.item_counts)


def test_someone_outside_the_roster_is_read_back(recorder: Recorder, start_inspection) -> None:
    inspection = start_inspection("W-REG")
    state = load_state(recorder.ws, inspection.id)
    recorder.record(inspection.id, NewDeduction("A3", ["1002"]))
    state.staff = [member for member in state.staff if member.staff_no != "1002"]
    assert add_recorded(state, recorder.last_recorded) is None
    assert state.entries == []
