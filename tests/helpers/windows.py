"""Making this Linux machine behave like Windows where it matters to the app (issue #18).

`windows` (fixture) / `WindowsSim` (context manager) patch, for paths under one root folder (the test's
tmp_path, so pytest and site-packages are untouched):
- a file that is open (in this process through open()/os.open(), or held by "another program" with
  `sim.hold(path or pattern)`: antivirus, Explorer's preview, Excel) cannot be renamed, replaced or deleted,
  nor can a folder holding one: PermissionError with winerror 32, as Windows raises; once closed it works;
  `sim.hold(path, times=n)` lets go by itself after n refused attempts (an antivirus scan that ends);
- os.rename onto an existing name raises FileExistsError (WinError 183); os.replace is the one that overwrites;
- a file opened for writing in text mode turns "\n" into "\r\n" (os.linesep), as Windows does;
- Windows-invalid names (<>:"|?* control characters, trailing dot or space, CON/NUL/COM1…) and paths longer
  than 259 characters are refused by open, mkdir, rename and replace (WinError 123 / 206);
- `fcntl` cannot be imported;
- `sim.console()` replaces sys.stdout by a cp936 console with errors="replace" (what a Chinese Windows pipe is);
- `sim.block_stat(folder, seconds)` makes os.stat (so Path.stat/is_dir/exists) of anything under `folder`
  block as an unreachable UNC path does; `sim.release()` (done on exit) lets blocked calls go.
- `sim.spawn()`: the multiprocessing start method is spawn, the only one Windows has.
- DPAPI (core/identity/dpapi.py) is there, sealing for a user on a computer (`SimulatedDpapi`: a keyed stream
  and tag standing in for Windows' per-user secret); `sim.log_on(user, computer)` is another user or PC.
"""

from __future__ import annotations

import builtins
import contextlib
import fnmatch
import hashlib
import hmac
import io
import multiprocessing
import os
import re
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inspector_app.core.identity import dpapi

MAX_PATH = 259  # characters a path may have without the \\?\ prefix (MAX_PATH 260 with the final NUL)
INVALID_CHARS = re.compile(r'[<>:"|?*\x00-\x1f]')
OPEN_ARGS = ("mode", "buffering", "encoding", "errors", "newline", "closefd", "opener")
RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)


def sharing_violation(path: Any) -> PermissionError:
    """The error Windows raises for a file another handle has open (ERROR_SHARING_VIOLATION)."""
    exc = PermissionError(13, "The process cannot access the file because it is being used by another process",
                          str(path))
    exc.winerror = 32  # type: ignore[attr-defined]
    return exc


def windows_name_problem(path: str) -> str | None:
    """Why Windows would refuse this absolute path, or None."""
    if len(path) > MAX_PATH:
        return "path too long"
    for part in Path(path).parts[1:]:
        if INVALID_CHARS.search(part) or part.endswith((".", " ")) and part not in (".", "..") or RESERVED.match(part):
            return f"invalid name {part!r}"
    return None


