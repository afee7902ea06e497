"""Opening the central database by URL: SQLite (WAL, foreign keys, BEGIN IMMEDIATE writers) or any SQLAlchemy URL.

Several merges may run at once (two office PCs, a scheduled job): every write is one transaction, on SQLite
taken with BEGIN IMMEDIATE (and a busy timeout) so writers queue instead of deadlocking, and `transaction()`
retries one that lost a race, recognised by the driver's error code, never by its message: on PostgreSQL
SQLSTATE 40001 (serialization failure), 40P01 (deadlock) and 23505 (a unique key another merge inserted first);
on SQLite SQLITE_BUSY / SQLITE_LOCKED and a primary-key or unique clash. Any other error (a foreign key the
data breaks, a lost connection) is raised at once.

A SQLite central database must be a file on this computer's own disk, named by an absolute path (issue #18):
WAL mode and its locks do not work over SMB or NFS (a UNC path, a mapped network drive, a mounted share), and
a relative path depends on the folder the command starts in (a Windows scheduled task starts in System32, so
the merged results seem to vanish). Such a URL is refused with a sentence; an office that merges from several
PCs uses PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from inspector_app.core import files
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr

log = logging.getLogger(__name__)
T = TypeVar("T")
DB_FILE = "central.db"
CENTRAL_DIR = "central"  # the default SQLite central database's folder in an office data folder
ATTEMPTS = 8
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                  "PRAGMA busy_timeout=10000", "PRAGMA cache_size=-65536")  # 64 MB: seven B-trees take random keys


def default_url(folder: Path | str) -> str:
    return f"sqlite:///{Path(folder).absolute() / DB_FILE}"


def default_central(data_dir: Path | str) -> Path | None:
    """The data folder's own SQLite central database (the GUI's default), when there is one."""
    path = Path(data_dir) / CENTRAL_DIR / DB_FILE
    return path if path.is_file() else None


def files_beside(url: str) -> Path | None:
    """Where the photos, signatures and sheets of a SQLite central database are kept: files/ beside its file.
    None for a server database, an in-memory one or a URL that cannot be read (the caller decides)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).parent / "files"
    return None


WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def sqlite_location_problem(database: str | None) -> str | None:
    """Why a SQLite central database file may not be at `database` (see the module docstring), or None."""
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return None
    if database.startswith(("\\\\", "//")):
        return tr("The central database {path} is on a network path. SQLite cannot be shared safely over the "
                  "network: use a folder on this computer's own disk (for example sqlite:///D:/office/central.db) "
                  "or a PostgreSQL server.", path=database)
    windows = os.name == "nt" or bool(WINDOWS_DRIVE.match(database))
    path: PurePath = PureWindowsPath(database) if windows else PurePosixPath(database)
    if not path.is_absolute():
        return tr("The central database path {path} is relative, so where the file lands depends on the folder "
                  "the command starts in (a scheduled task starts in C:\\Windows\\System32). Give an absolute "
                  "path on this computer's own disk (for example sqlite:///D:/office/central.db) or use a "
                  "PostgreSQL server.", path=database)
    if files.on_network(path):
        return tr("The central database {path} is on a network drive. SQLite cannot be shared safely over the "
                  "network: use a folder on this computer's own disk (for example sqlite:///D:/office/central.db) "
                  "or a PostgreSQL server.", path=database)
    return None


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


def without_jit(session: Session) -> None:
    """PostgreSQL: no JIT for the rest of this transaction. The office's grouped queries over a month's entries
    cost more to compile than compiling saved (the problems of a quarter at 10 million deductions: 3.7 of
    11.7 s; the month's central summary about a tenth of its second). SQLite: nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


RACE_SQLSTATES = frozenset({"40001", "40P01", "23505"})  # serialization failure, deadlock, unique violation
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
RACE_SQLITE_CODES = frozenset({1555, 2067})  # SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE


def race_lost(exc: BaseException) -> bool:
    """True when `exc` says another writer got in first, so running the same transaction again is right."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    sqlstate = getattr(orig, "sqlstate", None)  # psycopg
    if sqlstate is not None:
        return sqlstate in RACE_SQLSTATES
    code = getattr(orig, "sqlite_errorcode", None)  # sqlite3 (Python 3.11+)
    if code is None:
        return False
    return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED) or code in RACE_SQLITE_CODES


class CentralDB:
    """The office's database: an engine plus retried write transactions."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_central_engine(url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def transaction(self, work: Callable[[Session], T], attempts: int = ATTEMPTS) -> T:
        """Run `work` in one write transaction, again from the start when it lost a race (at most `attempts`)."""
        for attempt in range(1, attempts + 1):
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
                if attempt == attempts or not race_lost(exc):
                    raise
                log.info("central: transaction lost a race (%s); retry %d", type(exc).__name__, attempt)
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def check_central_url(url: str) -> None:
    """AppError with a plain sentence for a URL open_central would refuse (asked early by the command line)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise AppError(tr("The central database URL is not one the office can open ({detail}).",
                          detail="ArgumentError")) from None
    if parsed.get_backend_name() == "sqlite" and (problem := sqlite_location_problem(parsed.database)):
        raise AppError(problem)


def open_central(url: str) -> CentralDB:
    """Open the central database at `url`, creating and migrating it to the newest schema."""
    from inspector_app.core.merge.migrate import upgrade

    try:
        parsed = make_url(url)
        central = CentralDB(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise AppError(tr("The central database URL is not one the office can open ({detail}).",
                          detail=type(exc).__name__)) from None
    if parsed.get_backend_name() == "sqlite":
        problem = sqlite_location_problem(parsed.database)
        if problem is not None:
            central.close()
            raise AppError(problem)
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(central.engine)
    except DBAPIError as exc:
        central.close()
        raise AppError(tr("The central database {url} cannot be opened: {detail}",
                          url=parsed.render_as_string(hide_password=True), detail=exc.orig or exc)) from exc
    return central
