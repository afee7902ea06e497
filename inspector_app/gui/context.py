"""What every page needs: the open workspace, the operations layer, and the change notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from inspector_app.core.workspace import Workspace
from inspector_app.gui.operations import Operations

if TYPE_CHECKING:
    from inspector_app.gui.thumbnails import Thumbnails


class Changes(QObject):
    """Pages tell each other what changed (like Anki's OpChanges), so views refresh only what they show."""

    inspections = Signal()  # started, finished, entries recorded or voided
    rectifications = Signal()
    roster = Signal()
    settings = Signal()
    sync = Signal()  # what is waiting to be sent may have changed (finished, imported, sent) — not per entry


class GuiContext:
    def __init__(self, ws: Workspace, operations: Operations):
        self.ws = ws
        self.ops = operations
        self.changes = Changes()
        # what a page showed, for the page rebuilt after a language or font change (e.g. "summary": the
        # monthly summary on screen), so switching the language does not lose a computed result
        self.kept: dict[str, object] = {}
        self._thumbnails: Thumbnails | None = None

    @property
    def thumbnails(self) -> Thumbnails:
        """Photo thumbnails for the tables, made on first use (start-up does not pay for them)."""
        if self._thumbnails is None:
            from inspector_app.gui.thumbnails import Thumbnails

            self._thumbnails = Thumbnails(self.ops, self.ws.data_dir, parent=self.ops)
        return self._thumbnails
