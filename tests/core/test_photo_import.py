"""Photos from a camera card attached to a recorded entry (issue 17 item 6): all or nothing, non-images named;
and the small screen thumbnails, made once and cached."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from inspector_app.core.errors import InputError, StateError
from inspector_app.core.inspection_state import load_state
from inspector_app.core.photos import THUMB_DIR, screen_thumbnail
from inspector_app.core.recording import NewDeduction
from inspector_app.core.store import audit
from inspector_app.core.store.models import AuditEvent, Photo
from tests.helpers.fixtures import make_image


@pytest.fixture
def card(tmp_path):
    """A camera card's folder: two photos, a clip and a damaged JPEG."""
    folder = tmp_path / "DCIM" / "100CAM"
    make_image(folder / "IMG_0001.JPG", (1200, 800), fmt="JPEG")
    make_image(folder / "IMG_0002.PNG", (300, 500), mode="RGBA")
    (folder / "MVI_0003.MOV").write_bytes(b"\x00\x00\x00\x18ftypqt  " + b"\x00" * 64)
    (folder / "IMG_0004.JPG").write_bytes(b"\xff\xd8\xff\xe0 cut off")
    return folder


def _photos(ws, deduction_id: str) -> list[Photo]:
    with ws.db.read() as session:
        return list(session.scalars(select(Photo).where(Photo.deduction_id == deduction_id)))


def test_photos_attach_to_a_recorded_entry_with_their_audit(demo_workspace, recorder, start_inspection, card):
    inspection = start_inspection("W-REG")
    entry = recorder.record(inspection.id, NewDeduction("A3", ["1002"]))[0]
    ids = recorder.attach_photos(entry, [card / "IMG_0001.JPG", card / "IMG_0002.PNG"])
    photos = _photos(demo_workspace, entry)
    assert sorted(p.id for p in photos) == sorted(ids) and len(ids) == 2
    assert {p.media_type for p in photos} == {"image/jpeg", "image/png"}
    for photo in photos:
        assert (demo_workspace.data_dir / photo.path).is_file()
    assert load_state(demo_workspace, inspection.id).entries[0].photos == 2
    with demo_workspace.db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "attach")).all()
        assert sorted(e.entity_id for e in events) == sorted(ids)
        assert json.loads(events[0].payload)["deduction_id"] == entry
        assert audit.verify(session).ok


def test_a_batch_with_non_images_attaches_nothing_and_names_them(demo_workspace, recorder, start_inspection,
                                                                 card):
    inspection = start_inspection("W-REG")
    entry = recorder.record(inspection.id, NewDeduction("A3", ["1002"]))[0]
    photo_files = set((demo_workspace.data_dir / "photos").rglob("*"))
    with pytest.raises(InputError) as refused:
        recorder.attach_photos(entry, sorted(card.iterdir()))
    named = {problem.file.rsplit("/", 1)[-1] for problem in refused.value.problems}
    assert named == {"MVI_0003.MOV", "IMG_0004.JPG"}
    assert all(problem.reason for problem in refused.value.problems)
    assert _photos(demo_workspace, entry) == []
    assert set((demo_workspace.data_dir / "photos").rglob("*")) == photo_files  # no file written either


def test_a_finished_or_void_entry_takes_no_photos(demo_workspace, recorder, start_inspection, card):
    inspection = start_inspection("W-REG")
    void, kept = (recorder.record(inspection.id, NewDeduction(code, ["1002"]))[0] for code in ("A3", "A5"))
    recorder.void(void, "wrong person")
    with pytest.raises(StateError):
        recorder.attach_photos(void, [card / "IMG_0001.JPG"])
    with pytest.raises(InputError):
        recorder.attach_photos(kept, [])
    recorder.finish(inspection.id)
    with pytest.raises(StateError):
        recorder.attach_photos(kept, [card / "IMG_0001.JPG"])
    assert _photos(demo_workspace, kept) == []


def test_screen_thumbnails_are_small_and_made_once(demo_workspace, recorder, start_inspection, card):
    from PIL import Image

    inspection = start_inspection("W-REG")
    entry = recorder.record(inspection.id, NewDeduction("A3", ["1002"], photos=[card / "IMG_0001.JPG"]))[0]
    relative = _photos(demo_workspace, entry)[0].path
    png = screen_thumbnail(demo_workspace.data_dir, relative, 64)
    assert png is not None and png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as picture:
        assert max(picture.size) == 64 and picture.size == (64, 43)  # the 3:2 photo keeps its shape
    cached = list((demo_workspace.data_dir / THUMB_DIR).iterdir())
    assert len(cached) == 1
    (demo_workspace.data_dir / relative).unlink()  # the photo is gone: the cached thumbnail still shows
    assert screen_thumbnail(demo_workspace.data_dir, relative, 64) == png
    assert screen_thumbnail(demo_workspace.data_dir, "photos/ab/missing.jpg", 64) is None
