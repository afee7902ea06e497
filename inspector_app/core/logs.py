"""Log files in the data folder (rotated), so errors shown to users in plain words keep their details.

`<data>/logs/inspector-app.log`, 1 MB × 5 older files; crash reports (core/crash.py) quote its last lines.
On Windows the log cannot be renamed while another process has it open (the window and a command at once):
the rotation is then put off and the log goes on growing a little, instead of a logging error per line.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "inspector-app.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
PUT_OFF = 100  # records written before a rotation the log's other user prevented is tried again


def log_dir(data_dir: Path) -> Path:
    return data_dir / LOG_DIR


def log_file(data_dir: Path) -> Path:
    return log_dir(data_dir) / LOG_FILE


def _file_handler(path: Path, *, delay: bool = False) -> logging.Handler:
    """The rotating log file handler (rotation put off while another process holds the log, see above).
    `delay`: the folder and file are made by the first record, so a command that logs nothing leaves none."""
    # imported here, not at the top: it pulls in socket, ~10 ms of the window's start-up
    from logging.handlers import RotatingFileHandler

    class SharedRotatingFileHandler(RotatingFileHandler):
        """Rotation put off (tried again after the next PUT_OFF records) while another process holds the log."""

        put_off = 0

        def shouldRollover(self, record: logging.LogRecord) -> int:  # noqa: N802 - logging API
            if self.put_off > 0:
                self.put_off -= 1
                return 0
            return super().shouldRollover(record)

        def _open(self):  # noqa: ANN202 - logging API
            path.parent.mkdir(parents=True, exist_ok=True)
            return super()._open()

        def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging API
            if not delay:  # a delayed log found unwritable at its first record drops it, no traceback on stderr
                super().handleError(record)

        def doRollover(self) -> None:  # noqa: N802 - logging API
            try:
                super().doRollover()
            except OSError:
                self.put_off = PUT_OFF
                if self.stream is None:
                    self.stream = self._open()

    handler = SharedRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                                        delay=delay)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def _logs_to(root: logging.Logger, path: Path) -> bool:
    return any(Path(getattr(h, "baseFilename", "")) == path for h in root.handlers)


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send the app's log to <data>/logs/inspector-app.log (1 MB × 5 files); returns the file's path."""
    path = log_file(data_dir)
    root = logging.getLogger()
    if not _logs_to(root, path):
        root.addHandler(_file_handler(path))
    root.setLevel(level)
    return path


@contextmanager
def command_logging(data_dir: Path) -> Iterator[None]:
    """A command's log records go to the data folder's log file, never onto the console: libraries log
    tracebacks (pyHanko for a certificate it cannot trace) for conditions the command reports in words. The
    handler is closed when the command ends; a folder that cannot take a log drops the records instead."""
    root = logging.getLogger()
    path = log_file(data_dir)
    if _logs_to(root, path):
        yield
        return
    try:
        handler = _file_handler(path, delay=True)  # `verify` on a bare machine leaves no data folder behind
    except OSError:
        handler = logging.NullHandler()
    level = root.level
    root.addHandler(handler)
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def tail_lines(path: Path, count: int) -> list[str]:
    """The last `count` lines of a log file (empty when there is none); undecodable bytes replaced."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=count)]
    except OSError:
        return []
