"""Undo/redo of recording and voiding: Qt's undo stack over the core's void/restore (nothing is deleted).

Undoing a recorded entry voids it (reason: undone); redoing restores it. Undoing a void restores the entry.
Each command's first action is performed by the page *before* it is pushed, so a refused entry never lands
on the stack; `redo` skips that first call.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from inspector_app.core.i18n import tr
from inspector_app.core.recording import Recorder


class _Command(QUndoCommand):
    def __init__(self, text: str, recorder: Recorder, changed: Callable[[], None]):
        super().__init__(text)
        self.recorder = recorder
        self.changed = changed
        self._first = True


class RecordCommand(_Command):
    """Entries already recorded (one per person); undo voids them, redo restores them."""

    def __init__(self, text: str, recorder: Recorder, ids: list[str], changed: Callable[[], None]):
        super().__init__(text, recorder, changed)
        self.ids = ids

    def undo(self) -> None:
        for deduction_id in self.ids:
            self.recorder.void(deduction_id, tr("undone"))
        self.changed()

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        for deduction_id in self.ids:
            self.recorder.restore(deduction_id)
        self.changed()


class VoidCommand(_Command):
    """Entries already voided with a reason; undo restores them, redo voids them again."""

    def __init__(self, text: str, recorder: Recorder, ids: list[str], reason: str, changed: Callable[[], None]):
        super().__init__(text, recorder, changed)
        self.ids, self.reason = ids, reason

    def undo(self) -> None:
        for deduction_id in self.ids:
            self.recorder.restore(deduction_id)
        self.changed()

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        for deduction_id in self.ids:
            self.recorder.void(deduction_id, self.reason)
        self.changed()
