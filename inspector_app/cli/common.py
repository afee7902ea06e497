"""Small pieces every command uses: opening the data folder, writing output, JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import LANGUAGE_ENV, set_language, tr
from inspector_app.core.paths import resolve_data_dir
from inspector_app.core.workspace import Workspace


@contextmanager
def open_workspace(args: argparse.Namespace, *, write: bool) -> Iterator[Workspace]:
    """The data folder chosen by --data-dir / $INSPECTOR_APP_DATA; writers take the single-instance lock."""
    ws = Workspace.open(resolve_data_dir(args.data_dir), exclusive=write)
    if not args.lang and not os.environ.get(LANGUAGE_ENV):
        set_language(ws.settings.language)  # the choice in Settings, unless --lang or the environment says otherwise
    try:
        yield ws
    finally:
        ws.close()


def to_json(data: Any) -> str:
    def plain(value: Any) -> Any:
        if is_dataclass(value) and not isinstance(value, type):
            return asdict(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(data, ensure_ascii=False, indent=2, default=plain) + "\n"


def emit(text: str, output: str | None = None, *, csv: bool = False) -> None:
    """Print, or write to the file given with -o.

    Files are UTF-8 bytes written as they are (never through the text layer, which on Windows turns the CSV
    writer's \\r\\n into \\r\\r\\n: blank rows in Excel), a CSV file with a BOM so Chinese Excel reads it as
    UTF-8. Data (JSON, CSV) sent to a redirected stdout is UTF-8 too, not the console code page (GBK would
    turn 𠮷 into "?"). A missing stdout (the windowed Windows program) is main()'s to replace."""
    if output:
        data = text.encode("utf-8")
        write_atomic(Path(output).expanduser(), b"\xef\xbb\xbf" + data if csv else data)
        print(tr("Written: {path}", path=output), file=sys.stderr)
        return
    if csv or text.lstrip()[:1] in ("{", "["):
        write_data(text)
    else:
        sys.stdout.write(text)


def write_data(text: str) -> None:
    """JSON or CSV on stdout: UTF-8 bytes where stdout has a byte layer, whatever its code page."""
    buffer = getattr(sys.stdout, "buffer", None)
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    if buffer is None or encoding == "utf8":
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def central_option(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """--central URL, as every office command takes it."""
    parser.add_argument("--central", required=required, metavar="URL",
                        help=tr("central database URL (sqlite:///… or postgresql+psycopg://…)"))


def add_format(parser: argparse.ArgumentParser, *choices: str, default: str = "table") -> None:
    parser.add_argument("--format", choices=choices, default=default, help=tr("output format"))
