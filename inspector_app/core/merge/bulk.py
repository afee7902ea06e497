"""A group's new rows into one table, the fastest way each driver offers, inside the caller's transaction.

Rows go to the driver as tuples (a per-table itemgetter, the columns' bind processors applied once), without a
compiled statement or a dict per row; the payload is the canonical JSON the rows were hashed over, stored as is.
- PostgreSQL: COPY … FROM STDIN on the same connection: psycopg formats the rows in C and the server skips
  a statement's planning and execution per row.
- SQLite: executemany (a loop in C). Tried and measured slower: one `INSERT … SELECT … FROM json_each(?)` per
  table (so the driver would let go of the GIL for the whole insert): SQLite's JSON extraction cost more
  (+0.9 s per 100,000 rows) than running beside the verification won.
COPY's driver errors are raised as SQLAlchemy's (IntegrityError …), so retries and quarantine see what any
statement's errors show.

Times and dates arrive as the bundle dump's ISO text (rows.py) and are written as text in the form the
columns keep: a naive UTC `YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's SQLite storage form, which PostgreSQL's
COPY reads as a timestamp) and `YYYY-MM-DD`. Cutting the text costs 0.4 µs; making a datetime and running it
through UTCDateTime and the driver's adapter cost about 10 µs, 27,000 times per 20,000 rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Dialect, TypeDecorator
from sqlalchemy.exc import DBAPIError

from inspector_app.core.merge import models as m
from inspector_app.core.merge.rows import Row

CONTENT = ("content_hash", "payload")  # last in every statement: they come from the Row, not its columns


def stored_utc(iso: str) -> str:
    """An aware ISO time (pydantic's JSON form: `…T03:04:05.500000Z`, `…T03:04:05Z` or with an offset) as the
    naive UTC text the columns keep; a `Z` time is cut without parsing."""
    if len(iso) in (20, 27) and iso[-1] == "Z" and iso[10] == "T":
        return f"{iso[:10]} {iso[11:19]}.{iso[20:26] or '000000'}"
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(column: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """How a column's value from rows.py is handed to the driver: time text cut to the stored form, date text
    as it is (already YYYY-MM-DD), anything else through the column type's own bind processor."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return stored_utc
    if isinstance(kind, Date):
        return None
    return column.type.bind_processor(dialect)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class BulkInsert:
    table: str
    sql: str  # INSERT … VALUES (?, …) or COPY … FROM STDIN
    take: Callable[[dict[str, Any]], tuple[Any, ...]]  # the row's column values, in the statement's order
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]
    qmark: bool

    @staticmethod
    @lru_cache(maxsize=64)
    def of(table: type[m.Content], dialect: Dialect) -> BulkInsert:
        columns = [c for c in table.__table__.columns if c.name not in CONTENT]  # type: ignore[attr-defined]
        quote = dialect.identifier_preparer.quote
        name = quote(table.__tablename__)  # type: ignore[attr-defined]
        names = ", ".join(quote(n) for n in [c.name for c in columns] + list(CONTENT))
        count = len(columns) + len(CONTENT)
        qmark = dialect.paramstyle == "qmark"
        sql = (f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * count)})" if qmark
               else f"COPY {name} ({names}) FROM STDIN")
        convert = tuple((n, process) for n, column in enumerate(columns)
                        if (process := _converter(column, dialect)) is not None)
        getter = itemgetter(*(c.key for c in columns))
        take = getter if len(columns) > 1 else lambda values: (getter(values),)
        return BulkInsert(name, sql, take, convert, qmark)

    def params(self, row: Row) -> tuple[Any, ...]:
        if not self.convert:
            return (*self.take(row.columns), row.content_hash, row.payload_json)
        values = list(self.take(row.columns))
        for n, process in self.convert:
            if values[n] is not None:
                values[n] = process(values[n])
        return (*values, row.content_hash, row.payload_json)

    def execute(self, connection: Connection, rows: list[Row]) -> None:
        values = [self.params(row) for row in rows]
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
