"""Sync from the window: send finished inspections to the share, in the background, then update the status.

The share folder is asked for once (and kept in Settings); the passphrase every time (it is never stored).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMainWindow

from inspector_app.core.i18n import tr
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error


class SyncActions:
    def __init__(self, ctx: GuiContext, window: QMainWindow):
        self.ctx, self.window = ctx, window

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
        from inspector_app.core.sync import push

        folder = self.share_folder()
        if not folder:
            return
        passphrase, ok = QInputDialog.getText(self.window, tr("Send to the share"),
                                              tr("Passphrase of your signing key:"), QLineEdit.EchoMode.Password)
        if not ok:
            return
        ws = self.ctx.ws

        def done(report) -> None:  # noqa: ANN001 - a core PushReport
            self.ctx.changes.sync.emit()  # the status bar recounts what is waiting
            self.window.statusBar().showMessage(report.message(), 10_000)

        self.ctx.ops.run(tr("Sending to the share"), lambda progress: push(ws, folder, passphrase),
                         on_done=done, on_error=lambda message: show_error(self.window, message),
                         cancellable=False)
