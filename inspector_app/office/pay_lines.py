"""The pay list's lines as the database writes them: one text per entry, its figures as canonical JSON.

A year of synthetic central data charges all 2,000 staff every month: 778,000 lines a month. Read as rows
and turned into objects one by one, they took over twenty seconds; the month's close hashes all of them.
So the database writes each line's figures exactly as core/store/audit.canonical would (keys sorted, no
spaces, strings JSON-quoted as Python's json quotes them, floats as Python's repr, integers as integers),
the pay list keeps those texts, hashes them as they are, and makes a PayLine of one only when it is read
(a workbook, a PDF, a test). tests/office/test_pay_list.py checks the texts, the lines and the hash equal
the per-line Python reading of the same entries, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, overload

import orjson
from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    text,
)
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.store.audit import canonical
from inspector_app.office.month_rows import month_scale

SEPARATOR = "\x1f"  # between a line's JSON (where it is always escaped) and its checklist


@dataclass(frozen=True)
class PayLine:
    """One live entry as the audit department reads it."""

    month: str  # the month the entry belongs to (an earlier one for a carried correction)
    date: str  # local date it was recorded
    staff_no: str  # "" when the department itself was charged
    name: str
    department_code: str
    department: str
    item_code: str
    item_text: str
    clause: str  # the standard's section and quote the item rests on
    inspector: str
    count: int
    points: float  # counted (after caps; 0 on scored checklists)
    pay_percent: float


def prepare(session: Session) -> None:
    """SQLite: Python's own float repr for the JSON (SQLite's 15 digits would print 0.1 + 0.2 as 0.3);
    PostgreSQL: the shortest exact digits (as Python's repr gives them) and ISO dates."""
    if session.get_bind().dialect.name == "postgresql":
        for setting in ("extra_float_digits = 1", "DateStyle = 'ISO, YMD'"):
            session.execute(text(f"SET LOCAL {setting}"))
        month_scale(session)
        return
    connection = session.connection().connection.dbapi_connection
    connection.create_function("py_float", 1, _py_float, deterministic=True)  # type: ignore[union-attr]


def _py_float(value: float | None) -> str:
    return canonical(float(value or 0))


def _inspector() -> ColumnElement[str]:
    I = m.Inspection
    return case((func.coalesce(I.inspector_no, "") != "", I.inspector_name + "（" + I.inspector_no + "）"),
                else_=I.inspector_name)


def _offset() -> ColumnElement[int]:
    return m.Deduction.utc_offset_min  # its own column (c0012): no JSON parsed per line


def line_text(session: Session) -> ColumnElement[str]:
    """An entry's figures as canonical JSON (PayList.figures' line: a PayLine less its item text and
    clause), over deductions joined to their inspection and (outer) department: the keys in order, each
    string quoted by the database's own JSON quoting (as Python's json quotes it: UTF-8 kept, the same
    escapes), the floats as Python's repr writes them. Put together by concatenation, which PostgreSQL does in
    about four fifths of the time row_to_json over a lateral row took (778,000 lines: 4.3 s against 5.3 s)."""
    D = m.Deduction
    if session.get_bind().dialect.name == "postgresql":
        def quote(value: ColumnElement[Any]) -> ColumnElement[str]:
            return cast(func.to_json(value), Text)

        day = cast(cast(D.recorded_at + func.make_interval(0, 0, 0, 0, 0, _offset()), Date), Text)
        number = _postgres_float
    else:
        quote, number = func.json_quote, func.py_float
        day = func.date(D.recorded_at, func.printf("%+d minutes", _offset()))
    parts: list[tuple[str, ColumnElement[Any]]] = [
        ("count", cast(cast(D.count, Integer), String)), ("date", quote(day)),
        ("department", quote(func.coalesce(m.Department.name, ""))),
        ("department_code", quote(D.department_id)), ("inspector", quote(_inspector())),
        ("item_code", quote(D.item_code)), ("month", quote(D.local_month)),
        ("name", quote(func.coalesce(D.staff_name, ""))), ("pay_percent", number(D.pay_percent)),
        ("points", number(D.counted_points)), ("staff_no", quote(func.coalesce(D.staff_no, "")))]
    built: ColumnElement[str] = literal("{", String)
    for n, (key, value) in enumerate(parts):
        built = built + f'{"," if n else ""}"{key}":' + value
    return built + "}"


def _postgres_float(value: ColumnElement[float]) -> ColumnElement[str]:
    """A float as Python's repr writes it (with extra_float_digits = 1, see prepare): PostgreSQL writes 2.0
    as 2."""
    whole = (value == func.floor(value)) & (func.abs(value) < 1e15)
    return cast(value, Text) + case((whole, ".0"), else_="")


def code_point_order(session: Session) -> bool:
    """Whether the database sorts text by code point (collation C, POSIX or C.UTF-8): then a sort may
    compare bytes (COLLATE "C", several times faster) and still give the very same order. SQLite always
    compares bytes: nothing to say there."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    found = session.scalar(text("SELECT datcollate FROM pg_database WHERE datname = current_database()"))
    return str(found).replace("-", "").lower() in ("c", "posix", "c.utf8")


class PayLines(Sequence[PayLine]):
    """The lines as the database wrote them ("JSON<US>checklist"), made into PayLines only when read; more
    lines (the complaints verified in the month, worked out in Python) may be added at the end."""

    def __init__(self, raw: list[str], item: Callable[[str, str], tuple[str, str]]):
        self.raw = raw
        self.item = item  # (checklist snapshot, item code) -> (text, clause)
        self.items: dict[tuple[str, str], tuple[str, str]] = {}
        self.more: list[PayLine] = []

    def extend(self, lines: list[PayLine]) -> None:
        self.more.extend(lines)

    def __len__(self) -> int:
        return len(self.raw) + len(self.more)

    @overload
    def __getitem__(self, index: int) -> PayLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[PayLine]: ...

    def __getitem__(self, index: int | slice) -> PayLine | list[PayLine]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._line(self.raw[index]) if index < len(self.raw) else self.more[index - len(self.raw)]

    def __eq__(self, other: object) -> bool:  # as the list of lines it stands for
        return isinstance(other, Sequence) and len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[PayLine]:
        for raw in self.raw:
            yield self._line(raw)
        yield from self.more

    def _line(self, raw: str) -> PayLine:
        values, (text, clause) = self._parsed(raw)
        return PayLine(item_text=text, clause=clause, **values)

    def _parsed(self, raw: str) -> tuple[dict[str, Any], tuple[str, str]]:
        """A database line's figures, and its item's text and clause (worked out once per item)."""
        cut = raw.rindex(SEPARATOR)
        values = orjson.loads(raw[:cut])
        key = (raw[cut + 1:], values["item_code"])
        found = self.items.get(key)
        if found is None:
            found = self.items[key] = self.item(*key)
        return values, found

    def table_rows(self, row: Callable[[PayLine], list[Any]]) -> Iterator[list[Any]]:
        """Each line as `row` makes it (the pay list's table row: date, 工号, name, code, department, item,
        its text, clause, inspector, count, points, pay share), the database's lines straight from their texts
        without a PayLine each (a year's month: 778,000 of them)."""
        parsed = self._parsed
        for raw in self.raw:
            v, (text, clause) = parsed(raw)
            yield [v["date"], v["staff_no"], v["name"], v["department_code"], v["department"], v["item_code"],
                   text, clause, v["inspector"], v["count"], v["points"], v["pay_percent"]]
        yield from map(row, self.more)

    def figure_texts(self) -> list[str]:
        """Each line's figures as canonical JSON, in order (what PayList.figures_sha256 hashes)."""
        return [raw[:raw.rindex(SEPARATOR)] for raw in self.raw] + [canonical(figures_of(line)) for line in self.more]

    def digests(self) -> set[str]:
        """The checklist snapshots of the database's lines (a handful)."""
        return {raw[-64:] if raw[-65:-64] == SEPARATOR else raw[raw.rindex(SEPARATOR) + 1:] for raw in self.raw}


def figures_of(line: PayLine) -> dict[str, Any]:
    """A line's figures, without the texts that depend on the language it is printed in."""
    figures = asdict(line)
    del figures["item_text"], figures["clause"]
    return figures
