"""Writing files so that a crash leaves the old file or the new one, never half of one.

New content goes to a hidden `.<name>.<random>.part` file, is fsynced, renamed over the final name, and the
folder is fsynced so the rename itself survives a power cut. Readers of a shared folder skip `.part` files.

Windows (issue #18): a file another program has open (the antivirus scanning a new file, Explorer's preview,
Excel) cannot be renamed, replaced or deleted for a moment: PermissionError with WinError 32 (or 5 for a file
being deleted). `replace_file`, `rename_path` and `remove_file` retry that with a growing pause, for about
three seconds in all, then give up with the error; every move and delete on the share goes through them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.5)  # seconds between attempts: ~3 s, an antivirus scan's length
SHARING_ERRORS = frozenset({5, 32, 33})  # access denied (pending delete), sharing violation, lock violation


def held_by_another_program(exc: BaseException) -> bool:
    """True for the Windows errors of a file some other handle has open: worth waiting a moment for."""
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in SHARING_ERRORS


def retrying(action: Callable[[], T], what: object = "") -> T:
    """`action()`, again after a pause while it fails because another program holds the file."""
    for delay in (*RETRY_DELAYS, None):
        try:
            return action()
        except OSError as exc:
            if delay is None or not held_by_another_program(exc):
                raise
            log.info("%s is held by another program; retrying in %.2f s", what, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def cannot_write_message(exc: OSError) -> str | None:
    """A plain sentence for a PermissionError naming a file (open in Excel or WPS, which Windows will not let
    anyone replace, or a folder this account may not write to); None for any other error."""
    from inspector_app.core.i18n import tr

    path = getattr(exc, "filename2", None) or getattr(exc, "filename", None)
    if not isinstance(exc, PermissionError) or path is None:
        return None
    return tr("{path} cannot be written: it is open in another program (Excel, WPS…) or this account may not "
              "write there. Close it and try again.", path=path)


def replace_file(source: Path | str, target: Path | str) -> None:
    """os.replace, retried while another program holds either file (Windows)."""
    retrying(lambda: os.replace(source, target), source)


def rename_path(source: Path | str, target: Path | str) -> None:
    """os.rename (never over an existing target), retried while a file in it is held (Windows)."""
    retrying(lambda: os.rename(source, target), source)


def remove_file(path: Path | str, *, missing_ok: bool = True) -> None:
    """Delete a file, retried while another program holds it (Windows); gone already is fine by default."""
    retrying(lambda: Path(path).unlink(missing_ok=missing_ok), path)


MAX_PATH = 259  # characters Windows allows in a path without the \\?\ prefix


def part_name(path: Path) -> Path:
    """`.<name>.<random>.part` beside `path` (unique: threads and processes never share one); a shorter
    `.<random>.part` where that would pass Windows' 259 characters but `path` itself does not (a long data
    folder path: the part file must not be the one that cannot be written)."""
    token = uuid.uuid4().hex
    part = path.with_name(f".{path.name}.{token}.part")
    if len(str(part.absolute())) > MAX_PATH >= len(str(path.absolute())):
        part = path.with_name(f".{token[:16]}.part")
    return part


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `data` to `path` atomically; `private` files (keys) are created with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = part_name(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(part, flags, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            if private and os.name == "posix":
                os.fchmod(handle.fileno(), 0o600)  # a left-over file could have kept a wider mode
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace_file(part, path)
    except BaseException:
        discard_part(part)
        raise
    fsync_folder(path.parent)


def copy_atomic(source: Path, target: Path, chunk: int = 1 << 20, *, make_folder: bool = True) -> None:
    """Copy a file the same way, streaming (bundles can be large).

    `make_folder=False` is for a removable share: if its folder is gone (stick pulled out, network lost), the
    copy fails instead of creating the folder on the local disk under an empty mount point.
    """
    if make_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    part = part_name(target)
    try:
        with source.open("rb") as src, part.open("wb") as dst:
            while block := src.read(chunk):
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
        replace_file(part, target)
    except BaseException:
        discard_part(part)
        raise
    fsync_folder(target.parent)


def discard_part(part: Path) -> None:
    """Remove a half-written part file; never hide the original error behind a second one (folder gone)."""
    with contextlib.suppress(OSError):
        part.unlink(missing_ok=True)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (best effort: Windows and some network file systems cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_limited(path: Path, max_bytes: int) -> bytes:
    """A user-supplied file's bytes, or an InputError naming it (missing, unreadable, too large): the size
    is checked before reading, so a huge file is refused without being loaded."""
    from inspector_app.core.errors import InputError, Problem
    from inspector_app.core.i18n import tr

    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError([Problem(str(path), None, "", tr("file is too large ({size} bytes)", size=size))])
        return path.read_bytes()
    except OSError as exc:
        reason = tr("cannot read the file: {detail}", detail=exc.strerror or str(exc))
        raise InputError([Problem(str(path), None, "", reason)]) from exc


# -- where a folder lives: this computer's own disk, a removable one, or the network ------------------------
NETWORK_FILE_SYSTEMS = frozenset({"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ceph", "9p", "fuse.sshfs",
                                  "fuse.rclone", "davfs", "fuse.davfs2", "glusterfs", "lustre"})
REMOVABLE_FILE_SYSTEMS = frozenset({"vfat", "msdos", "exfat"})  # FAT and exFAT: USB sticks and SD cards
DRIVE_REMOVABLE, DRIVE_REMOTE = 2, 4  # GetDriveTypeW


def mount_type(path: PurePath) -> str:
    """The file system type of the mount holding `path` (POSIX, from /proc/self/mounts; "" when unknown)."""
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    text = str(path)
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (text == point or text.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
            best, kind = point, fields[2]
    return kind


def drive_type(anchor: str) -> int:
    """GetDriveTypeW of a drive root such as "Z:\\" (Windows only; 0 = unknown elsewhere)."""
    if os.name != "nt":
        return 0
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(anchor))  # type: ignore[attr-defined]


def _pure(path: PurePath | str) -> PurePath:
    if isinstance(path, PurePath) and not isinstance(path, Path):
        return path
    return PureWindowsPath(path) if os.name == "nt" else PurePosixPath(os.path.abspath(path))


def on_network(path: PurePath | str) -> bool:
    """True for a path on a network file system: a UNC path or mapped drive on Windows, an SMB/NFS mount."""
    pure = _pure(path)
    if isinstance(pure, PureWindowsPath):
        return pure.drive.startswith(("\\\\", "//")) or drive_type(pure.anchor) == DRIVE_REMOTE
    return mount_type(pure) in NETWORK_FILE_SYSTEMS


def on_removable(path: PurePath | str) -> bool:
    """True for a path on a removable drive (Windows says so) or a FAT/exFAT file system (a stick, elsewhere)."""
    pure = _pure(path)
    if isinstance(pure, PureWindowsPath):
        return drive_type(pure.anchor) == DRIVE_REMOVABLE
    return mount_type(pure) in REMOVABLE_FILE_SYSTEMS
