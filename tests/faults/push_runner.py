"""A child that pushes to the share and kills itself with SIGKILL at a chosen point of the push.

Run as `python -m tests.faults.push_runner DATA_DIR SHARE POINT N` (the passphrase is the demo one):

    build     inside the N-th member written into the outbox bundle
    write     inside the N-th block copied into incoming/ (half of the block written, then killed)
    fsync     just before the copy in incoming/ is fsynced
    replace   just before the copy is renamed to its final name
    renamed   just after the rename, before the batch is marked as sent
    none      no self-kill (the parent kills at a random moment after `pushing`)

The hooks wrap the real functions (os.fsync, os.replace, Path.open, the bundle writer) in this process only.
"""

from __future__ import annotations

import os
import pathlib
import signal
import sys
from pathlib import Path
from typing import Any

import inspector_app.core.sync.bundle as bundle_module
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def in_incoming(path: object) -> bool:
    return Path(str(path)).parent.name == "incoming"


class HalfWriter:
    """A file in incoming/ that dies half-way through its N-th block."""

    def __init__(self, handle: Any, nth: int):
        self.handle, self.left = handle, nth

    def write(self, block: bytes) -> int:
        self.left -= 1
        if self.left == 0:
            self.handle.write(block[: len(block) // 2])
            self.handle.flush()
            die()
        return self.handle.write(block)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def install(point: str, nth: int) -> None:
    real_open, real_fsync, real_replace, real_write = pathlib.Path.open, os.fsync, os.replace, bundle_module._write
    calls = {"build": 0}

    def open_hook(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode and in_incoming(self) and self.name.endswith(".part"):
            return HalfWriter(handle, nth)
        return handle

    def fsync_hook(fd: int) -> None:
        if "/incoming/." in os.readlink(f"/proc/self/fd/{fd}"):
            die()
        real_fsync(fd)

    def replace_hook(src: Any, dst: Any) -> None:
        if point == "replace" and in_incoming(dst):
            die()
        real_replace(src, dst)
        if point == "renamed" and in_incoming(dst):
            die()

    def write_hook(*args: Any, **kwargs: Any) -> Any:
        calls["build"] += 1
        if calls["build"] == nth:
            die()
        return real_write(*args, **kwargs)

    if point == "write":
        pathlib.Path.open = open_hook  # type: ignore[method-assign]
    elif point == "fsync":
        os.fsync = fsync_hook
    elif point in ("replace", "renamed"):
        os.replace = replace_hook
    elif point == "build":
        bundle_module._write = write_hook  # type: ignore[assignment]


def main() -> None:
    data_dir, share, point, nth = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    ws = Workspace.open(data_dir)
    ws.take_sequence_ready()
    install(point, nth)
    print("pushing", flush=True)
    report = push(ws, share, DEMO_PASSPHRASE)
    print(f"pushed {report.inspections}", flush=True)
    ws.close()


if __name__ == "__main__":
    main()
