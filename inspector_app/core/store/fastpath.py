"""A lean write path for the recording hot path: DBAPI statements on one kept SQLite connection.

SQLAlchemy's execution machinery costs ~0.1 ms a statement, several times SQLite's own cost; recording a
deduction takes six statements, on every keypress of a ward round. Here the same typed tables are used
(column lists and each type's own bind processor, so stored values are exactly what the ORM writes), but
executed directly on the DBAPI cursor inside one BEGIN IMMEDIATE … COMMIT, on a connection opened once with
the store's pragmas (the same durability: WAL, synchronous=FULL), whose WAL checkpoints run on a background
thread (store/checkpoints.py) instead of inside a commit.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, Table

from inspector_app.core.store.checkpoints import Checkpointer
from inspector_app.core.store.models import utc_texts

# audit.row_payload's canonical JSON (ensure_ascii off, no spaces) for a dict whose keys are already in order
_UNSORTED_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=False, separators=(",", ":"))
# the JSON encoder's own text and number writers (what it calls for each value): the payload is assembled from
# them directly, so the text is byte for byte what encoding the payload dict gives
_TEXT = json.encoder.encode_basestring
_INT = int.__repr__
_FLOAT = float.__repr__


class TableInsert:
    """INSERT of whole rows into `table`, values converted by each column type's bind processor.

    `params` and `params_and_payload` are Python functions written for the table's columns when the store
    opens (as dataclasses and namedtuple write theirs): the recording hot path runs them for every row, and a
    loop over the columns, building a dict for the JSON encoder, was most of the entry's Python. Each column's
    common case (text in a text column, an int in an integer column, a finite float, a flag, NULL) is written
    inline; any other value goes through the column's converter and the JSON encoder, as before."""

    def __init__(self, table: Table, engine: Engine):
        self.table = table
        self.columns = [column.key for column in table.columns]
        self.sql = (f"INSERT INTO {table.name} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join('?' for _ in self.columns)})")
        # dialect_impl: the SQLite DateTime processor (always writes microseconds, as the ORM does), not the
        # generic one, so fast-path rows compare equal in ORM queries.
        self.processors = [column.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
                           for column in table.columns]
        self.params: Callable[[Mapping[str, Any]], list[Any]] = self._compile(payload=False)
        self._params_and_payload: Callable[[Mapping[str, Any]], tuple[list[Any], str]] | None = None

    def execute(self, cursor: sqlite3.Cursor, rows: Sequence[Mapping[str, Any]]) -> None:
        params = self.params
        cursor.executemany(self.sql, [params(row) for row in rows])

    def params_and_payload(self, row: Mapping[str, Any]) -> tuple[list[Any], str]:
        """`params(row)` and the row's audit payload (`audit.row_payload(table, row)`, the same text) made in one
        pass over the columns: the hot path needs both for each row."""
        build = self._params_and_payload
        if build is None:
            build = self._params_and_payload = self._compile(payload=True)
        return build(row)

    def _compile(self, payload: bool) -> Callable[..., Any]:
        """The function `params` (or `params_and_payload`) for this table, as Python source compiled once."""
        names: dict[str, Any] = {"_TEXT": _TEXT, "_INT": _INT, "_FLOAT": _FLOAT, "_UTC_TEXTS": utc_texts,
                                 "_DATETIME": datetime, "_DATE": date}
        lines = ["def build(row):", "    get = row.get"]
        lines += [f"    v{at} = get({key!r})" for at, key in enumerate(self.columns)]
        values, utc, days = [], set(), set()
        for at, process in enumerate(self.processors):
            if process is None:
                values.append(f"v{at}")
                continue
            names[f"p{at}"] = process
            if _writes_utc_text(process) and payload:  # an aware time: its text and its payload's, made once
                utc.add(at)
                lines.append(f"    u{at} = _UTC_TEXTS(v{at}) if v{at}.__class__ is _DATETIME "
                             f"and v{at}.tzinfo is not None else None")
                values.append(f"(u{at}[0] if u{at} is not None else None if v{at} is None else p{at}(v{at}))")
            elif _writes_utc_text(process):  # an aware time: its UTC text written directly
                values.append(f"(None if v{at} is None else _UTC_TEXTS(v{at})[0] if v{at}.__class__ is _DATETIME "
                              f"and v{at}.tzinfo is not None else p{at}(v{at}))")
            elif _writes_day_iso(process):  # a day: its ISO text, for the insert and (once) the payload
                days.add(at)
                lines.append(f"    d{at} = v{at}.isoformat() if v{at}.__class__ is _DATE else None")
                values.append(f"(d{at} if d{at} is not None else None if v{at} is None else p{at}(v{at}))")
            elif _keeps_floats(process):  # a float column's converter gives a float back as it is
                values.append(f"(v{at} if v{at}.__class__ is float else None if v{at} is None else p{at}(v{at}))")
            elif _writes_flags_as_ints(process):
                values.append(f"(1 if v{at} is True else 0 if v{at} is False else None if v{at} is None "
                              f"else p{at}(v{at}))")
            else:
                values.append(f"(None if v{at} is None else p{at}(v{at}))")
        params = f"[{', '.join(values)}]"
        if not payload:
            lines.append(f"    return {params}")
        else:
            from inspector_app.core.store.audit import payload_plan

            at_key = {key: at for at, key in enumerate(self.columns)}
            pieces, separator = [], "{"
            for key, plain, same in payload_plan(self.table):  # in the payload's (sorted) key order
                at = at_key[key]
                names[f"x{at}"] = _other(plain)
                value = f"v{at}"
                common = {str: f"_TEXT({value}) if {value}.__class__ is str",
                          int: f"_INT({value}) if {value}.__class__ is int",
                          float: f"_FLOAT({value}) if {value}.__class__ is float and {value} - {value} == 0.0",
                          bool: f"'true' if {value} is True else 'false' if {value} is False"}[same]
                kind = _python_type(self.table.columns[key])
                if at in utc:  # audit._plain's text of a time, from the UTC time made for the insert
                    common += f" else _TEXT(u{at}[1]) if u{at} is not None"
                elif kind is datetime:  # audit._plain's text of a time and of a day
                    common += f" else _TEXT(_UTC_TEXTS({value})[1]) if {value}.__class__ is _DATETIME"
                elif at in days:  # the day's text made for the insert
                    common += f" else _TEXT(d{at}) if d{at} is not None"
                elif kind is date:
                    common += f" else _TEXT({value}.isoformat()) if {value}.__class__ is _DATE"
                pieces += [repr(f"{separator}{_TEXT(key)}:"), f"({common} else x{at}({value}))"]
                separator = ","
            pieces.append(repr("}" if separator == "," else "{}"))
            lines.append(f"    return {params}, ''.join(({', '.join(pieces)}))")
        namespace = dict(names)
        exec(compile("\n".join(lines), f"<{self.table.name} insert>", "exec"), namespace)  # noqa: S102
        return namespace["build"]


