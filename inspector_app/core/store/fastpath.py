"""A lean write path for the recording hot path: DBAPI statements on one kept SQLite connection.

SQLAlchemy's execution machinery costs ~0.1 ms a statement, several times SQLite's own cost; recording a
deduction takes six statements, on every keypress of a ward round. Here the same typed tables are used
(column lists and each type's own bind processor, so stored values are exactly what the ORM writes), but
executed directly on the DBAPI cursor inside one BEGIN IMMEDIATE … COMMIT, on a connection opened once with
the store's pragmas (the same durability: WAL, synchronous=FULL).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Table

# audit.row_payload's canonical JSON (ensure_ascii off, no spaces) for a dict whose keys are already in order
_UNSORTED_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=False, separators=(",", ":"))


class TableInsert:
    """INSERT of whole rows into `table`, values converted by each column type's bind processor."""

    def __init__(self, table: Table, engine: Engine):
        self.table = table
        self._plan: list | None = None  # params_and_payload's columns, made at its first call
        self.columns = [column.key for column in table.columns]
        self.sql = (f"INSERT INTO {table.name} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join('?' for _ in self.columns)})")
        # dialect_impl: the SQLite DateTime processor (always writes microseconds, as the ORM does), not the
        # generic one, so fast-path rows compare equal in ORM queries.
        self.processors = [column.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
                           for column in table.columns]

        # only the few columns with a processor (times, dates, booleans) are converted, by position
        self._converted = [(at, processor) for at, processor in enumerate(self.processors) if processor is not None]

    def params(self, row: Mapping[str, Any]) -> list[Any]:
        get = row.get
        values = [get(key) for key in self.columns]
        for at, processor in self._converted:
            if (value := values[at]) is not None:
                values[at] = processor(value)
        return values

    def execute(self, cursor: sqlite3.Cursor, rows: Sequence[Mapping[str, Any]]) -> None:
        cursor.executemany(self.sql, [self.params(row) for row in rows])

    def params_and_payload(self, row: Mapping[str, Any]) -> tuple[list[Any], str]:
        """`params(row)` and the row's audit payload (`audit.row_payload(table, row)`, the same text) made in one
        pass over the columns: the hot path needs both for each row, and two passes were a third of its Python.

        The payload's keys are visited in sorted order, so encoding without sorting gives row_payload's text."""
        plan = self._plan
        if plan is None:
            plan = self._plan = self._make_plan()
        params: list[Any] = [None] * len(self.columns)
        payload: dict[str, Any] = {}
        get = row.get
        for key, at, process, plain, same in plan:
            value = get(key)
            if value is None:
                payload[key] = None
                continue
            payload[key] = value if value.__class__ is same else plain(value)
            params[at] = value if process is None else process(value)
        return params, _UNSORTED_CANONICAL.encode(payload)

    def _make_plan(self) -> list[tuple[str, int, Callable[[Any], Any] | None, Callable[[Any], Any], type]]:
        from inspector_app.core.store.audit import payload_plan

        at = {key: index for index, key in enumerate(self.columns)}
        return [(key, at[key], self.processors[at[key]], plain, same) for key, plain, same in payload_plan(self.table)]


class HotWriter:
    """The connection the recording hot path writes on, opened once and kept: checking a connection out of the
    pool and resetting it on return cost more than the entry's own statements. A lock keeps it to one thread
    at a time (SQLite takes one writer at a time anyway); `connect` opens it with the store's pragmas."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]):
        self._connect = connect
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """One durable write transaction (synchronous=FULL: fsynced at COMMIT), rolled back on any error."""
        with self._lock:
            if self._connection is None:
                self._connection = self._connect()
            connection = self._connection
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
                cursor.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:  # an error, or a COMMIT that failed and left it open
                    connection.rollback()
                raise
            finally:
                cursor.close()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
