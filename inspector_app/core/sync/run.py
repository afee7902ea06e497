"""One sync with the share: push (when the passphrase is at hand), then pull.

Pushing signs a batch, so it needs the inspector's passphrase; pulling only verifies the office's signatures,
so it never does. Without a passphrase (the window's automatic sync before anyone typed it) a sync still
pulls and says how many inspections wait to be sent. A failed push (wrong passphrase, not enrolled) does not
stop the pull: the report carries the push's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.sync.pull import PullReport, pull
from inspector_app.core.sync.push import PushReport, push
from inspector_app.core.sync.share import Share
from inspector_app.core.sync.status import sync_status
from inspector_app.core.workspace import Workspace


@dataclass(frozen=True)
class SyncReport:
    push: PushReport | None  # None: not pushed (no passphrase, or the push failed)
    push_error: str | None
    pull: PullReport
    waiting: int  # inspections still waiting to be sent after this sync

    @property
    def ok(self) -> bool:
        return self.push_error is None and not self.pull.refused

    def lines(self) -> list[str]:
        lines = []
        if self.push is not None:
            lines.append(self.push.message())
        elif self.push_error:
            lines.append(tr("Not sent: {reason}", reason=self.push_error))
        if self.push is None and self.waiting:
            lines.append(tr("{count} inspection(s) waiting to be sent; sending needs your passphrase.",
                            count=self.waiting))
        return lines + self.pull.lines()

    def message(self) -> str:
        return "\n".join(self.lines())


def sync_with_share(ws: Workspace, share_path: Path | str, passphrase: str | None) -> SyncReport:
    """Push (if `passphrase`), then pull; an unreachable share is an AppError and nothing is done."""
    share = Share(share_path)
    if not share.path.is_dir():
        raise AppError(tr("The shared folder {path} cannot be reached (not connected, missing or read-only). "
                          "Nothing was uploaded; try again when it is connected.", path=share.path))
    pushed: PushReport | None = None
    error: str | None = None
    if passphrase is not None:
        try:
            pushed = push(ws, share.path, passphrase)
        except AppError as exc:
            error = str(exc)
    pulled = pull(ws, share.path)
    return SyncReport(pushed, error, pulled, sync_status(ws).waiting)
