"""Opening the local SQLite store: durable pragmas, explicit transactions, migrations, one writer.

Durability promise: a write transaction returns only after SQLite has committed it to the WAL with
`synchronous=FULL`, so an entry the app acknowledged survives a crash of the app or the machine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr

if TYPE_CHECKING:
    from inspector_app.core.store.fastpath import HotWriter

DB_FILE = "inspector.db"
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA cache_size=-16000",
)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object = None) -> None:
    # Take transaction control from pysqlite so BEGIN IMMEDIATE can be issued for writes (see _on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _on_begin(connection) -> None:  # noqa: ANN001
    # Writers take the write lock up front: no deadlock from upgrading a read lock, and readers in
    # other threads (WAL) keep reading while an entry is being recorded.
    mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": 5},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class HotInserts:
    """Prepared whole-row inserts for the tables the recording hot path writes."""

    def __init__(self, engine: Engine):
        from inspector_app.core.store.fastpath import TableInsert
        from inspector_app.core.store.models import (
            AuditEvent,
            Deduction,
            Photo,
            Rectification,
        )

        self.deductions = TableInsert(Deduction.__table__, engine)  # type: ignore[arg-type]
        self.rectifications = TableInsert(Rectification.__table__, engine)  # type: ignore[arg-type]
        self.photos = TableInsert(Photo.__table__, engine)  # type: ignore[arg-type]
        self.audit_events = TableInsert(AuditEvent.__table__, engine)  # type: ignore[arg-type]


class Database:
    """The store of one data folder: an engine plus read and write sessions."""

    def __init__(self, path: Path):
        self.path = path
        self.engine = create_sqlite_engine(path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def inserts(self) -> "HotInserts":
        return HotInserts(self.engine)

    @cached_property
    def hot_writer(self) -> HotWriter:
        """The recording hot path's own connection (store/fastpath.py), opened like the pool's but leaving WAL
        checkpoints to a background thread (store/checkpoints.py), which opens its connection the same way."""
        from inspector_app.core.store.checkpoints import NO_AUTOCHECKPOINT, Checkpointer
        from inspector_app.core.store.fastpath import HotWriter

        def connect() -> sqlite3.Connection:
            connection = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
            _on_connect(connection)
            connection.execute(NO_AUTOCHECKPOINT)
            return connection

        return HotWriter(connect, Checkpointer(connect))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read session; closing it ends the (deferred) transaction and keeps loaded objects usable."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One durable write transaction: committed (and fsynced) when the block ends, or rolled back."""
        with self.engine.connect().execution_options(write=True) as connection:
            with Session(bind=connection, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise

    def integrity_check(self) -> str:
        with self.engine.connect() as connection:
            return str(connection.exec_driver_sql("PRAGMA integrity_check").scalar())

    def close(self) -> None:
        if "hot_writer" in self.__dict__:
            self.hot_writer.close()
        self.engine.dispose()


def open_database(data_dir: Path) -> Database:
    """Open (creating and migrating as needed) the store in `data_dir`."""
    from inspector_app.core.store.migrate import upgrade

    data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(data_dir / DB_FILE)
    try:
        upgrade(database.engine)
    except (sqlite3.DatabaseError, DBAPIError) as exc:
        database.close()
        detail = getattr(exc, "orig", None) or exc
        raise AppError(tr("The data file {path} is damaged: {detail}", path=database.path, detail=detail)) from exc
    return database
