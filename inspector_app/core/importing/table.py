"""Reading the XLSX (or CSV) template: one row per deduction, grouped into inspections.

Rows with the same 督查日期时间, 检查表, 科室/窗口 and 督查员 are one inspection; a row without 条目编号 is an
inspection with nothing deducted. The rows become the same data as a JSON import file, so both are checked
alike; problems point at the sheet's row number and the column header as written in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import Path_
from inspector_app.core.i18n import tr
from inspector_app.core.importing.models import FORMAT, VERSION, parse_when
from inspector_app.core.importing.source import Source
from inspector_app.core.roster.sources import Row, read_rows

# canonical column -> (Chinese header written in the template, English header, other spellings people use)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "started_at": ("督查日期时间", "started_at", ("督查时间", "检查时间", "日期时间")),
    "checklist": ("检查表", "checklist", ("检查表编号",)),
    "department": ("科室/窗口", "department", ("科室", "窗口", "科室名称")),
    "inspector": ("督查员", "inspector", ("督查人",)),
    "inspector_no": ("督查员工号", "inspector_no", ()),
    "co_inspector": ("同行督查员", "co_inspector", ()),
    "mode": ("方式(明查/暗访)", "mode", ("督查方式",)),
    "location": ("地点", "location", ()),
    "item": ("条目编号", "item", ("条目", "扣分条目")),
    "staff": ("工号(多人用、分隔)", "staff", ("被扣分人工号",)),
    "count": ("次数", "count", ()),
    "note": ("备注", "note", ("问题描述",)),
}
KEY = ("started_at", "checklist", "department", "inspector")  # same values: same inspection
SHARED = ("inspector_no", "co_inspector", "mode", "location")  # per inspection, may stand in any of its rows
REQUIRED = (*KEY, "item")
HEADER_SEARCH_ROWS = 10
_IGNORED_IN_HEADERS = re.compile(r"[(（][^)）]*[)）]|[\s_\-*＊]+")  # "方式(明查/暗访)" is "方式"
_STAFF_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def header_key(text: str) -> str:
    return _IGNORED_IN_HEADERS.sub("", text).casefold()


_HEADER_LOOKUP = {header_key(spelling): column
                  for column, (zh, en, others) in COLUMNS.items() for spelling in (zh, en, *others)}


def _map_header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        column = _HEADER_LOOKUP.get(header_key(text))
        if column is not None and column not in found:
            found[column] = index
    return found


def find_header(file: str, rows: list[Row]) -> tuple[int, dict[str, int]]:
    """Where the header row is (a title line may stand above it) and the index of each known column."""
    if not rows:
        raise InputError([Problem(file, None, "", tr("the table is empty; it needs the template's header row"))])
    candidates = rows[:HEADER_SEARCH_ROWS]
    for position, (_, cells) in enumerate(candidates):
        columns = _map_header(cells)
        if all(column in columns for column in REQUIRED):
            return position, columns
    number, cells = max(candidates, key=lambda row: len(_map_header(row[1])))
    columns = _map_header(cells)
    raise InputError([Problem(file, number, COLUMNS[column][0],
                              tr("the header row has no column {column}", column=COLUMNS[column][0]))
                      for column in REQUIRED if column not in columns])


def split_staff(text: str) -> list[str]:
    """工号 cells list several people with 、 (or , ; / spaces)."""
    return [number for number in _STAFF_SEPARATORS.split(text) if number]


def _count(text: str) -> int | str:
    return int(text) if text.isdecimal() else text  # anything else is reported by the model's own check


@dataclass
class _Inspection:
    row: int
    values: dict[str, Any]
    rows: dict[str, int]  # field -> row its value came from
    deductions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class _Reader:
    def __init__(self, file: str, header: list[str], columns: dict[str, int]):
        self.file = file
        self.header = header
        self.columns = columns
        self.inspections: dict[tuple[str, ...], _Inspection] = {}
        self.problems: list[Problem] = []

    def label(self, column: str) -> str:
        """The column as its header is written in this file, so the person finds it."""
        index = self.columns.get(column)
        return self.header[index] if index is not None else COLUMNS[column][0]

    def add_row(self, number: int, cells: list[str]) -> None:
        values = {column: cells[index] if index < len(cells) else "" for column, index in self.columns.items()}
        key = tuple(values.get(column, "") for column in KEY)
        key = (_time_key(key[0]), *key[1:])
        inspection = self.inspections.get(key)
        if inspection is None:
            inspection = _Inspection(number, {column: values.get(column, "") for column in KEY},
                                     dict.fromkeys(KEY, number))
            self.inspections[key] = inspection
        for column in SHARED:
            self._shared(inspection, column, values.get(column, ""), number)
        item = values.get("item", "")
        rest = {column: values.get(column, "") for column in ("staff", "count", "note")}
        if item:
            deduction: dict[str, Any] = {"item": item}
            if rest["staff"]:
                deduction["staff"] = split_staff(rest["staff"])
            if rest["count"]:
                deduction["count"] = _count(rest["count"])
            if rest["note"]:
                deduction["note"] = rest["note"]
            inspection.deductions.append((number, deduction))
        elif any(rest.values()):
            self.problems.append(Problem(self.file, number, self.label("item"),
                                         tr("this row names people, a count or a note but no item code")))

    def _shared(self, inspection: _Inspection, column: str, value: str, number: int) -> None:
        if not value:
            return
        before = inspection.values.get(column)
        if before is None:
            inspection.values[column] = value
            inspection.rows[column] = number
        elif before != value:
            self.problems.append(Problem(self.file, number, self.label(column), tr(
                "row {row} of the same inspection says “{before}” here; one inspection has one value",
                row=inspection.rows[column], before=before)))

    def source(self) -> Source:
        places: dict[Path_, tuple[int, str]] = {}
        data = []
        for i, inspection in enumerate(self.inspections.values()):
            places[("inspections", i)] = (inspection.row, "")
            for column, row in inspection.rows.items():
                places[("inspections", i, column)] = (row, self.label(column))
            for j, (row, deduction) in enumerate(inspection.deductions):
                places[("inspections", i, "deductions", j)] = (row, "")
                for column in ("item", "staff", "count", "note", "recorded_at"):
                    places[("inspections", i, "deductions", j, column)] = (row, self.label(column)
                                                                           if column in COLUMNS else column)
            data.append({**inspection.values, "deductions": [d for _, d in inspection.deductions]})

        def locate(path: Path_) -> tuple[int | None, str]:
            for size in range(len(path), 0, -1):
                found = places.get(path[:size])
                if found is not None:
                    row, label = found
                    return row, label or ".".join(map(str, path[size:]))
            return None, ".".join(map(str, path))

        return Source(self.file, {"format": FORMAT, "version": VERSION, "inspections": data}, locate,
                      naive_is_local=True, problems=self.problems)


def _time_key(text: str) -> str:
    """Rows of one inspection may write its time differently (2026/3/5 9:30, 2026-03-05 09:30)."""
    try:
        return parse_when(text, naive_is_local=True).isoformat()
    except ValueError:
        return text


def read_table(path: Path) -> Source:
    """Read the first sheet of an XLSX (or a CSV) in the template's layout."""
    file = str(path)
    rows = read_rows(Path(path))
    position, columns = find_header(file, rows)
    reader = _Reader(file, rows[position][1], columns)
    for number, cells in rows[position + 1:]:
        reader.add_row(number, cells)
    if not reader.inspections:
        raise InputError([Problem(file, rows[position][0], "", tr("there are no inspection rows under the header"))])
    return reader.source()
