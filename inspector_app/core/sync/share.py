"""The central share (a mounted network folder or a USB stick) and its documented layout.

    <share>/incoming/    batches pushed by laptops: batch-<device8>-<batch_id>.zip (see bundle_format.py);
                         a copy in progress is named .batch-….zip.part and never seen under its final name
    <share>/published/   what the office signs for the laptops (`office publish`, see published_format.py):
        index.json           the signed index: version counter, time, per item kind, key, SHA-256, size
        v<NNNNNN>/<item>     each item's payload (checklist YAML, roster YAML/JSON, office certificates PEM,
                             rectification status JSON) beside <item>.sig, the office's detached signature;
                             a new version folder is complete before index.json is replaced, and the folder
                             before it is kept for laptops still reading it
                         Laptops verify against the office certificates they trust and refuse an older index.
                         Rectification status: the central database holds each item as the laptop sent it
                         (merging never overwrites), so the office's later decisions (verified on
                         re-inspection…) come from a status file it writes; publish combines both by item, the
                         later `updated_at` winning, and a laptop applies an item only when it is newer.
    <share>/archive/     batches the office has merged, per laptop and month: archive/<device8>/<YYYY-MM>/batch-….zip
                         (a FAT32 stick holds only about 10,900 long names in one folder)
    <share>/quarantine/  batches the office refused, each beside <name>.reason.json (code, message, time)

The share root itself is never created: a missing root means the stick or the network is not there.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from inspector_app.core.errors import InputError
from inspector_app.core.files import (  # noqa: F401 - re-exported
    copy_atomic,
    read_limited,
    remove_file,
    write_atomic,
)
from inspector_app.core.files import fsync_folder as fsync_dir  # noqa: F401 - re-exported for sync

FOLDERS = ("incoming", "published", "archive", "quarantine")


@dataclass(frozen=True)
class ShareLook:
    """What one look at the share folder found (probe_share)."""

    reachable: bool
    index_stamp: str | None  # published/index.json's SHA-256: the office published when it changes (not its
    # modification time: FAT keeps it to 2 s, so a quick republish would go unseen)
    folders: tuple[str, ...]  # of the folder, its parent (a stick appearing) and published/: those that exist


def probe_share(folder: Path) -> ShareLook:
    """Look at the share: every call here may block for seconds on a network path that went away, so the
    window runs it off its thread (gui/operations.py, BackgroundCall) and never waits for it."""
    found = tuple(str(p) for p in (folder, folder.parent, folder / "published") if _is_dir(p))
    reachable = str(folder) in found
    stamp = None
    if reachable:
        from inspector_app.core.sync.published_format import INDEX, MAX_INDEX_BYTES

        try:
            stamp = hashlib.sha256(read_limited(folder / "published" / INDEX, MAX_INDEX_BYTES)).hexdigest()
        except InputError:
            stamp = None
    return ShareLook(reachable, stamp, found)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


class Share:
    def __init__(self, path: Path | str):
        self.path = Path(path)

    @property
    def incoming(self) -> Path:
        return self.path / "incoming"

    @property
    def published(self) -> Path:
        return self.path / "published"

    @property
    def archive(self) -> Path:
        return self.path / "archive"

    @property
    def quarantine(self) -> Path:
        return self.path / "quarantine"

    def reachable(self) -> bool:
        """True when the root is a directory we can write into (a read-only mount is not reachable).

        The probe file written to find out is deleted again; one the antivirus still holds (Windows) is
        left behind, hidden, and cleared by a later probe: it was written, so the share is reachable."""
        try:
            if not self.path.is_dir():
                return False
            probe = self.path / f".probe-{uuid.uuid4().hex}"
            fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            try:
                os.write(fd, b"probe")
            finally:
                os.close(fd)
        except OSError:
            return False
        self._drop_probes(probe)
        return True

    def _drop_probes(self, probe: Path) -> None:
        try:
            remove_file(probe)
        except OSError:
            pass  # held by another program: a later probe removes it
        try:
            for stale in self.path.glob(".probe-*"):
                if stale != probe:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass

    def ensure_layout(self) -> None:
        for name in FOLDERS:
            (self.path / name).mkdir(exist_ok=True)
