"""A group's new rows into one table, the fastest way each driver offers, inside the caller's transaction.

Rows arrive as the tuples the statement takes (rows.py's Row.params, made where the bundle was verified: times
already in the columns' stored form, the payload the canonical JSON the rows were hashed over), so nothing is
worked out here per row: no compiled statement, no dict, no conversion.
- PostgreSQL: COPY … FROM STDIN on the same connection: psycopg formats the rows in C and the server skips
  a statement's planning and execution per row.
- SQLite: executemany (a loop in C). Tried and measured slower: one `INSERT … SELECT … FROM json_each(?)` per
  table (so the driver would let go of the GIL for the whole insert): SQLite's JSON extraction cost more
  (+0.9 s per 100,000 rows) than running beside the verification won.
COPY's driver errors are raised as SQLAlchemy's (IntegrityError …), so retries and quarantine see what any
statement's errors show.

Times are written as text in the form the columns keep (rows.stored_utc): a naive UTC
`YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's SQLite storage form, which PostgreSQL's COPY reads as a timestamp),
dates as `YYYY-MM-DD`; booleans and floats as Python's, which both drivers store as SQLAlchemy would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError

from inspector_app.core.merge import models as m
from inspector_app.core.merge.rows import Row, column_names, stored_utc

__all__ = ["insert_rows", "stored_utc"]
CONTENT = ("content_hash", "payload")  # last in every statement: Row.params ends with them


@dataclass(frozen=True)
class BulkInsert:
    table: str
    sql: str  # INSERT … VALUES (?, …) or COPY … FROM STDIN
    qmark: bool

    @staticmethod
    @lru_cache(maxsize=64)
    def of(table: type[m.Content], dialect: Dialect) -> BulkInsert:
        quote = dialect.identifier_preparer.quote
        name = quote(table.__tablename__)  # type: ignore[attr-defined]
        keys = column_names(table)
        names = ", ".join(quote(n) for n in [*keys, *CONTENT])
        qmark = dialect.paramstyle == "qmark"
        sql = (f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * (len(keys) + len(CONTENT)))})" if qmark
               else f"COPY {name} ({names}) FROM STDIN")
        return BulkInsert(name, sql, qmark)

    def execute(self, connection: Connection, rows: list[Row]) -> None:
        values = [row.params for row in rows]
        if self.qmark:
            connection.exec_driver_sql(self.sql, values)
        else:
            _copy(connection, self.sql, values)


def _copy(connection: Connection, sql: str, values: Iterable[tuple[Any, ...]]) -> None:
    """COPY on the connection's own psycopg connection (so inside the group's transaction)."""
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for value in values:
                copy.write_row(value)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc


def insert_rows(connection: Connection, table: type[m.Content], rows: list[Row]) -> None:
    """Within the transaction the connection has begun (COPY runs on its driver connection, beside SQLAlchemy)."""
    BulkInsert.of(table, connection.dialect).execute(connection, rows)
