"""The share's archive/: where merged bundles are kept, and pruning it once the central database holds them.

Layout: archive/<device8>/<YYYY-MM>/batch-….zip — one folder per laptop and per month the office merged in.
Why (issue #18): a FAT32 stick or exFAT card holds only about 10,900 long names in one folder, and a laptop
that pushes a few batches a day for years would pass that in a folder of its own. Bundles archived before
this layout (directly in archive/<device8>/) stay where they are and are pruned by their file time.

Pruning never loses work: a bundle is deleted only when its exact bytes (SHA-256) are recorded as merged in
the central database, whose rows and member files are the office's copy; anything else is kept and listed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from inspector_app.core.errors import InputError
from inspector_app.core.files import held_by_another_program, remove_file, replace_file
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.sync.bundle import file_sha256
from inspector_app.core.sync.bundle_format import NAME_RE
from inspector_app.core.sync.share import Share, fsync_dir

log = logging.getLogger(__name__)
LOOKUP = 500  # hashes per IN (…) list


def month_of(moment: datetime | None = None) -> str:
    """The office's local month now (or of `moment`), as archive/<device8>/<YYYY-MM>/ names it."""
    return (moment or datetime.now().astimezone()).strftime("%Y-%m")


def archive_folder(share: Share, name: str, month: str | None = None) -> Path:
    """archive/<device8>/<YYYY-MM>/ for a laptop's bundle (its name says which laptop); archive/<YYYY-MM>/ for
    any other name."""
    match = NAME_RE.match(name)
    laptop = share.archive / match.group(1) if match else share.archive
    return laptop / (month or month_of())


def archive_bundle(share: Share, path: Path, month: str | None = None) -> None:
    """Move a merged bundle to its archive folder (a same-name, same-content copy there means: drop this one).

    A bundle another program holds open (Windows) is waited for a moment (files.retrying); one still held
    after that stays in incoming/ and is archived by the next run, its merge a no-op: never a stopped merge."""
    folder = archive_folder(share, path.name, month)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 1
    try:
        while target.exists():
            if file_sha256(target) == file_sha256(path):
                remove_file(path)
                fsync_dir(path.parent)
                return
            n += 1
            target = folder / f"{path.name[:-4]}-{n}.zip"  # the same batch, rebuilt: keep both
        replace_file(path, target)
    except FileNotFoundError:
        return  # another merge archived it meanwhile
    except PermissionError as exc:
        if not held_by_another_program(exc):
            raise
        log.warning("%s is held by another program; it stays in incoming/ until the next merge", path.name)
        return
    fsync_dir(folder)
    fsync_dir(path.parent)


@dataclass
class PruneReport:
    """What a prune removed (or would remove, in a dry run) and what it kept although it was old enough."""

    cutoff: str  # months before this one were pruned
    removed: list[Path] = field(default_factory=list)
    freed_bytes: int = 0
    not_merged: list[Path] = field(default_factory=list)  # old, but the central database lacks these bytes
    held: list[Path] = field(default_factory=list)  # another program holds them open (Windows): next time


def cutoff_month(today: date, keep_months: int) -> str:
    """The oldest month kept: `keep_months` months including the current one."""
    if keep_months < 1:
        raise InputError.single("--keep-months", tr("keep at least the current month (1 or more)"))
    index = today.year * 12 + today.month - 1 - (keep_months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _archived(share: Share) -> Iterator[tuple[Path, str]]:
    """Every archived bundle with the month it counts in: its folder's, or its file time's (older layout)."""
    if not share.archive.is_dir():
        return
    for path in share.archive.rglob("*.zip"):
        folder = path.parent.name
        if len(folder) == 7 and folder[4] == "-" and folder.replace("-", "").isdigit():
            yield path, folder
        else:
            yield path, datetime.fromtimestamp(path.stat().st_mtime).astimezone().strftime("%Y-%m")


def _merged(central: CentralDB, digests: Iterable[str]) -> set[str]:
    wanted, found = sorted(set(digests)), set()
    with central.read() as session:
        for start in range(0, len(wanted), LOOKUP):
            found.update(session.scalars(select(m.Batch.bundle_sha256)
                                         .where(m.Batch.bundle_sha256.in_(wanted[start:start + LOOKUP]))))
    return found


def prune_archive(share: Share, central: CentralDB, keep_months: int, today: date | None = None,
                  dry_run: bool = False) -> PruneReport:
    """Delete archived bundles older than the kept months whose bytes the central database merged."""
    report = PruneReport(cutoff_month(today or date.today(), keep_months))
    old = [path for path, month in _archived(share) if month < report.cutoff]
    digests = {path: file_sha256(path) for path in old}
    merged = _merged(central, digests.values())
    for path in sorted(old):
        if digests[path] not in merged:
            report.not_merged.append(path)
            continue
        size = path.stat().st_size
        if not dry_run:
            try:
                remove_file(path)
            except PermissionError as exc:
                if not held_by_another_program(exc):
                    raise
                report.held.append(path)
                continue
        report.removed.append(path)
        report.freed_bytes += size
    if not dry_run:
        for folder in sorted({path.parent for path in report.removed}, reverse=True):
            if folder != share.archive and not any(folder.iterdir()):
                folder.rmdir()
    return report