def _python_type(column: Any) -> type | None:
    """The Python type of a column's values (a TypeDecorator's: its implementation's, as UTCDateTime's)."""
    try:
        return getattr(column.type, "impl_instance", column.type).python_type
    except NotImplementedError:
        return None


_UTC_SAMPLES = (datetime(2026, 3, 1, 0, 0, 0, 0, timezone(timedelta(hours=8))),
                datetime(999, 12, 31, 23, 59, 59, 999999, timezone.utc),
                datetime(2026, 7, 1, 12, 30, 5, 7, timezone(timedelta(hours=-5, minutes=-30))))


def _writes_utc_text(process: Callable[[Any], Any]) -> bool:
    """Whether a column's converter writes aware times as `utc_texts` does (a UTCDateTime column), checked on
    sample times rather than assumed from the column's type."""
    try:
        return all(process(sample) == utc_texts(sample)[0] for sample in _UTC_SAMPLES)
    except Exception:  # noqa: BLE001 - a converter refusing times: not a time column
        return False


def _writes_day_iso(process: Callable[[Any], Any]) -> bool:
    """Whether a column's converter writes a day (not a time) as its ISO text (a Date column on SQLite)."""
    try:
        return all(process(day) == day.isoformat() for day in (date(2026, 3, 1), date(999, 12, 31), date(1, 1, 1)))
    except Exception:  # noqa: BLE001 - a converter refusing days: not a day column
        return False


def _keeps_floats(process: Callable[[Any], Any]) -> bool:
    """Whether a column's converter returns a float as it is (a Float column's), checked on samples."""
    try:
        return all((out := process(sample)) == sample and out.__class__ is float for sample in (1.5, -0.0, 1e300))
    except Exception:  # noqa: BLE001 - a converter refusing floats
        return False


def _writes_flags_as_ints(process: Callable[[Any], Any]) -> bool:
    """Whether a column's converter writes True and False as the ints 1 and 0 (a Boolean column's on SQLite)."""
    try:
        return all((out := process(flag)) == int(flag) and out.__class__ is int for flag in (True, False))
    except Exception:  # noqa: BLE001 - a converter refusing flags
        return False


def _other(plain: Callable[[Any], Any]) -> Callable[[Any], str]:
    """A value outside its column's common case, as the JSON encoder writes it after the column's converter."""
    encode = _UNSORTED_CANONICAL.encode

    def other(value: Any) -> str:
        return "null" if value is None else encode(plain(value))

    return other


class HotWriter:
    """The connection the recording hot path writes on, opened once and kept: checking a connection out of the
    pool and resetting it on return cost more than the entry's own statements. A lock keeps it to one thread
    at a time (SQLite takes one writer at a time anyway); `connect` opens it with the store's pragmas."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], checkpointer: Checkpointer | None = None):
        self._connect = connect
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.checkpointer = checkpointer  # told of each commit; `connect` turns automatic checkpoints off
        if checkpointer is not None:
            checkpointer.writer_lock = self._lock  # its last short copy holds this writer back

    def transaction(self) -> _Transaction:
        """One durable write transaction (synchronous=FULL: fsynced at COMMIT), rolled back on any error; used
        as `with writer.transaction() as cursor:` (a class, not a generator: a few microseconds an entry)."""
        return _Transaction(self)

    def _open(self) -> sqlite3.Connection:
        connection = self._connection
        if connection is None:
            connection = self._connection = self._connect()
        return connection

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class _Transaction:
    """HotWriter.transaction's context: the writer's lock and BEGIN IMMEDIATE on entry; COMMIT (and the
    checkpointer told) on a clean exit, ROLLBACK on any error, the lock released either way."""

    __slots__ = ("writer", "cursor")

    def __init__(self, writer: HotWriter):
        self.writer = writer

    def __enter__(self) -> sqlite3.Cursor:
        writer = self.writer
        writer._lock.acquire()
        try:
            cursor = self.cursor = writer._open().cursor()
            cursor.execute("BEGIN IMMEDIATE")
        except BaseException:
            writer._lock.release()
            raise
        return cursor

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        writer, cursor = self.writer, self.cursor
        connection = cursor.connection
        try:
            if kind is None:
                try:
                    cursor.execute("COMMIT")
                    if writer.checkpointer is not None:
                        writer.checkpointer.committed()
                except BaseException:
                    if connection.in_transaction:  # a COMMIT that failed and left it open
                        connection.rollback()
                    raise
            elif connection.in_transaction:
                connection.rollback()
        finally:
            cursor.close()
            writer._lock.release()
