"""Verifying bundles and building their rows, in this process or in worker processes beside it.

Most of a first merge's time is this CPU work (zip, hashes, signature, pydantic, canonical JSON per row), not
the database; with `jobs` > 1 it runs in worker processes while this process writes the groups before it,
so a merge uses the machine's cores. Workers only read bundles and write member files by content hash
(harmless twice, see service.store_members); every database write and every move on the share stays in the
calling process, in order. Workers are forked where POSIX has fork (the command line: a caller without other
threads; the GUI, which merges from a worker thread, keeps jobs=1), and started with spawn elsewhere
(Windows): each worker then imports the app afresh, gets everything it needs through its initializer (plain,
picklable values) and hands back plain values, so it needs nothing inherited. The frozen Windows program
calls multiprocessing.freeze_support() at its entry point (packaging/launcher.py) for that.

A worker hands a bundle's rows back as one marshal blob of plain tuples (`_packed`), not pickled Row and model
objects: the pool's thread in this process then only reads bytes, so it does not take the GIL for long from the
thread writing a group (SQLite's executemany lets go of it and takes it back after every row), and this
process turns the blob into rows when it takes the bundle, in less time than unpickling took.
"""

from __future__ import annotations

import gc
import logging
import marshal
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from inspector_app.core.i18n import language, set_language, tr
from inspector_app.core.merge.models import CONTENT_TABLES
from inspector_app.core.merge.rows import Row
from inspector_app.core.merge.service import Prepared, prepare
from inspector_app.core.merge.writer import GC_YOUNG
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.verify import Limits, Quarantine, SignerCache, open_bundle

Outcome = Prepared | Quarantine
log = logging.getLogger(__name__)


class Pending:
    """A bundle's outcome, waited for (or worked out here) when called; `ready`: calling would not wait for a
    worker (always, without workers)."""

    def __init__(self, get: Callable[[], Outcome], future: Future | None = None):
        self._get, self._future = get, future

    def __call__(self) -> Outcome:
        return self._get()

    def ready(self) -> bool:
        return self._future is None or self._future.done()



def start_method() -> str:
    """fork where the platform has it (cheap, nothing to import again), else spawn (Windows)."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def default_jobs() -> int:
    """Worker processes for the command line: one per core (at most 4)."""
    return max(1, min(4, os.cpu_count() or 1))


def _prepare(path: Path, digest: str, trusted: list[x509.Certificate], files: Path, limits: Limits,
             signers: SignerCache) -> Outcome:
    try:
        return prepare(open_bundle(path, trusted, limits=limits, signers=signers), files, digest)
    except Quarantine as refusal:
        return refusal
    except (OSError, MemoryError):
        raise  # the share or this machine failed, not the bundle: the next run tries again
    except Exception as exc:  # noqa: BLE001 - whatever one bundle's content breaks, it alone is refused
        log.warning("batch %s could not be prepared", path.name, exc_info=True)
        return Quarantine("bad_data", tr("The batch's data cannot be used ({detail}).", detail=type(exc).__name__))


_STATE: dict[str, object] = {}  # a worker process's trusted certificates, files folder, limits, signer cache


def _start_worker(trusted_pem: list[bytes], files: str, limits: Limits, lang: str) -> None:
    set_language(lang)  # a spawned worker starts afresh: refusal messages in the caller's language
    # what the worker inherited (a forked one: the caller's whole heap) is never scanned by the collector, so
    # its pages are not copied for it; young collections as rarely as during a merge here (writer.py)
    gc.freeze()
    young, *older = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG, young), *older)
    _STATE.update(trusted=[x509.load_pem_x509_certificate(pem) for pem in trusted_pem], files=Path(files),
                  limits=limits, signers=SignerCache())


_TABLE = {table: n for n, table in enumerate(CONTENT_TABLES)}


def _packed(prepared: Prepared) -> bytes | Prepared:
    """The bundle as one marshal blob: its manifest and anchor as JSON (validated again on the way in, 3× faster
    than unpickling the models), each row a plain tuple with its table's position; the Prepared itself
    (pickled) should a value be one marshal does not write."""
    anchor = prepared.anchor.model_dump_json() if prepared.anchor is not None else None
    table = _TABLE
    try:
        return marshal.dumps((prepared.manifest.model_dump_json(), str(prepared.path), prepared.bundle_hash, anchor,
                              [(table[row.table], row.id, row.content_hash, row.payload_json, row.params)
                               for row in prepared.rows]))
    except ValueError:  # "unmarshallable object"
        return prepared


def _unpacked(blob: bytes) -> Prepared:
    manifest, path, bundle_hash, anchor, rows = marshal.loads(blob)
    tables, new = CONTENT_TABLES, tuple.__new__  # a Row made as its tuple: what Row(…) does, without a call
    return Prepared(fmt.Manifest.model_validate_json(manifest), Path(path), bundle_hash,
                    [new(Row, (tables[n], key, digest, text, params)) for n, key, digest, text, params in rows],
                    fmt.AuditAnchor.model_validate_json(anchor) if anchor is not None else None)


def _work(path: str, digest: str) -> bytes | Prepared | tuple[str, str]:
    outcome = _prepare(Path(path), digest, _STATE["trusted"], _STATE["files"], _STATE["limits"],  # type: ignore[arg-type]
                       _STATE["signers"])  # type: ignore[arg-type]
    if isinstance(outcome, Quarantine):  # sent back as plain values: an AppError does not pickle its fields
        return outcome.reason_code, outcome.message
    return _packed(outcome)


def _received(future: Future) -> Outcome:
    value = future.result()
    if isinstance(value, bytes):  # _packed
        return _unpacked(value)
    return Quarantine(*value) if isinstance(value, tuple) else value


class Preparer:
    """Hands out each bundle's outcome (Prepared, or the Quarantine refusing it) in the order asked."""

    def __init__(self, trusted: list[x509.Certificate], files: Path, limits: Limits, jobs: int = 1):
        self.trusted, self.files, self.limits = trusted, files, limits
        self.signers = SignerCache()
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            self.pool = ProcessPoolExecutor(
                jobs, mp_context=multiprocessing.get_context(start_method()), initializer=_start_worker,
                initargs=([cert.public_bytes(Encoding.PEM) for cert in trusted], str(files), limits, language()))
        self.futures: list[Future] = []

    def submit(self, path: Path, digest: str) -> Pending:
        """Start (with workers) or schedule (without) the work for one bundle."""
        if self.pool is None:
            return Pending(lambda: _prepare(path, digest, self.trusted, self.files, self.limits, self.signers))
        future = self.pool.submit(_work, str(path), digest)
        self.futures.append(future)
        return Pending(lambda: _received(future), future)

    def close(self) -> None:
        """Drop work not started (a stopped run); wait for the rest, whose results are simply not used."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
