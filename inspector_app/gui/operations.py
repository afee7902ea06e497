"""Long work off the GUI thread: one small operations layer with progress, cancel and main-thread results.

Like Anki's operations and Picard's thread pool: a view calls `ops.run(label, work, on_done=...)`; `work`
runs on a QThreadPool thread with a `Progress` handle (report, check for cancel) and its result or error
comes back through Qt signals, so callbacks run on the GUI thread and may touch widgets. The window shows
each running operation in the status bar with a cancel button.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from inspector_app.core.errors import AppError
from inspector_app.core.files import cannot_write_message
from inspector_app.core.i18n import tr

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside work when the user cancelled it."""


@dataclass
class Progress:
    """Handed to the work function: report progress, and stop when asked to."""

    _emit: Callable[[int, int], None]
    _cancel: threading.Event = field(default_factory=threading.Event)

    def report(self, done: int, total: int) -> bool:
        """Report progress; returns False once the user cancelled (work should stop)."""
        self._emit(done, total)
        return not self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str, bool)  # message, expected (an AppError) or not
    cancelled = Signal()


class _Task(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, progress: Progress):
        super().__init__()
        self.work, self.signals, self.handle = work, signals, progress
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.handle)
        except Cancelled:
            self.signals.cancelled.emit()
        except AppError as exc:
            self.signals.failed.emit(str(exc), True)
        except PermissionError as exc:
            if (message := cannot_write_message(exc)) is None:
                log.error("operation failed\n%s", traceback.format_exc())
                message = tr("Something went wrong: {detail}", detail=exc)
            self.signals.failed.emit(message, True)
        except Exception as exc:  # noqa: BLE001 - reported to the user and logged with its traceback
            log.error("operation failed\n%s", traceback.format_exc())
            self.signals.failed.emit(tr("Something went wrong: {detail}", detail=exc), False)
        else:
            if self.handle.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.done.emit(result)


class Operation(QObject):
    """One running piece of work, as the window sees it; it receives the task's signals on the GUI thread
    (it is a QObject created there, so Qt queues the worker's signals to it)."""

    progress = Signal(int, int)
    finished = Signal()

    def __init__(self, label: str, cancellable: bool, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self.label = label
        self.cancellable = cancellable
        self.result: Any = None
        self.error_message: str | None = None
        self.was_cancelled = False
        self._cancel = threading.Event()
        self._on_done, self._on_error = on_done, on_error

    def cancel(self) -> None:
        self._cancel.set()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.progress.emit(done, total)

    @Slot(object)
    def _done(self, result: Any) -> None:
        self.result = result
        self.finished.emit()
        if self._on_done is not None:
            self._on_done(result)

    @Slot(str, bool)
    def _failed(self, message: str, expected: bool) -> None:
        self.error_message = message
        self.finished.emit()
        self._on_error(message)

    @Slot()
    def _cancelled(self) -> None:
        self.was_cancelled = True
        self.finished.emit()


class Operations(QObject):
    """Runs work on a thread pool; `started` lets the window show progress and a cancel button."""

    started = Signal(Operation)
    error = Signal(str)  # a failure no caller handled: the window shows it

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._running: dict[Operation, _Signals] = {}

    def run(self, label: str, work: Callable[[Progress], Any], *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[str], None] | None = None, cancellable: bool = True,
            quiet: bool = False) -> Operation:
        """`quiet`: not shown in the status bar (thumbnails: small, frequent work nobody needs to watch)."""
        operation = Operation(label, cancellable, on_done, on_error or self.error.emit, self)
        signals = _Signals()
        signals.progress.connect(operation._progress)
        signals.done.connect(operation._done)
        signals.failed.connect(operation._failed)
        signals.cancelled.connect(operation._cancelled)
        operation.finished.connect(self._finished)  # a bound slot: no closure outliving this object
        handle = Progress(signals.progress.emit, operation._cancel)
        self._running[operation] = signals
        if not quiet:
            self.started.emit(operation)
        self.pool.start(_Task(work, signals, handle))
        return operation

    @Slot()
    def _finished(self) -> None:
        operation = self.sender()
        signals = self._running.pop(operation, None)  # type: ignore[call-overload]
        if signals is not None:
            signals.deleteLater()
        if isinstance(operation, Operation):
            operation.deleteLater()

    @property
    def running(self) -> int:
        return len(self._running)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for all work to end and deliver its results (closing the window, tests): nothing is left
        queued for objects about to be deleted."""
        from PySide6.QtCore import QCoreApplication

        done = self.pool.waitForDone(msecs)
        QCoreApplication.processEvents()
        return done


class BackgroundCall(QObject):
    """A quick look that may hang (the share on a network path that went away: each stat() can block for
    seconds): run on a daemon thread, not shown in the status bar, never waited for, so the window stays
    responsive and closes at once. Its result (or the exception it raised) comes back on the GUI thread;
    after `timeout_ms` without one, `on_timeout` runs. While a call is still out, `start` starts no second
    one (a hung network path would otherwise collect a thread every 30 s) and returns False."""

    _result = Signal(int, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._serial = 0
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self.busy = False
        self._result.connect(self._deliver)

    def start(self, work: Callable[[], Any], on_done: Callable[[Any], None], *, timeout_ms: int,
              on_timeout: Callable[[], None]) -> bool:
        if self.busy:
            return False
        self._serial += 1
        serial, self.busy = self._serial, True
        self._callbacks[serial] = on_done
        emit = self._result.emit

        def run() -> None:
            try:
                value = work()
            except Exception as exc:  # noqa: BLE001 - handed to on_done, which decides
                value = exc
            try:
                emit(serial, value)
            except RuntimeError:  # the window was closed meanwhile: nobody to tell
                pass

        threading.Thread(target=run, name="background-call", daemon=True).start()
        QTimer.singleShot(timeout_ms, self, lambda: self._timed_out(serial, on_timeout))
        return True

    def _timed_out(self, serial: int, on_timeout: Callable[[], None]) -> None:
        if self.busy and serial == self._serial:
            on_timeout()

    @Slot(int, object)
    def _deliver(self, serial: int, value: Any) -> None:
        self.busy = False
        callback = self._callbacks.pop(serial, None)
        if callback is not None:
            callback(value)
