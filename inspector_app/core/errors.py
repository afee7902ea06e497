"""Errors the user sees: plain messages, already in the UI language, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from inspector_app.core.i18n import tr

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".tsv")


class AppError(Exception):
    """An expected failure with a message meant for the user."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One fault in one input: which file, where in it (line and/or field path), and why."""

    file: str
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.reason}"

    def plain(self) -> str:
        """For people reading it on screen: the file's name only (not its folder), "row" in a table and
        "line" in a text file, parts left out when unknown, e.g. "花名册.csv，第 4 行，“姓名”列：…".
        The command line keeps str(), which tools and logs can parse."""
        table = PurePath(self.file).suffix.lower() in TABLE_SUFFIXES
        place = PurePath(self.file).name or self.file
        parts = []
        if self.line is not None:
            parts.append(tr("row {line}", line=self.line) if table else tr("line {line}", line=self.line))
        if self.field:
            parts.append(tr("column {field}", field=self.field) if table else tr("field {field}", field=self.field))
        for part in parts:
            place = tr("{place}, {part}", place=place, part=part) if place else part
        return tr("{place}: {reason}", place=place, reason=self.reason) if place else self.reason


class InputError(AppError):
    """A file or entry that is not valid; nothing from it was used."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, place: str, reason: str, *, field: str = "", line: int | None = None) -> InputError:
        """One problem about one file (or entry, document…): the common case."""
        return cls([Problem(place, line, field, reason)])


class NotFoundError(AppError):
    pass


class StateError(AppError):
    """The action does not fit the current state (e.g. editing a finished inspection)."""


class DataFolderBusy(AppError):
    """Another instance of the app holds the data folder."""

    exit_code = 3
