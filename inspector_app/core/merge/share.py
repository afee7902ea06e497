"""Merging what laptops pushed: every bundle in the share's incoming/ (then archived or quarantined), or files.

Each bundle is checked (open_bundle) before a byte of it is used; a refused one goes to quarantine/ with its
reason and the run goes on. Bundles are taken a window at a time: one query finds those merged before (by
their bytes' hash), the rest are verified (each distinct signer certificate's chain checked once per run) and
merged a group per transaction (service.py says why that is safe). A merged one is moved to archive/ only
after its group committed, so a crash in between merges it again next time (a no-op). Another merge running
on the same share may take a bundle first: it is then reported as `gone`, not as an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from filelock import FileLock
from sqlalchemy import select

from inspector_app.core.files import held_by_another_program
from inspector_app.core.merge import models as m
from inspector_app.core.merge.archive import archive_bundle
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.service import MergeResult, Prepared, merge_prepared
from inspector_app.core.merge.workers import Pending, Preparer
from inspector_app.core.merge.writer import (
    GroupWriter,
    can_write_beside,
    fewer_collections,
)
from inspector_app.core.sync.bundle import file_sha256
from inspector_app.core.sync.quarantine import Gone, quarantine
from inspector_app.core.sync.share import Share
from inspector_app.core.sync.verify import Limits, Quarantine

GROUP_BUNDLES = 200  # bundles looked up together, and at most merged in one transaction
GROUP_ROWS = 20_000  # … or fewer, once their rows reach this many (64 / 5,000 were 15–25% slower)
WRITE_WHILE_WAITING = 5_000  # with worker processes: rows written at once rather than waiting for the next bundle
LOCK_NAME = ".merge.lock"
LOCK_TIMEOUT = 120  # seconds: another merge holds the lock only while it moves one bundle
log = logging.getLogger(__name__)

# progress(done, total) after each bundle; returning False stops the run before the next bundle (the GUI's cancel)
ProgressFn = Callable[[int, int], bool]

Status = Literal["merged", "already_merged", "quarantined", "refused", "gone"]


@dataclass(frozen=True)
class BundleOutcome:
    name: str
    status: Status
    result: MergeResult | None = None
    reason_code: str = ""
    message: str = ""


@dataclass(frozen=True)
class ShareReport:
    outcomes: tuple[BundleOutcome, ...]

    @property
    def refused(self) -> list[BundleOutcome]:
        return [o for o in self.outcomes if o.status in ("quarantined", "refused")]

    @property
    def with_conflicts(self) -> list[BundleOutcome]:
        return [o for o in self.outcomes if o.result is not None and o.result.conflicts]

    @property
    def clean(self) -> bool:
        """Everything merged (or merged before), nothing refused, no conflict."""
        return not self.refused and not self.with_conflicts


def incoming_bundles(share: Share) -> list[Path]:
    """Bundles waiting in incoming/, by name; copies in progress (hidden .part files) are not seen."""
    if not share.incoming.is_dir():
        return []
    return sorted(p for p in share.incoming.iterdir() if p.suffix == ".zip" and not p.name.startswith(".")
                  and p.is_file())


@contextmanager
def _share_lock(share: Share) -> Iterator[None]:
    """Held while a refused bundle is moved aside, so two merges never quarantine the same bundle twice:
    share/.merge.lock through `filelock` (fcntl on POSIX, msvcrt on Windows), so two office PCs exclude each
    other there too. A share whose lock file cannot be made (read-only) raises, as the move itself would."""
    with FileLock(str(share.path / LOCK_NAME), timeout=LOCK_TIMEOUT):
        yield


def _window_hashes(paths: Sequence[Path]) -> dict[Path, str]:
    """The SHA-256 of each bundle still there (another merge may have moved one away meanwhile)."""
    found = {}
    for path in paths:
        try:
            found[path] = file_sha256(path)
        except FileNotFoundError:
            continue
    return found


def _merged_before(central: CentralDB, digests: Iterable[str]) -> dict[str, str]:
    """bundle SHA-256 -> batch id, for bundles with exactly these bytes verified and merged already."""
    wanted = sorted(set(digests))
    with central.read() as session:
        return dict(session.execute(select(m.Batch.bundle_sha256, m.Batch.batch_id)
                                    .where(m.Batch.bundle_sha256.in_(wanted))).all()) if wanted else {}


@dataclass
class _Window:
    """Up to GROUP_BUNDLES bundles: their hashes, which were merged before, and the work started on the rest."""

    paths: Sequence[Path]
    offset: int
    digests: dict[Path, str]
    merged: dict[str, str]
    pending: dict[int, Pending]


class _Run:
    """One pass over a list of bundles: skip the merged, verify the rest, merge them a group per transaction.

    `share` set: refused bundles are quarantined and merged ones archived (after their group committed);
    unset: bundles named on the command line, only reported. The next window's verification is started
    before this one's groups are written, so worker processes (jobs > 1) work while the database does; and a
    group is written in a thread (writer.py) while this one verifies the next, its bundles archived after.
    With workers a group is also written once the next bundle is not ready and WRITE_WHILE_WAITING rows are
    there, so this process writes while the workers verify instead of waiting for a whole group (which left
    it idle for the first group and the workers idle for the last).
    """

    def __init__(self, central: CentralDB, preparer: Preparer, share: Share | None):
        self.central, self.preparer, self.share = central, preparer, share
        self.outcomes: dict[int, BundleOutcome] = {}
        self.pending: list[tuple[int, Path, Prepared]] = []
        self.pending_rows = 0
        self.writer: GroupWriter[list[MergeResult | Quarantine]] = GroupWriter(can_write_beside(central.engine))

    def refuse(self, index: int, path: Path, refusal: Quarantine) -> None:
        if self.share is None:
            self.outcomes[index] = BundleOutcome(path.name, "refused", None, refusal.reason_code, refusal.message)
            return
        with _share_lock(self.share):
            try:
                quarantine(self.share, path, refusal)
            except Gone:  # another merge archived or quarantined it first
                self.outcomes[index] = BundleOutcome(path.name, "gone")
                return
            except PermissionError as exc:
                if not held_by_another_program(exc):
                    raise
                log.warning("%s is held by another program; it stays in incoming/ until the next merge", path.name)
                self.outcomes[index] = BundleOutcome(path.name, "refused", None, refusal.reason_code,
                                                     refusal.message)
                return
        self.outcomes[index] = BundleOutcome(path.name, "quarantined", None, refusal.reason_code, refusal.message)

    def done(self, index: int, path: Path, result: MergeResult) -> None:
        if self.share is not None:
            archive_bundle(self.share, path)
        status: Status = "already_merged" if result.already_merged else "merged"
        self.outcomes[index] = BundleOutcome(path.name, status, result)

    def window(self, paths: Sequence[Path], offset: int) -> _Window:
        digests = _window_hashes(paths)
        merged = _merged_before(self.central, digests.values())
        pending = {offset + n: self.preparer.submit(path, digests[path]) for n, path in enumerate(paths)
                   if path in digests and digests[path] not in merged}
        return _Window(paths, offset, digests, merged, pending)

    def take(self, index: int, path: Path, window: _Window) -> None:
        digest = window.digests.get(path)
        if digest is None:
            self.outcomes[index] = BundleOutcome(path.name, "gone")
        elif digest in window.merged:  # byte-identical to a bundle verified and merged already: nothing to check
            self.done(index, path, MergeResult(window.merged[digest], already_merged=True))
        else:
            pending = window.pending[index]
            if self.pending_rows >= WRITE_WHILE_WAITING and not pending.ready():
                self.flush()  # the workers are behind: write the rows here rather than wait for them idle
            try:
                outcome = pending()
            except FileNotFoundError:
                if path.exists():
                    raise  # something else is missing: the share or the files folder failed
                self.outcomes[index] = BundleOutcome(path.name, "gone")  # another merge took it meanwhile
                return
            if isinstance(outcome, Quarantine):
                self.refuse(index, path, outcome)
            else:
                self.pending.append((index, path, outcome))
                self.pending_rows += len(outcome.rows)
            if len(self.pending) >= GROUP_BUNDLES or self.pending_rows >= GROUP_ROWS:
                self.flush()

    def flush(self) -> None:
        """Start writing the pending group (once the group before it is written and settled)."""
        pending, self.pending, self.pending_rows = self.pending, [], 0
        if not pending:
            return
        self.writer.submit(lambda: merge_prepared(self.central, [p for _, _, p in pending]),
                           lambda outcomes: self.settle(pending, outcomes))

    def settle(self, pending: list[tuple[int, Path, Prepared]], outcomes: list[MergeResult | Quarantine]) -> None:
        """After the group's transaction: archive what it merged, quarantine what the database refused."""
        for (index, path, _), outcome in zip(pending, outcomes, strict=True):
            if isinstance(outcome, Quarantine):
                self.refuse(index, path, outcome)
            else:
                self.done(index, path, outcome)

    def run(self, paths: Sequence[Path], progress: ProgressFn | None) -> ShareReport:
        starts = list(range(0, len(paths), GROUP_BUNDLES))
        handled, stopped = 0, False
        upcoming = self.window(paths[:GROUP_BUNDLES], 0) if paths else None
        try:
            with fewer_collections():
                for n, start in enumerate(starts):
                    current = upcoming
                    assert current is not None
                    upcoming = self.window(paths[starts[n + 1]:starts[n + 1] + GROUP_BUNDLES], starts[n + 1]) \
                        if n + 1 < len(starts) else None
                    for offset, path in enumerate(current.paths):
                        if progress is not None and not progress(handled, len(paths)):
                            stopped = True
                            break
                        self.take(start + offset, path, current)
                        handled += 1
                    if stopped:
                        break
                self.flush()  # groups run across windows: the writer keeps working while the next is verified
                self.writer.wait()
        finally:
            self.writer.close()
            self.preparer.close()
        report = ShareReport(tuple(self.outcomes[i] for i in sorted(self.outcomes)))
        if progress is not None:
            progress(len(report.outcomes), len(paths))
        return report


def merge_share(central: CentralDB, share_path: Path | str, trusted_certs: list[x509.Certificate],
                files_dir: Path | str, limits: Limits | None = None,
                progress: ProgressFn | None = None, jobs: int = 1) -> ShareReport:
    """Merge every bundle in the share's incoming/ folder, archiving or quarantining each.

    `jobs` > 1: verify in that many worker processes (workers.py says when that is safe)."""
    share = Share(share_path)
    preparer = Preparer(trusted_certs, Path(files_dir), limits or Limits(), jobs)
    return _Run(central, preparer, share).run(incoming_bundles(share), progress)


def merge_files(central: CentralDB, bundle_paths: Iterable[Path | str] | Sequence[Path | str],
                trusted_certs: list[x509.Certificate], files_dir: Path | str,
                limits: Limits | None = None, progress: ProgressFn | None = None, jobs: int = 1) -> ShareReport:
    """Merge bundles named on the command line; nothing is moved (a refused one is only reported)."""
    paths = [Path(item) for item in bundle_paths]
    preparer = Preparer(trusted_certs, Path(files_dir), limits or Limits(), jobs)
    return _Run(central, preparer, None).run(paths, progress)
