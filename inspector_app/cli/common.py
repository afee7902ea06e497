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


def emit(text: str, output: str | None = None) -> None:
    """Print, or write to the file given with -o (UTF-8)."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(tr("Written: {path}", path=output), file=sys.stderr)
    else:
        sys.stdout.write(text)


def add_format(parser: argparse.ArgumentParser, *choices: str, default: str = "table") -> None:
    parser.add_argument("--format", choices=choices, default=default, help=tr("output format"))
