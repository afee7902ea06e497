"""A data folder opened for use: lock, store, settings, checklists and the device's identity.

Only one app instance may write to a data folder: the writer holds an OS file lock (released by the OS
even if the process is killed), and a second instance gets a clear message instead of a corrupted store.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists import Checklist, ChecklistLibrary, content_hash
from inspector_app.core.checklists.models import Checklist as ChecklistModel
from inspector_app.core.errors import DataFolderBusy, NotFoundError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.paths import forms_dir
from inspector_app.core.settings import Settings, load_settings, save_settings
from inspector_app.core.store.database import Database, open_database
from inspector_app.core.store.models import (
    ChecklistSnapshot,
    Deduction,
    DeviceState,
    Document,
    Inspection,
    utcnow,
)

LOCK_FILE = ".lock"
PUBLISHED_FORMS = Path("published") / "forms"


class Workspace:
    def __init__(self, data_dir: Path, database: Database, lock: FileLock | None):
        self.data_dir = data_dir
        self.db = database
        self._lock = lock
        self.settings: Settings = load_settings(data_dir)
        self._snapshots: dict[str, Checklist] = {}
        self._hashes: dict[int, tuple[Checklist, str]] = {}
        self._seq_lock = threading.Lock()
        self._next_seq: int | None = None

    @classmethod
    def open(cls, data_dir: Path, *, exclusive: bool = True) -> "Workspace":
        """Open a data folder; `exclusive` (any writer) takes the single-instance lock."""
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = None
        if exclusive:
            lock = FileLock(str(data_dir / LOCK_FILE), timeout=0)
            try:
                lock.acquire()
            except Timeout:
                raise DataFolderBusy(
                    tr("Another copy of the inspection app is already using the data folder {path}. "
                       "Close it first.", path=data_dir)
                ) from None
        try:
            database = open_database(data_dir)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        workspace = cls(data_dir, database, lock)
        if workspace.settings.training:  # training data lives apart (core/training/mode.py)
            from inspector_app.core.training.mode import enter_training

            enter_training(workspace, copy_roster=exclusive)
        return workspace

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- settings -------------------------------------------------------------------------------------
    def update_settings(self, **changes: object) -> Settings:
        updated = Settings.model_validate({**self.settings.model_dump(), **changes})
        save_settings(self.data_dir, updated)  # on disk first: memory never claims what was not saved
        self.settings = updated
        return updated

    # -- checklists -----------------------------------------------------------------------------------
    @cached_property
    def library(self) -> ChecklistLibrary:
        """Bundled checklists plus those the office published to this laptop (newest version wins)."""
        folders = [forms_dir()]
        published = self.data_dir / PUBLISHED_FORMS
        if published.is_dir():
            folders.append(published)
        return ChecklistLibrary.load(*folders, cache_dir=self.data_dir / "cache")

    def reload_library(self) -> ChecklistLibrary:
        self.__dict__.pop("library", None)
        return self.library

    def hash_of(self, checklist: Checklist) -> str:
        """The checklist's content hash, computed once per checklist object (it is immutable)."""
        cached = self._hashes.get(id(checklist))
        if cached is None or cached[0] is not checklist:
            cached = (checklist, content_hash(checklist))
            self._hashes[id(checklist)] = cached
        return cached[1]

    def checklist_by_hash(self, content_hash: str) -> Checklist:
        """The exact checklist an inspection was started with (cached: scoring asks for it often)."""
        cached = self._snapshots.get(content_hash)
        if cached is None:
            with self.db.read() as session:
                snapshot = session.get(ChecklistSnapshot, content_hash)
                if snapshot is None:
                    raise NotFoundError(tr("Checklist version {hash} is not in this store", hash=content_hash[:12]))
                cached = ChecklistModel.model_validate(snapshot.body)
            self._snapshots[content_hash] = cached
        return cached

    # -- device ---------------------------------------------------------------------------------------
    @cached_property
    def device_id(self) -> str:
        """This data folder's id, created on first use (call before a batch takes the write lock)."""
        with self.db.read() as session:
            state = session.get(DeviceState, "device")
            if state is not None:
                return state.device_id
        with self.db.write() as session:
            state = session.get(DeviceState, "device")
            if state is None:
                state = DeviceState(key="device", device_id=str(uuid.uuid4()), created_at=utcnow())
                session.add(state)
            return state.device_id

    def take_sequence_ready(self) -> None:
        """Load the device id and sequence start now (they need their own transactions)."""
        with self._seq_lock:
            self._load_sequence()

    def _load_sequence(self) -> None:
        if self._next_seq is None:
            device = self.device_id
            with self.db.read() as session:
                highest = max(  # every table numbered from this device's sequence
                    session.scalar(select(func.max(table.seq)).where(table.device_id == device)) or 0
                    for table in (Inspection, Deduction, Document)
                )
            self._next_seq = highest + 1

    def take_sequence(self) -> int:
        """The next per-device sequence number (orders entries even when the laptop's clock jumps).

        Kept in memory: only the holder of the data-folder lock writes, and on opening it continues after the
        highest number stored, so a number is never reused, even after a crash (gaps are harmless).
        """
        with self._seq_lock:
            self._load_sequence()
            assert self._next_seq is not None
            value = self._next_seq
            self._next_seq += 1
            return value


class WriteService:
    """A service writing to the workspace: each call is one durable transaction, or, inside `batch()`,
    all calls share one transaction (all stored, or none: imports, re-inspection rounds, demo data)."""

    def __init__(self, ws: Workspace, actor: str):
        self.ws = ws
        self.actor = actor
        self._batch: Session | None = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        if self._batch is not None:
            raise StateError("batches do not nest")
        self.ws.take_sequence_ready()  # device id and sequence need their own transactions: read them first
        with self.ws.db.write() as session:
            self._batch = session
            try:
                yield
            finally:
                self._batch = None

    @contextmanager
    def joined(self) -> Iterator[Session]:
        """Run inside the caller's batch when one is open (its transaction, all or nothing with the rest), or
        else in a batch of its own: for a call that makes several writes (a measured value and its deduction)."""
        if self._batch is not None:
            yield self._batch
            return
        with self.batch():
            assert self._batch is not None
            yield self._batch

    @contextmanager
    def _session(self) -> Iterator[Session]:
        if self._batch is not None:
            yield self._batch
        else:
            with self.ws.db.write() as session:
                yield session
