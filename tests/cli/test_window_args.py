"""`inspector-app` with no command opens the window without building every command's parser."""

from __future__ import annotations

import pytest

from inspector_app.cli.main import run_gui, window_only
from tests.helpers.fixtures import modules_loaded_by


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {"data_dir": None, "lang": None, "command": None}),
    (["gui"], {"command": "gui"}),
    (["--data-dir", "/x", "--lang", "en", "gui"], {"data_dir": "/x", "lang": "en", "command": "gui"}),
    (["--data-dir=/x", "--training"], {"data_dir": "/x", "training": True}),
    (["--smoke-test"], {"smoke_test": True}),
])
def test_window_arguments(argv, expected):
    args = window_only(argv)
    assert args is not None and args.handler is run_gui
    for name, value in expected.items():
        assert getattr(args, name) == value


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["forms"], ["gui", "x"], ["--data-dir"],
                                  ["--lang", "fr"], ["--bogus"], ["gui", "gui"]])
def test_anything_else_goes_to_the_full_parser(argv):
    assert window_only(argv) is None


def test_opening_the_window_does_not_import_the_store_before_the_window_code():
    """The entry point's own imports for the window path stay light (the window path then decides)."""
    code = "from inspector_app.cli.main import window_only; import inspector_app.gui.app; window_only([])"
    assert modules_loaded_by(code, ("sqlalchemy", "pydantic")) == []


def test_the_window_start_pauses_the_collector_and_always_turns_it_back_on(monkeypatch) -> None:
    """The start makes ~100,000 objects and frees almost none: the collector waits until the first screen is up
    (or the window gives up), never for the rest of the process."""
    import argparse
    import gc

    import inspector_app.gui.app as app_module

    seen: list[bool] = []

    def fake_run(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        raise RuntimeError("the window failed")

    monkeypatch.setattr(app_module, "run", fake_run)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        run_gui(argparse.Namespace())
    assert seen == [False] and gc.isenabled()
