"""`inspector-app`: the command line over the core services (and, with no command, the desktop window).

Every command works without a display. Errors the user can fix are printed as one plain line each (in the
UI language) with exit code 1; a busy data folder exits 3; bad usage exits 2 (argparse).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from inspector_app import __version__
from inspector_app.core.i18n import initial_language, set_language, tr
from inspector_app.core.paths import resolve_data_dir

Handler = Callable[[argparse.Namespace], int]
TEST_CRASH_ENV = "INSPECTOR_APP_TEST_CRASH"  # core.crash.TEST_CRASH_ENV


def _configure_stdio() -> None:
    # The windowed Windows program (inspector-app-gui.exe) has no console: sys.stdout and sys.stderr are None,
    # and a command run through it would crash on its first line of output. Its output goes nowhere instead.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process's lifetime
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    # Chinese output on a Windows console or a pipe with a legacy encoding must not crash the command.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - exotic streams
                pass


def build_parser() -> argparse.ArgumentParser:
    from inspector_app.cli import (
        commands_data,
        commands_documents,
        commands_forms,
        commands_identity,
        commands_merge,
        commands_records,
        commands_reports,
        commands_sync,
        commands_training,
    )

    parser = argparse.ArgumentParser(
        prog="inspector-app",
        description=tr("Hospital service inspection (督查): checklists, deductions, rectification notices, "
                       "monthly bulletins. Without a command the desktop window opens."),
    )
    parser.add_argument("--version", action="version", version=f"inspector-app {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help=tr("local data folder (default: $INSPECTOR_APP_DATA, else the user data folder)"))
    parser.add_argument("--lang", choices=("zh", "en"), help=tr("language of messages (default: Chinese)"))
    # hidden: open the window, wait until it is shown, exit 0 (the built program's smoke test)
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--training", action="store_true",
                        help=tr("training mode: use the separate training data folder (DIR/training), whose "
                                "inspections are never sent or merged"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = commands.add_parser("gui", help=tr("open the desktop window"))
    gui.set_defaults(handler=run_gui)
    commands_forms.register(commands)
    commands_data.register(commands)
    commands_records.register(commands)
    commands_identity.register(commands)
    commands_reports.register(commands)
    commands_documents.register(commands)
    commands_sync.register(commands)
    commands_merge.register(commands)
    commands_training.register(commands)
    return parser


def _no_display() -> bool:
    """On Linux without X11/Wayland (a server, an SSH session) Qt would abort: say so instead."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def run_gui(args: argparse.Namespace) -> int:
    if _no_display():
        print(tr("The desktop window needs a screen (no DISPLAY or WAYLAND_DISPLAY is set). The commands work "
                 "without one: see inspector-app --help."), file=sys.stderr)
        return 1
    # The start makes ~100,000 objects (Qt's bindings, the app's modules) and frees almost none: collecting
    # them while nothing is garbage costs the first screen ~4 ms. The window turns the collector back on as
    # soon as its first screen is shown (gui/quick_start.py first_screen_shown), this at the latest.
    gc.disable()
    try:
        try:
            from inspector_app.gui.app import (
                run,  # imported only here: commands never load Qt
            )
        except ImportError as exc:
            print(tr("The desktop window is not available: {detail}", detail=exc), file=sys.stderr)
            return 1
        return run(args)
    finally:
        gc.enable()


def _training_data_dir(data_dir: str | None) -> Path:
    from inspector_app.core.training.mode import prepare_training_dir

    return prepare_training_dir(resolve_data_dir(data_dir))


WINDOW_FLAGS = {"--smoke-test", "--training"}
WINDOW_OPTIONS = {"--data-dir", "--lang"}


def window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """`inspector-app [--data-dir D] [--lang L] [--training] [gui]` just opens the window: parsed here without
    building every command's parser, which would import the whole core and slow the window's start.
    None for anything else (a command, --help, --version, a mistake): the full parser handles it."""
    values: dict[str, object] = {"data_dir": None, "lang": None, "smoke_test": False, "training": False,
                                 "command": None}
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        name, _, inline = token.partition("=")
        if token in WINDOW_FLAGS:
            values[token[2:].replace("-", "_")] = True
        elif name in WINDOW_OPTIONS and (inline or tokens):
            values[name[2:].replace("-", "_")] = inline or tokens.pop(0)
        elif token == "gui" and values["command"] is None:
            values["command"] = "gui"
        else:
            return None
    if values["lang"] not in (None, "zh", "en"):
        return None
    return argparse.Namespace(**values, handler=run_gui)


def main(argv: Sequence[str] | None = None) -> int:
    _configure_stdio()
    argv = list(sys.argv[1:] if argv is None else argv)
    initial_language()
    args = window_only(argv)  # the window: no argument parser to build (~7 ms of its start)
    if args is None:
        early = argparse.ArgumentParser(add_help=False)
        early.add_argument("--lang", choices=("zh", "en"))
        known, _ = early.parse_known_args(argv)
        if known.lang:
            set_language(known.lang)
        args = build_parser().parse_args(argv)
    elif args.lang:
        set_language(args.lang)
    handler: Handler = getattr(args, "handler", run_gui)
    try:
        if os.environ.get(TEST_CRASH_ENV):  # the crash-report test (the module loads only when needed)
            from inspector_app.core.crash import maybe_test_crash

            maybe_test_crash(getattr(args, "command", None))
        if args.training:  # every command then works on <data>/training/ (core/training/mode.py)
            args.data_dir = str(_training_data_dir(args.data_dir))
        if handler is run_gui:  # the window sets up its own log once it shows
            return handler(args)
        # not on the window's path (see _failed)
        from inspector_app.core.logs import command_logging

        with command_logging(resolve_data_dir(args.data_dir)):
            return handler(args)
    except KeyboardInterrupt:
        print(tr("Cancelled."), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - sorted out by _failed: the user's mistakes, or a bug
        return _failed(exc, args)


def _failed(exc: Exception, args: argparse.Namespace) -> int:
    """A plain line for what the user can fix, a crash report for a bug; called while `exc` is handled.

    core.errors is imported here, not at the top: the window's start does not need it before its first screen,
    and its dataclass (Problem) with the dataclasses module costs that screen ~7 ms."""
    from inspector_app.core.errors import AppError, InputError

    if isinstance(exc, InputError):
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, AppError):
        print(tr("Error: {message}", message=exc), file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):  # output piped into `head` and closed early: not an error of ours
        sys.stderr.close()
        return 0
    if isinstance(exc, PermissionError):  # a file open in Excel or WPS, or a folder we may not write to
        from inspector_app.core.files import cannot_write_message

        message = cannot_write_message(exc)
        if message is not None:
            print(tr("Error: {message}", message=message), file=sys.stderr)
            return 1
    return _crashed(args)  # a bug, not a user mistake: a crash report for the office


CRASH_EXIT = 4


def _crashed(args: argparse.Namespace) -> int:
    from inspector_app.core.crash import write_crash_report

    error = sys.exc_info()
    try:
        path = write_crash_report(error, resolve_data_dir(args.data_dir))  # type: ignore[arg-type]
    except OSError:
        path = None
    print(tr("Unexpected error: {detail}", detail=error[1]), file=sys.stderr)
    if path is not None:
        print(tr("A crash report was written to {path}. Please send this file to the office.", path=path),
              file=sys.stderr)
    return CRASH_EXIT


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
