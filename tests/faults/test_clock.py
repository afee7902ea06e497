"""Clock trouble: the laptop's clock set back or forward between entries.

Recording takes the time from one place (recording.local_now); the test moves it about between entries. The
per-device sequence still orders the entries in the inspection's listing and in the pushed bundle, and each
entry counts in the month its own (claimed) time falls in, never in another.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from inspector_app.core import recording
from inspector_app.core.identity import DEMO_PASSPHRASE, trusted_office_certs
from inspector_app.core.identity.demo import ensure_demo_identity
from inspector_app.core.inspections import inspection_detail
from inspector_app.core.recording import NewDeduction, Recorder
from inspector_app.core.summary import monthly_summary
from inspector_app.core.sync import open_bundle, push
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import local_time, sqlite_rows

BASE = local_time(2026, 3, 15, 10)
# the clock between entries, from BASE: right, two days back, in April, a year back, right again (+1 min),
# an hour back, March 31 23:59
JUMPS = [timedelta(0), timedelta(days=-2), timedelta(days=20), timedelta(days=-365), timedelta(minutes=1),
         timedelta(hours=-1), timedelta(days=16, hours=13, minutes=59)]


def test_entries_keep_their_order_and_months_when_the_clock_jumps(demo_workspace: Workspace, recorder: Recorder,
                                                                 start_inspection, monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    clock = iter([BASE + jump for jump in JUMPS])
    monkeypatch.setattr(recording, "local_now", lambda: next(clock))
    inspection = start_inspection(started_at=BASE)
    ids = [recorder.record(inspection.id, NewDeduction("A2", ["1002"], note=f"第 {n} 条"))[0]
           for n in range(len(JUMPS))]

    detail = inspection_detail(demo_workspace, inspection.id)
    assert [row.id for row in detail.deductions] == ids  # the order they were recorded in, not their times
    seqs = [row.seq for row in detail.deductions]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > inspection.seq

    months = dict(sqlite_rows(demo_workspace.data_dir, "SELECT id, local_month FROM deductions"))
    claimed = [(BASE + jump).strftime("%Y-%m") for jump in JUMPS]
    assert [months[i] for i in ids] == claimed == ["2026-03", "2026-03", "2026-04", "2025-03", "2026-03",
                                                   "2026-03", "2026-03"]
    recorder.finish(inspection.id)
    for month in sorted(set(claimed)):  # each entry counts once, in its own month
        summary = monthly_summary(demo_workspace, month)
        assert summary.occurrences == claimed.count(month)

    ensure_demo_identity(demo_workspace)
    share = tmp_path / "share"
    share.mkdir()
    report = push(demo_workspace, share, DEMO_PASSPHRASE)
    assert report.bundle is not None
    [record] = open_bundle(report.bundle, trusted_office_certs(demo_workspace)).inspections
    assert [d.id for d in record.deductions] == ids


def test_a_second_inspection_started_with_the_clock_set_back_still_follows_in_sequence(
        demo_workspace: Workspace, start_inspection) -> None:
    first = start_inspection(started_at=BASE)
    second = start_inspection(started_at=BASE - timedelta(days=30))  # the clock went back a month
    assert second.seq > first.seq
    assert second.local_month == "2026-02" and first.local_month == "2026-03"
