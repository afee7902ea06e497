"""A small JSON picture of the start page (`cache/start.json`), so the window can show real choices at once.

Most of a cold start is importing SQLAlchemy and pydantic and opening the store. With this picture the
window shows the start page (checklists, departments, unfinished inspections) before any of that has
loaded, and the workspace opens behind it. Reading uses the standard library only: importing this module
must cost nothing. The picture is a cache, never a source of truth: the open workspace replaces it within
a moment, and a missing, stale or unreadable file just means the ordinary (slower) start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from inspector_app.core.workspace import Workspace

SNAPSHOT_FILE = Path("cache") / "start.json"
SETTINGS_FILE = "settings.json"  # core.settings.SETTINGS_FILE, without importing pydantic
VERSION = 2  # 2: the first screen's translations (messages)


# Named tuples, not dataclasses: making a frozen dataclass costs the quick start 1–3 ms each, and the dataclasses
# module ~5 ms more (nothing else on that path needs it).
class Choice(NamedTuple):
    """One entry of a list on the start page: what is stored (id / code) and what is shown."""

    id: str
    label: str


class ChecklistChoice(NamedTuple):
    id: str
    label: str
    departments: tuple[Choice, ...]


class StartSnapshot(NamedTuple):
    language: str
    hospital: str
    inspector: str  # "name（工号）", or "" when no profile is set
    checklists: tuple[ChecklistChoice, ...]
    drafts: tuple[Choice, ...]
    # the translations the last start's first screens looked up (core/i18n.py preload): {} means none
    messages: dict[str, str] = {}  # noqa: RUF012 - never changed: a NamedTuple's default

    def departments(self, checklist_id: str) -> tuple[Choice, ...]:
        return next((c.departments for c in self.checklists if c.id == checklist_id), ())

    def texts(self) -> str:
        """Every text of the picture in one string (to check the font has its characters): a walk over the
        fields, not a repr of the whole (which would also hold the field names)."""
        parts = [self.language, self.hospital, self.inspector]
        for checklist in self.checklists:
            parts += [checklist.id, checklist.label]
            parts += [text for department in checklist.departments for text in (department.id, department.label)]
        parts += [text for draft in self.drafts for text in (draft.id, draft.label)]
        return "\n".join(parts)


def read_settings(data_dir: Path) -> dict[str, Any]:
    """The raw settings file (language, font size, geometry…) without validating it; {} when unreadable."""
    try:
        value = json.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def read_snapshot(data_dir: Path, language: str) -> StartSnapshot | None:
    """The picture written last time, or None when there is none usable (first run, other language, damaged)."""
    try:
        raw = json.loads((data_dir / SNAPSHOT_FILE).read_text(encoding="utf-8"))
        if raw.get("version") != VERSION or raw.get("language") != language:
            return None
        return StartSnapshot(
            language=raw["language"], hospital=str(raw["hospital"]), inspector=str(raw["inspector"]),
            checklists=tuple(ChecklistChoice(str(c["id"]), str(c["label"]),
                                             tuple(Choice(str(d["id"]), str(d["label"])) for d in c["departments"]))
                             for c in raw["checklists"]),
            drafts=tuple(Choice(str(d["id"]), str(d["label"])) for d in raw["drafts"]),
            messages={str(message): str(text) for message, text in raw["messages"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_snapshot(data_dir: Path, snapshot: StartSnapshot) -> None:
    """Replace the picture in one rename; a cache, so no fsync (a lost write only means a slower start)."""
    path = data_dir / SNAPSHOT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    picture = {"version": VERSION, **snapshot._asdict(),
               "checklists": [{**checklist._asdict(), "departments": [d._asdict() for d in checklist.departments]}
                              for checklist in snapshot.checklists],
               "drafts": [draft._asdict() for draft in snapshot.drafts]}
    temporary.write_text(json.dumps(picture, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def snapshot_of(ws: Workspace, language: str, drafts: tuple[Choice, ...]) -> StartSnapshot:
    """The start page's choices as the open workspace gives them (the same rules as the start page)."""
    from inspector_app.core.roster_store import current_roster, departments_for

    roster = current_roster(ws)
    checklists = tuple(
        ChecklistChoice(checklist.id, checklist.title.get(language),
                        tuple(Choice(d.code, f"{d.name}（{d.kind.label}）") for d in departments_for(checklist, roster)))
        for checklist in ws.library if not checklist.training)
    profile = ws.settings.inspector
    return StartSnapshot(language=language, hospital=ws.settings.hospital,
                         inspector=f"{profile.name}（{profile.staff_no}）" if profile.name else "",
                         checklists=checklists, drafts=drafts)
