"""An import file read into plain data plus a way to point at any place in it (JSON line, or sheet row and column).

JSON and XLSX files end up as the same data and are checked by the same code; only `locate` differs, so
every problem names the place the person has to fix in the file they wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import (
    Path_,
    line_for,
    parse_text,
    pydantic_reason,
    read_text,
)
from inspector_app.core.i18n import tr

Locate = Callable[[Path_], "tuple[int | None, str]"]


@dataclass
class Source:
    file: str
    data: Any
    locate: Locate
    naive_is_local: bool = False  # tables: a time without zone is the machine's local time
    problems: list[Problem] = field(default_factory=list)  # found while reading (tables)

    def problem(self, path: Path_, reason: str) -> Problem:
        line, where = self.locate(tuple(path))
        return Problem(self.file, line, where, reason)

    def shape_problems(self, exc: ValidationError, prefix: Path_ = ()) -> list[Problem]:
        """Pydantic errors in plain words, each at its place in the file."""
        problems = []
        for error in exc.errors():
            loc = tuple(part for part in error["loc"]
                        if isinstance(part, int) or not str(part).startswith(("function-", "tagged-")))
            problems.append(self.problem(prefix + loc, pydantic_reason(error)))
        return problems


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def read_json(path: Path) -> Source:
    """Strict JSON (the YAML parser only supplies line numbers), duplicate keys refused."""
    name = str(path)
    text = read_text(path)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, exc.lineno, "", tr("not valid JSON: {detail} (column {column})",
                                                             detail=exc.msg, column=exc.colno))]) from None
    except _DuplicateKey as exc:
        try:
            parse_text(text, name)
        except InputError as found:
            if any(problem.field for problem in found.problems):  # the duplicates, each with its line
                raise
        key = str(exc)
        reason = tr("the key '{key}' appears twice in one object", key=key)
        raise InputError([Problem(name, None, key, reason)]) from None
    except RecursionError:
        raise InputError([Problem(name, None, "", tr("the file is nested too deeply"))]) from None
    try:
        lines = parse_text(text, name).lines
    except (InputError, RecursionError):  # valid JSON the YAML parser dislikes: no line numbers, still usable
        lines = {}
    return Source(name, data, lambda loc: (line_for(lines, loc), ".".join(map(str, loc))))
