"""GUI fixtures: the real main window over a real data folder, offscreen."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from inspector_app.core.store.database import DB_FILE  # noqa: E402
from inspector_app.core.workspace import Workspace  # noqa: E402
from tests.gui.pages_fixtures import (  # noqa: E402,F401 - fixtures for the page tests
    make_ctx,
    pages_ctx,
    pages_template,
    prepare_gui_workspace,
)
from tests.helpers.fixtures import seed_from_template  # noqa: E402


@pytest.fixture
def gui_data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def gui_workspace(gui_data, demo_template):
    """The demo roster and inspector 测试督查员 over `gui_data`; a fixture that filled the folder first (a
    template copy) keeps what it put there."""
    if not (gui_data / DB_FILE).exists():
        seed_from_template(demo_template, gui_data)
    ws = Workspace.open(gui_data)
    prepare_gui_workspace(ws)
    yield ws
    ws.close()


@pytest.fixture
def open_window(qtbot):
    """Open the real main window over a workspace; closes it (and waits for background work) at the end."""
    from inspector_app.gui.app import create_main_window

    windows = []

    def opener(ws: Workspace):
        window = create_main_window(ws)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield opener
    for window in windows:
        window.ctx.ops.wait()
        window.close()


@pytest.fixture
def main_window(gui_workspace, open_window):
    return open_window(gui_workspace)
