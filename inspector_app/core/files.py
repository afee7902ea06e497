"""Writing files so that a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write via a temporary file, fsync, rename, and fsync the folder (so the rename itself survives a
    power cut). `private` files (keys) are created with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            if private and os.name == "posix":
                os.fchmod(handle.fileno(), 0o600)  # a left-over tmp file could have kept a wider mode
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows has no directory handles to fsync; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
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
