"""Sync from the window: by hand (File menu), and by itself whenever the share becomes reachable.

The share is watched two ways: a QFileSystemWatcher on the share folder, its parent (a USB stick or a network
drive appearing) and its published/ folder (the office publishing), plus the window's 30 s timer for mounts a
watcher cannot see. A sync pushes then pulls (core/sync/run.py). The passphrase is asked once per session, only
when inspections wait to be sent, and kept in memory only; without it an automatic sync still pulls and the
status bar says what waits.

Nothing here touches the share on the GUI thread (issue #18): on Windows a UNC path or mapped drive that went
away blocks every is_dir()/stat() for seconds and the window would be marked 未响应. Each look runs off the
thread (operations.BackgroundCall, core probe_share); `share_state` tells the status bar "checking" at once,
then what was found, or "not answering" after PROBE_TIMEOUT_MS.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMainWindow

from inspector_app.core.i18n import tr
from inspector_app.core.sync.share import ShareLook
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.operations import BackgroundCall

SETTLE_MS = 700  # a stick being mounted changes the folder several times: sync once it settles
PROBE_TIMEOUT_MS = 5_000  # a look at the share that takes longer: "not answering" (it goes on in the background)
CHECKING, REACHABLE, UNREACHABLE, NOT_ANSWERING, UNSET = "checking", "reachable", "unreachable", "not_answering", "unset"


class SyncActions(QObject):
    synced = Signal(object)  # the core SyncReport of every finished sync, by hand or automatic
    failed = Signal(str)
    share_state = Signal(str)  # CHECKING, REACHABLE, UNREACHABLE, NOT_ANSWERING or UNSET

    def __init__(self, ctx: GuiContext, window: QMainWindow):
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self._passphrase: str | None = None  # this session only: never written anywhere
        self._running = False
        self._reachable: bool | None = None
        self._index_stamp: str | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self._settle.start())
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.check_share)
        self.probe = BackgroundCall(self)
        self.state = UNSET
        ctx.changes.settings.connect(self.check_share)

    def start(self, timer: QTimer) -> None:
        """Begin watching: the window's share timer re-checks too (network mounts a watcher cannot see)."""
        timer.timeout.connect(self.check_share)
        self.check_share()

    # -- watching -----------------------------------------------------------------------------------------
    def _watch(self, found: tuple[str, ...]) -> None:
        wanted, current = set(found), set(self.watcher.directories())
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))

    def _set_state(self, state: str) -> None:
        self.state = state
        self.share_state.emit(state)

    def check_share(self) -> None:
        """Look at the share off the GUI thread; sync when it has just become reachable, or the office
        published since the last look. A look still out (a hung network path) is not doubled."""
        from inspector_app.core.sync.share import probe_share

        setting = self.ctx.ws.settings.share_folder
        if not setting:
            self._watch(())
            self._reachable = False
            self._set_state(UNSET)
            return
        folder = Path(setting)
        if self.probe.start(lambda: probe_share(folder), lambda look: self._looked(folder, look),
                            timeout_ms=PROBE_TIMEOUT_MS, on_timeout=lambda: self._set_state(NOT_ANSWERING)):
            self._set_state(CHECKING)

    def _looked(self, folder: Path, look: ShareLook | Exception) -> None:
        setting = self.ctx.ws.settings.share_folder
        if not setting or Path(setting) != folder:  # changed while we looked: look again
            self.check_share()
            return
        if isinstance(look, Exception):
            look = ShareLook(False, None, ())
        self._watch(look.folders)
        became = look.reachable and self._reachable is not True
        self._reachable = look.reachable
        self._set_state(REACHABLE if look.reachable else UNREACHABLE)
        if not look.reachable:
            return
        published = look.index_stamp != self._index_stamp
        self._index_stamp = look.index_stamp
        if became or published:
            self.run_sync(str(folder), by_hand=False)

    # -- syncing ------------------------------------------------------------------------------------------
    def share_folder(self) -> str | None:
        folder = self.ctx.ws.settings.share_folder
        if folder:
            return folder
        chosen = QFileDialog.getExistingDirectory(self.window, tr("Choose the shared folder or USB stick"),
                                                  str(Path.home()))
        if not chosen:
            return None
        self.ctx.ws.update_settings(share_folder=chosen)
        self.ctx.changes.settings.emit()
        return chosen

    def sync(self) -> None:
        """By hand: ask for the passphrase when something waits to be sent and it is not known yet."""
        from inspector_app.core.sync.status import sync_status

        folder = self.share_folder()
        if not folder:
            return
        if self._passphrase is None and sync_status(self.ctx.ws).waiting:
            passphrase, ok = QInputDialog.getText(self.window, tr("Send to the share"),
                                                  tr("Passphrase of your signing key:"), QLineEdit.EchoMode.Password)
            if ok and passphrase:
                self._passphrase = passphrase
        self.run_sync(folder, by_hand=True)

    def forget_passphrase(self) -> None:
        self._passphrase = None

    def run_sync(self, folder: str, *, by_hand: bool) -> None:
        from inspector_app.core.sync.run import sync_with_share

        if self._running:
            return
        self._running = True
        ws, passphrase = self.ctx.ws, self._passphrase

        def done(report) -> None:
            self._running = False
            if report.push_error:
                self._passphrase = None  # a wrong passphrase is asked again next time
            self.ctx.changes.sync.emit()  # the status bar recounts what is waiting
            if report.pull.installed:
                self.ctx.changes.roster.emit()
                self.ctx.changes.rectifications.emit()
            self.window.statusBar().showMessage(" ".join(report.lines()), 15_000)
            if by_hand and not report.ok:
                show_error(self.window, report.message())
            self.synced.emit(report)

        def error(message: str) -> None:
            self._running = False
            if by_hand:
                show_error(self.window, message)
            else:
                self.window.statusBar().showMessage(message, 15_000)
            self.failed.emit(message)

        self.ctx.ops.run(tr("Syncing with the share"), lambda progress: sync_with_share(ws, folder, passphrase),
                         on_done=done, on_error=error, cancellable=False)
