"""WAL checkpoints off the recording hot path: a background thread copies the WAL back into the database file.

SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages: it copies ~4 MB into
the database file and fsyncs it, several milliseconds inside one recorded entry in 50–100: recording's p99.
The hot connection turns it off (`PRAGMA wal_autocheckpoint=0`) and tells this thread of each commit. Once the
writer has been idle for `idle` seconds (between two entries of a ward round), or every `every` commits of a
long burst (an entry writes about ten pages: about SQLite's own cadence), the thread runs a PASSIVE
checkpoint, which neither takes the write lock nor waits for readers. Through a long burst the WAL would never
be wholly copied at the moment a write begins, so never written again from its start: once it passes 16 MB,
the frames committed meanwhile are copied in RESTART mode holding the hot writer back (one entry in several
hundred of a burst waits for that copy and its fsyncs; SQLite's own checkpoint made one in 50–100 wait longer).

Durability is unchanged: a commit is durable once its WAL frames are fsynced (synchronous=FULL), whether or
not they have been copied into the database file; after a crash the next open reads them from the WAL. The
other connections keep SQLite's automatic checkpoint, as a backstop should this thread fall behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

log = logging.getLogger(__name__)

NO_AUTOCHECKPOINT = "PRAGMA wal_autocheckpoint=0"
RESTART_WAIT_MS = 100  # how long the RESTART step waits for another writer or a reader (then: next time)


class Checkpointer:
    """The background checkpoint thread of one database, started at the first commit it is told of."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], every: int = 100, idle: float = 0.5):
        self._connect = connect
        self.every, self.idle = every, idle
        self.restart_frames = 4096  # WAL pages (16 MB of 4 KB pages) after which a burst's WAL is started afresh
        self._pending = 0  # commits not yet checkpointed
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.checkpoints = 0  # checkpoints run (tests and benchmarks read it)
        self.writer_lock: AbstractContextManager[Any] = nullcontext()  # the hot writer's lock (HotWriter sets it)

    def committed(self) -> None:
        """One more commit in the WAL (called by the hot writer after each COMMIT: a counter, rarely a notify)."""
        with self._wake:
            if self._closed:
                return
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()
            if self._pending == 1 or self._pending == self.every:
                self._wake.notify()

    def close(self) -> None:
        """Stop the thread, after a last checkpoint of whatever is waiting (a later commit starts a new one)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._wake:
            self._closed, self._thread = False, None

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while True:
                with self._wake:
                    if not self._due():
                        return
                    self._pending = 0
                if connection is None:
                    connection = self._connect()
                    connection.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
                try:
                    _busy, frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    # The WAL is written again from its start only once it is wholly copied when a write begins:
                    # after an idle checkpoint it is, but through a burst of entries it never would be, and it
                    # would grow without end. Past `restart_frames` the frames committed meanwhile are copied in
                    # RESTART mode (other writers wait, and the next one starts the WAL afresh) holding the hot
                    # writer back: the one entry arriving meanwhile waits for that copy and its fsyncs.
                    if frames >= self.restart_frames:
                        with self.writer_lock:
                            connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as exc:  # busy, or the disk: the next commit tries again
                    log.warning("WAL checkpoint failed: %s", exc)
        finally:
            if connection is not None:
                connection.close()

    def _due(self) -> bool:
        """Wait (holding the condition) until a checkpoint is due: True, or False once closed with nothing to do."""
        while self._pending == 0:
            if self._closed:
                return False
            self._wake.wait()
        while self._pending < self.every and not self._closed:
            seen = self._pending
            self._wake.wait(self.idle)
            if self._pending == seen:  # no commit for `idle` seconds
                break
        return True
