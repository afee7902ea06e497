"""Merging what laptops pushed: every bundle in the share's incoming/ (then archived or quarantined), or files.

Each bundle is checked (open_bundle) before a byte of it is used; a refused one goes to quarantine/ with its
reason and the run goes on. A merged one is moved to archive/ only after its transaction committed, so a crash
in between merges it again next time (a no-op). Another merge running on the same share may take a bundle
first: it is then reported as `gone`, not as an error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from sqlalchemy import select

from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.service import MergeResult, merge_bundle
from inspector_app.core.sync.bundle import file_sha256
from inspector_app.core.sync.quarantine import quarantine
from inspector_app.core.sync.share import Share, fsync_dir
from inspector_app.core.sync.verify import Limits, Quarantine, open_bundle

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


def _merge_one(central: CentralDB, path: Path, trusted: list[x509.Certificate], files_dir: Path,
               limits: Limits) -> BundleOutcome:
    merged = _batch_of(central, path)
    if merged:  # byte-identical to a bundle verified and merged already: nothing to check or write again
        return BundleOutcome(path.name, "already_merged", MergeResult(merged, already_merged=True))
    verified = open_bundle(path, trusted, limits=limits)
    result = merge_bundle(central, verified, files_dir)
    return BundleOutcome(path.name, "already_merged" if result.already_merged else "merged", result)


def _batch_of(central: CentralDB, path: Path) -> str:
    """The batch id of an already merged bundle with exactly these bytes, else ""."""
    digest = file_sha256(path)
    with central.read() as session:
        return session.scalar(select(m.Batch.batch_id).where(m.Batch.bundle_sha256 == digest).limit(1)) or ""


def _archive(share: Share, path: Path) -> None:
    """Move a merged bundle to archive/ (a same-name, same-content copy there means: just drop this one)."""
    share.archive.mkdir(parents=True, exist_ok=True)
    target = share.archive / path.name
    n = 1
    try:
        while target.exists():
            if file_sha256(target) == file_sha256(path):
                path.unlink(missing_ok=True)
                fsync_dir(path.parent)
                return
            n += 1
            target = share.archive / f"{path.name[:-4]}-{n}.zip"  # the same batch, rebuilt: keep both
        os.replace(path, target)
    except FileNotFoundError:
        return  # another merge archived it meanwhile
    fsync_dir(share.archive)
    fsync_dir(path.parent)


def incoming_bundles(share: Share) -> list[Path]:
    """Bundles waiting in incoming/, by name; copies in progress (hidden .part files) are not seen."""
    if not share.incoming.is_dir():
        return []
    return sorted(p for p in share.incoming.iterdir() if p.suffix == ".zip" and not p.name.startswith(".")
                  and p.is_file())


def merge_share(central: CentralDB, share_path: Path | str, trusted_certs: list[x509.Certificate],
                files_dir: Path | str, limits: Limits | None = None,
                progress: ProgressFn | None = None) -> ShareReport:
    """Merge every bundle in the share's incoming/ folder, archiving or quarantining each."""
    share, files, limits = Share(share_path), Path(files_dir), limits or Limits()
    outcomes: list[BundleOutcome] = []
    waiting = incoming_bundles(share)
    for path in waiting:
        if progress is not None and not progress(len(outcomes), len(waiting)):
            break
        try:
            outcome = _merge_one(central, path, trusted_certs, files, limits)
        except Quarantine as refusal:
            if not path.exists():
                outcomes.append(BundleOutcome(path.name, "gone"))
                continue
            quarantine(share, path, refusal)
            outcomes.append(BundleOutcome(path.name, "quarantined", None, refusal.reason_code, refusal.message))
            continue
        _archive(share, path)
        outcomes.append(outcome)
    if progress is not None:
        progress(len(outcomes), len(waiting))
    return ShareReport(tuple(outcomes))


def merge_files(central: CentralDB, bundle_paths: Iterable[Path | str] | Sequence[Path | str],
                trusted_certs: list[x509.Certificate], files_dir: Path | str,
                limits: Limits | None = None, progress: ProgressFn | None = None) -> ShareReport:
    """Merge bundles named on the command line; nothing is moved (a refused one is only reported)."""
    files, limits = Path(files_dir), limits or Limits()
    outcomes: list[BundleOutcome] = []
    paths = [Path(item) for item in bundle_paths]
    for path in paths:
        if progress is not None and not progress(len(outcomes), len(paths)):
            break
        try:
            outcomes.append(_merge_one(central, path, trusted_certs, files, limits))
        except Quarantine as refusal:
            outcomes.append(BundleOutcome(path.name, "refused", None, refusal.reason_code, refusal.message))
    if progress is not None:
        progress(len(outcomes), len(paths))
    return ShareReport(tuple(outcomes))
