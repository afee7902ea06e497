"""Fixtures for the history, rectification, summary and settings page tests (imported by those modules).

They build on tests/gui/conftest.py's `gui_workspace` (demo roster, inspector 测试督查员) and add demo
inspections and a GuiContext with real Operations; background work is waited for before the workspace
closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from inspector_app.core.demo import ensure_demo_roster, generate
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.workspace import Workspace
from inspector_app.gui.context import GuiContext
from inspector_app.gui.operations import Operations
from tests.helpers.fixtures import copy_data_folder, seed_from_template

__all__ = ["make_ctx", "month_start", "pages_ctx", "pages_template", "prepare_gui_workspace", "record_finished",
           "this_month"]


def this_month() -> str:
    return datetime.now().astimezone().strftime("%Y-%m")


def month_start(month: str) -> datetime:
    """The first second of `month` (YYYY-MM) in local time: in the past whenever `month` is the current one,
    so a test that records "this month" still does when the clock passes midnight at a month's end."""
    year, number = map(int, month.split("-"))
    return datetime(year, number, 1, 0, 0, 1).astimezone()


@pytest.fixture
def make_ctx(qapp) -> Iterator[Callable[[Workspace], GuiContext]]:
    """`make_ctx(ws)` → a GuiContext; its operations are waited for at teardown (before the ws closes)."""
    made: list[GuiContext] = []

    def make(ws: Workspace) -> GuiContext:
        ctx = GuiContext(ws, Operations())
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        assert ctx.ops.wait()


def prepare_gui_workspace(ws: Workspace) -> None:
    """What every GUI test's workspace has: the demo roster (already there in a copy of the store template)
    and the inspector 测试督查员 (T001) in the settings."""
    ensure_demo_roster(ws)
    ws.update_settings(inspector={"name": "测试督查员", "staff_no": "T001"})


@pytest.fixture(scope="session")
def pages_template(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Callable[[], Path]:
    """`pages_template()` → a closed data folder with 30 demo inspections (seed 1), built once per day: the
    demo dates count back from today, so a run that passes midnight builds a new one."""
    built: dict[date, Path] = {}

    def template() -> Path:
        today = date.today()
        if today not in built:
            folder = tmp_path_factory.mktemp("pages-template") / "data"
            seed_from_template(demo_template, folder)
            with Workspace.open(folder) as ws:
                prepare_gui_workspace(ws)
                generate(ws, 30, seed=1)
            built[today] = folder
        return built[today]

    return template


@pytest.fixture
def pages_ctx(request: pytest.FixtureRequest, gui_data: Path, pages_template: Callable[[], Path],
              make_ctx: Callable[[Workspace], GuiContext]) -> GuiContext:
    """A GuiContext over a workspace with 30 demo inspections (seed 1), copied from the day's template (or
    recorded into the workspace a window already has open)."""
    if gui_data.exists():
        workspace = request.getfixturevalue("gui_workspace")
        generate(workspace, 30, seed=1)
        return make_ctx(workspace)
    copy_data_folder(pages_template(), gui_data)
    return make_ctx(request.getfixturevalue("gui_workspace"))


def record_finished(ws: Workspace, department: str, item_code: str, *, days_ago: int = 0,
                    staff_nos: tuple[str, ...] = (), note: str = "", when: datetime | None = None) -> str:
    """Record one finished inspection with one entry `days_ago` days back (or at `when`); returns its id."""
    when = when or datetime.now().astimezone() - timedelta(days=days_ago)
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(checklist_id="svc-001-assessment", department=department,
                                              inspector_name="测试督查员", started_at=when))
    recorder.record(inspection.id, NewDeduction(item_code, staff_nos, note=note, recorded_at=when))
    recorder.finish(inspection.id)
    return inspection.id