class SimulatedDpapi:
    """CryptProtectData for one user on one computer, simulated: only the same user and computer unseal (a
    wrong one gets the OSError Windows raises: NTE_BAD_KEY_STATE); the sealed bytes show nothing of the data."""

    MAGIC = b"SIMDPAPI1"

    def __init__(self, user: str, computer: str):
        self.secret = hashlib.sha256(f"{computer}\\{user}".encode()).digest()

    def _stream(self, length: int) -> bytes:
        blocks = (hashlib.sha256(self.secret + n.to_bytes(8, "big")).digest() for n in range(length // 32 + 1))
        return b"".join(blocks)[:length]

    def protect(self, data: bytes, entropy: bytes) -> bytes:
        tag = hmac.new(self.secret, entropy + data, "sha256").digest()[:16]
        return self.MAGIC + tag + bytes(a ^ b for a, b in zip(data, self._stream(len(data)), strict=True))

    def unprotect(self, blob: bytes, entropy: bytes) -> bytes:
        tag, body = blob[len(self.MAGIC):len(self.MAGIC) + 16], blob[len(self.MAGIC) + 16:]
        data = bytes(a ^ b for a, b in zip(body, self._stream(len(body)), strict=True))
        if not blob.startswith(self.MAGIC) or not hmac.compare_digest(
                tag, hmac.new(self.secret, entropy + data, "sha256").digest()[:16]):
            exc = OSError(22, "Key not valid for use in specified state.")
            exc.winerror = -2146893813  # type: ignore[attr-defined]
            raise exc
        return data


class WindowsSim:
    """See the module docstring. Use as a context manager (or the `windows` fixture)."""

    def __init__(self, root: Path):
        self.root = os.path.realpath(root)
        self._files: list[tuple[str, weakref.ref]] = []  # path, file object opened in this process
        self._fds: dict[int, tuple[str, int, int]] = {}  # fd -> path, st_dev, st_ino
        self._held: dict[str, int | None] = {}  # path -> refusals left before "the other program" lets go
        self._blocked: dict[str, float] = {}
        self._release = threading.Event()
        self._lock = threading.RLock()
        self.refusals = 0  # PermissionErrors raised (tests check that a retry really happened)
        self.blocked_calls = 0
        self._patch = pytest.MonkeyPatch()

    # -- state -----------------------------------------------------------------------------------------
    def _abs(self, path: Any, dir_fd: int | None = None) -> str:
        text = os.fsdecode(path) if not isinstance(path, int) else f"/proc/self/fd/{path}"
        if dir_fd is not None and not os.path.isabs(text):
            text = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), text)
        return os.path.abspath(text)

    def _mine(self, path: str) -> bool:
        return path == self.root or path.startswith(self.root + os.sep)

    def hold(self, path: Path | str, times: int | None = None) -> contextlib.AbstractContextManager[None]:
        """Another program has `path` open until the block ends (or until `times` attempts were refused).

        `path` may be a pattern (`share / ".probe-*"`, `*` matching across folders too); it holds files that
        exist, as an antivirus scans a file once written: a rename onto a new name is not refused, a rename
        of the file, or of a folder holding it, is."""
        key = self._abs(path)

        @contextlib.contextmanager
        def held() -> Iterator[None]:
            with self._lock:
                self._held[key] = times
            try:
                yield
            finally:
                with self._lock:
                    self._held.pop(key, None)

        return held()

    def _open_paths(self) -> set[str]:
        with self._lock:
            self._files = [(p, ref) for p, ref in self._files if (f := ref()) is not None and not f.closed]
            found = {p for p, _ in self._files}
            for fd, (path, dev, ino) in list(self._fds.items()):
                try:
                    st = os.fstat(fd)
                except OSError:
                    del self._fds[fd]
                    continue
                if (st.st_dev, st.st_ino) != (dev, ino):
                    del self._fds[fd]
                    continue
                found.add(path)
            return found

    def _check_free(self, *paths: str) -> None:
        """PermissionError when one of `paths` (or a file under one, for a folder) is open."""
        busy = self._open_paths()
        with self._lock:
            for path in paths:
                if any(other == path or other.startswith(path + os.sep) for other in busy):
                    self.refusals += 1
                    raise sharing_violation(path)
                if not self._held:
                    continue
                existing = [path] if os.path.isfile(path) else [
                    os.path.join(folder, name) for folder, _, names in os.walk(path) for name in names]
                for pattern, left in list(self._held.items()):
                    if not any(fnmatch.fnmatchcase(found, pattern) for found in existing):
                        continue
                    if left is not None:
                        if left <= 0:
                            continue
                        self._held[pattern] = left - 1
                    self.refusals += 1
                    raise sharing_violation(path)

    def _check_name(self, path: str) -> None:
        if self._mine(path) and (problem := windows_name_problem(path)):
            code = 206 if problem == "path too long" else 123
            exc = OSError(22, f"[WinError {code}] {problem}", path)
            exc.winerror = code  # type: ignore[attr-defined]
            raise exc

    # -- patches ---------------------------------------------------------------------------------------
    def __enter__(self) -> WindowsSim:  # noqa: PYI034 - a final class
        self.log_on("inspector", "LAPTOP-1")
        real_open, real_os_open = builtins.open, os.open
        real_replace, real_rename, real_unlink, real_rmdir, real_mkdir = (
            os.replace, os.rename, os.unlink, os.rmdir, os.mkdir)
        real_stat = os.stat

        def sim_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, int):
                return real_open(file, *args, **kwargs)
            path = self._abs(file)
            if not self._mine(path):
                return real_open(file, *args, **kwargs)
            self._check_name(path)
            kwargs.update(zip(OPEN_ARGS, args))
            mode = kwargs.get("mode", "r")
            if "w" in mode:
                self._check_free(path)
            if "b" not in mode and any(c in mode for c in "wax") and kwargs.get("newline") is None:
                kwargs["newline"] = "\r\n"  # text written on Windows: every \n becomes os.linesep
            handle = real_open(file, **kwargs)
            with self._lock:
                self._files.append((path, weakref.ref(handle)))
            return handle

        def sim_os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            full = self._abs(path, dir_fd)
            if self._mine(full):
                self._check_name(full)
            fd = real_os_open(path, flags, mode, dir_fd=dir_fd)
            if self._mine(full) and not os.path.isdir(full):
                st = os.fstat(fd)
                with self._lock:
                    self._fds[fd] = (full, st.st_dev, st.st_ino)
            return fd

        def moved(real: Any, overwrite: bool) -> Any:
            def sim(src: Any, dst: Any, *, src_dir_fd: int | None = None, dst_dir_fd: int | None = None) -> None:
                source, target = self._abs(src, src_dir_fd), self._abs(dst, dst_dir_fd)
                if self._mine(source) or self._mine(target):
                    self._check_name(target)
                    if not overwrite and os.path.lexists(target):
                        exc = FileExistsError(17, "Cannot create a file when that file already exists", target)
                        exc.winerror = 183  # type: ignore[attr-defined]
                        raise exc
                    self._check_free(source, target)
                real(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
            return sim

        def removed(real: Any) -> Any:
            def sim(path: Any, *, dir_fd: int | None = None) -> None:
                full = self._abs(path, dir_fd)
                if self._mine(full):
                    self._check_free(full)
                real(path, dir_fd=dir_fd)
            return sim

        def sim_mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
            self._check_name(self._abs(path, dir_fd))
            real_mkdir(path, mode, dir_fd=dir_fd)

        def sim_stat(path: Any, *, dir_fd: int | None = None, follow_symlinks: bool = True) -> os.stat_result:
            if self._blocked and not isinstance(path, int):
                full = self._abs(path, dir_fd)
                for folder, seconds in list(self._blocked.items()):
                    if full == folder or full.startswith(folder + os.sep):
                        self.blocked_calls += 1
                        if self._release.wait(seconds):
                            raise FileNotFoundError(2, "The network path was not found", full)
                        break
            return real_stat(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)

        patch = self._patch
        patch.setattr(builtins, "open", sim_open)
        patch.setattr(io, "open", sim_open)
        patch.setattr(os, "open", sim_os_open)
        patch.setattr(os, "replace", moved(real_replace, True))
        patch.setattr(os, "rename", moved(real_rename, False))
        patch.setattr(os, "unlink", removed(real_unlink))
        patch.setattr(os, "remove", removed(real_unlink))
        patch.setattr(os, "rmdir", removed(real_rmdir))
        patch.setattr(os, "mkdir", sim_mkdir)
        patch.setattr(os, "stat", sim_stat)
        patch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError, as on Windows
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._patch.undo()

    # -- the rest of Windows -------------------------------------------------------------------------
    def block_stat(self, folder: Path | str, seconds: float = 10.0) -> None:
        """os.stat of `folder` or anything under it blocks `seconds` (then works), like a UNC path gone away."""
        self._blocked[self._abs(folder)] = seconds

    def release(self) -> None:
        """Let blocked stat calls go at once (they then fail: the network path was not found)."""
        self._release.set()
        self._blocked.clear()

    def console(self) -> io.BytesIO:
        """sys.stdout becomes a cp936 console with errors="replace"; returns the bytes written to it."""
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="cp936", errors="replace", newline="\r\n", write_through=True)
        self._patch.setattr(sys, "stdout", stream)
        return raw

    def log_on(self, user: str, computer: str) -> None:
        """From now on DPAPI seals and unseals as `user` on `computer` (undone on exit: no DPAPI, as on Linux)."""
        self._patch.setattr(dpapi, "_BACKEND", SimulatedDpapi(user, computer))
        self._patch.setattr(dpapi, "_LOOKED", True)

    def spawn(self) -> None:
        """Only the spawn start method exists, as on Windows."""
        real = multiprocessing.get_context
        self._patch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
        self._patch.setattr(multiprocessing, "get_context",
                            lambda method=None: real("spawn") if method in (None, "spawn") else _no_such(method))


def _no_such(method: str) -> Any:
    raise ValueError(f"cannot find context for {method!r}")


@pytest.fixture
def windows(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WindowsSim]:
    """Windows file semantics for everything under this session's temporary folders (see WindowsSim)."""
    with WindowsSim(tmp_path_factory.getbasetemp()) as sim:
        yield sim


@pytest.fixture(autouse=True)
def windows_everywhere(request: pytest.FixtureRequest) -> Iterator[None]:
    """`@pytest.mark.windows` tests, or every test when INSPECTOR_TEST_WINDOWS=1, run under WindowsSim: so an
    existing suite can be run as if on Windows (`INSPECTOR_TEST_WINDOWS=1 pytest tests/core/test_sync.py`)."""
    if request.node.get_closest_marker("windows") is None and os.environ.get("INSPECTOR_TEST_WINDOWS") != "1":
        yield
        return
    if "windows" not in request.fixturenames:
        request.getfixturevalue("windows")
    yield


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
