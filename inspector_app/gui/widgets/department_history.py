"""The department's history beside the recording form: what it still owes, and what was found last time.

A thin view over core/department_history.py: the core finds and compares, this only lays the lists out.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from inspector_app.core.department_history import DepartmentHistory
from inspector_app.core.i18n import tr

OVERDUE = "#b3261e"


def _who(person: str | None, staff_no: str | None) -> str:
    return f"{escape(person)}（{escape(staff_no or '')}）" if person else tr("the department")


class DepartmentHistoryView(QTextBrowser):
    """Open and overdue rectifications (overdue in red, first), then the last visit's findings."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("departmentHistory")
        self.setAccessibleName(tr("History of this department"))
        self.setOpenLinks(False)
        self.history: DepartmentHistory | None = None

    def show_history(self, history: DepartmentHistory) -> None:
        self.history = history
        heading = tr("Open rectifications: {count} ({overdue} overdue)", count=len(history.open_items),
                     overdue=history.overdue)
        parts = [f"<p><b>{heading}</b></p>"]
        if history.open_items:
            rows = []
            for item in history.open_items:
                state = (f"<span style='color:{OVERDUE}'><b>{tr('overdue')}</b></span>" if item.overdue
                         else tr("open"))
                rows.append(f"<li>{state} · <b>{escape(item.item_code)}</b> {_who(item.person, item.staff_no)} · "
                            f"{tr('deadline {date}', date=item.deadline.isoformat())}"
                            + (f" · {escape(item.note)}" if item.note else "") + "</li>")
            parts.append("<ul>" + "".join(rows) + "</ul>")
        if history.last_visit is None:
            parts.append(f"<p>{tr('No earlier finished inspection here.')}</p>")
        else:
            last = tr("Last visit {date}: {count} findings", date=history.last_visit, count=len(history.last_findings))
            parts.append(f"<p><b>{last}</b></p>")
            if history.last_findings:
                parts.append("<ul>" + "".join(
                    f"<li><b>{escape(f.item_code)}</b> {_who(f.person, f.staff_no)}"
                    + (f" · {escape(f.note)}" if f.note else "") + "</li>" for f in history.last_findings) + "</ul>")
        self.setHtml("".join(parts))

    def title(self) -> str:
        """The tab's title: it says when something is overdue, so the tab is noticed while closed."""
        history = self.history
        if history is None or not history.open_items:
            return tr("Dept. history")
        if history.overdue:
            return tr("Dept. history ({count} overdue)", count=history.overdue)
        return tr("Dept. history ({count} open)", count=len(history.open_items))
