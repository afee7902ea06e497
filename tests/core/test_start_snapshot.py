"""The start snapshot: what the quick start window shows before the workspace has opened."""

from __future__ import annotations

import json

from inspector_app.core.roster_store import current_roster, departments_for
from inspector_app.core.start_snapshot import (
    SNAPSHOT_FILE,
    Choice,
    read_settings,
    read_snapshot,
    snapshot_of,
    write_snapshot,
)
from tests.helpers.fixtures import modules_loaded_by


def test_snapshot_round_trip_gives_the_start_page_choices(demo_workspace):
    drafts = (Choice("abc", "2026-11-02 09:00  W-REG  svc-001-assessment  (3 条)"),)
    snapshot = snapshot_of(demo_workspace, "zh", drafts)
    roster = current_roster(demo_workspace)
    shown = [c for c in demo_workspace.library if not c.training]
    assert [c.id for c in snapshot.checklists] == [c.id for c in shown]
    first = shown[0]
    assert [d.id for d in snapshot.departments(first.id)] == [d.code for d in departments_for(first, roster)]
    write_snapshot(demo_workspace.data_dir, snapshot)
    assert read_snapshot(demo_workspace.data_dir, "zh") == snapshot
    with_messages = snapshot._replace(messages={"Checklist": "检查表"})  # the first screen's translations
    write_snapshot(demo_workspace.data_dir, with_messages)
    assert read_snapshot(demo_workspace.data_dir, "zh") == with_messages
    assert read_snapshot(demo_workspace.data_dir, "en") is None  # another language: the ordinary start


def test_damaged_or_missing_snapshot_means_the_ordinary_start(tmp_path):
    assert read_snapshot(tmp_path, "zh") is None
    path = tmp_path / SNAPSHOT_FILE
    path.parent.mkdir(parents=True)
    for text in ("{", "[]", json.dumps({"version": 1, "language": "zh"}), "\xff\xfe",
                 json.dumps({"version": 1, "language": "zh", "hospital": "x", "inspector": "",
                             "checklists": [{"id": "a"}], "drafts": []})):
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        assert read_snapshot(tmp_path, "zh") is None, text


def test_raw_settings_are_read_without_validation(tmp_path):
    assert read_settings(tmp_path) == {}
    (tmp_path / "settings.json").write_text('{"language": "en", "font_size": 14}', encoding="utf-8")
    assert read_settings(tmp_path) == {"language": "en", "font_size": 14}
    (tmp_path / "settings.json").write_text("not json", encoding="utf-8")
    assert read_settings(tmp_path) == {}


def test_reading_the_snapshot_loads_neither_sqlalchemy_nor_pydantic():
    code = "import inspector_app.core.start_snapshot, inspector_app.gui.quick_start"
    assert modules_loaded_by(code, ("sqlalchemy", "pydantic", "yaml", "reportlab")) == []


def test_the_light_copies_of_constants_match_their_sources():
    """The start path copies two names instead of importing their heavy modules; they must not drift."""
    from inspector_app.cli import main as cli_main
    from inspector_app.core import crash, settings, start_snapshot

    assert start_snapshot.SETTINGS_FILE == settings.SETTINGS_FILE
    assert cli_main.TEST_CRASH_ENV == crash.TEST_CRASH_ENV
