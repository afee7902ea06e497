"""Opening the central database by URL: SQLite (WAL, foreign keys, BEGIN IMMEDIATE writers) or any SQLAlchemy URL.

Several merges may run at once (two office PCs, a scheduled job): every write is one transaction, on SQLite
taken with BEGIN IMMEDIATE so writers queue instead of deadlocking, and `write()` retries a transaction that
lost a race (a lock timeout, or a unique constraint another merge satisfied first).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr

log = logging.getLogger(__name__)
T = TypeVar("T")
DB_FILE = "central.db"
ATTEMPTS = 8
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                  "PRAGMA busy_timeout=10000")


def default_url(folder: Path | str) -> str:
    return f"sqlite:///{Path(folder) / DB_FILE}"


def _on_connect(dbapi_connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # pysqlite must not issue its own BEGIN: we issue BEGIN IMMEDIATE
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _on_begin(connection) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_central_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    text = str(exc.orig).lower() if exc.orig is not None else ""
    return isinstance(exc, OperationalError) and any(w in text for w in ("locked", "busy", "deadlock",
                                                                          "could not serialize"))


class CentralDB:
    """The office's database: an engine plus retried write transactions."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_central_engine(url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def transaction(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, again from the start when it lost a race (at most ATTEMPTS)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.engine.connect().execution_options(write=True) as connection, \
                        Session(bind=connection, expire_on_commit=False) as session:
                    try:
                        result = work(session)
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
                return result
            except DBAPIError as exc:
                if attempt == ATTEMPTS or not _retryable(exc):
                    raise
                log.info("central: transaction lost a race (%s); retry %d", type(exc).__name__, attempt)
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def open_central(url: str) -> CentralDB:
    """Open the central database at `url`, creating and migrating it to the newest schema."""
    from inspector_app.core.merge.migrate import upgrade

    try:
        parsed = make_url(url)
        central = CentralDB(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise AppError(tr("The central database URL is not one the office can open ({detail}).",
                          detail=type(exc).__name__)) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(central.engine)
    except DBAPIError as exc:
        central.close()
        raise AppError(tr("The central database {url} cannot be opened: {detail}",
                          url=parsed.render_as_string(hide_password=True), detail=exc.orig or exc)) from exc
    return central
