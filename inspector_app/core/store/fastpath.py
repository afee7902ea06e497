"""A lean write path for the recording hot path: DBAPI statements on the pooled SQLite connection.

SQLAlchemy's execution machinery costs ~0.1 ms a statement, several times SQLite's own cost; recording a
deduction takes six statements, on every keypress of a ward round. Here the same typed tables are used
(column lists and each type's own bind processor, so stored values are exactly what the ORM writes), but
executed directly on the DBAPI cursor inside one BEGIN IMMEDIATE … COMMIT.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Table


class TableInsert:
    """INSERT of whole rows into `table`, values converted by each column type's bind processor."""

    def __init__(self, table: Table, engine: Engine):
        self.columns = [column.key for column in table.columns]
        self.sql = (f"INSERT INTO {table.name} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join('?' for _ in self.columns)})")
        # dialect_impl: the SQLite DateTime processor (always writes microseconds, as the ORM does), not the
        # generic one, so fast-path rows compare equal in ORM queries.
        self.processors = [column.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
                           for column in table.columns]

    def params(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for key, processor in zip(self.columns, self.processors):
            value = row.get(key)
            values.append(processor(value) if processor is not None and value is not None else value)
        return tuple(values)

    def execute(self, cursor: sqlite3.Cursor, rows: Sequence[Mapping[str, Any]]) -> None:
        cursor.executemany(self.sql, [self.params(row) for row in rows])


@contextmanager
def raw_write(engine: Engine) -> Iterator[sqlite3.Cursor]:
    """One durable write transaction on a pooled connection (synchronous=FULL: fsynced at COMMIT)."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    finally:
        connection.close()  # back to the pool
