"""Writing one group of bundles while the next is verified, and fewer garbage collections during a merge.

Why (issue #5): merged in one process (the GUI, `--jobs 1`), a first merge's time is the CPU work of checking
bundles and building rows plus the database's own work. psycopg lets go of the GIL while the PostgreSQL server
works on a group's COPY (bulk.py), so there the group is written in a thread beside the caller, who meanwhile
verifies the next group. Only one group is ever in flight, and its
outcomes reach the caller (who archives or quarantines the bundles, in order) only after its transaction ended:
nothing outside the database happens before a commit, exactly as when written inline.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.pool import SingletonThreadPool, StaticPool

T = TypeVar("T")

GC_YOUNG = 50_000  # allocations between young collections while merging (Python's default: 700)
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the young generation's threshold while a merge runs (restored after the last running merge).

    A merge makes millions of short-lived dicts and strings while a group's rows stay alive; at the default
    threshold the collector rescans those live rows thousands of times (0.6–0.8 s of a 5 s merge of 1,000
    bundles). Nothing is leaked: collections still run, only less often."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(GC_YOUNG, _gc_saved[0]), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


def can_write_beside(engine: Engine) -> bool:
    """True where writing in a thread pays: a server database, whose driver waits for the whole COPY without
    the GIL. Not SQLite: its executemany takes the GIL back after every row, so a writer thread and a busy
    caller hand the GIL to and fro (measured: slower than writing inline). Never for pools that give each
    thread its own database or share one connection (SQLite :memory:)."""
    return engine.dialect.name != "sqlite" and not isinstance(engine.pool, SingletonThreadPool | StaticPool)


class GroupWriter(Generic[T]):
    """Runs one write at a time beside the caller; `settle` hands its result back in the caller's thread."""

    def __init__(self, threaded: bool):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="merge-writer") if threaded else None
        self._inflight: tuple[Future[T], Callable[[T], None]] | None = None

    def submit(self, write: Callable[[], T], settle: Callable[[T], None]) -> None:
        """Wait for the write in flight (and settle it), then start `write`; inline when not threaded."""
        self.wait()
        if self._pool is None:
            settle(write())
            return
        self._inflight = (self._pool.submit(write), settle)

    def wait(self) -> None:
        """Wait for the write in flight and settle it; its exception (a database failure) is raised here."""
        if self._inflight is None:
            return
        future, settle = self._inflight
        self._inflight = None
        settle(future.result())

    def close(self) -> None:
        """Wait for a write still running without settling it (the run is failing or stopped): its bundles stay
        where they are; merging them again next time is a no-op that archives them."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._inflight = None
