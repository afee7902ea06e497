"""Drills kept in the training workspace: the packs a trainee can pick, and every submitted attempt.

Each submitted drill is one attempt file (`<training>/drills/*.attempt.json`, the documented attempt format),
written atomically, so a trainer can take the folder or an export and run `training grade` / `calibrate`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from inspector_app.core.checklists.library import ChecklistLibrary
from inspector_app.core.errors import InputError, StateError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr
from inspector_app.core.paths import forms_dir
from inspector_app.core.training.mode import is_training
from inspector_app.core.training.models import Attempt
from inspector_app.core.training.packs import Pack, load_attempts, load_pack, pack_files
from inspector_app.core.workspace import Workspace

DRILLS = "drills"
ATTEMPT_SUFFIX = ".attempt.json"


def training_library(ws: Workspace | None = None) -> ChecklistLibrary:
    """The bundled checklists including the training-only ones (cached in the data folder when given)."""
    cache = ws.data_dir / "cache" if ws is not None else None
    return ChecklistLibrary.load(forms_dir(), include_training=True, cache_dir=cache)


def bundled_packs(library: ChecklistLibrary) -> list[Pack]:
    """Every scenario pack shipped in forms/training/, validated (a broken pack raises InputError)."""
    return [load_pack(path, library) for path in pack_files(forms_dir() / "training")]


def drills_dir(ws: Workspace) -> Path:
    return ws.data_dir / DRILLS


def save_attempt(ws: Workspace, attempt: Attempt) -> Path:
    """Store a submitted drill in the training workspace; returns the file."""
    if not is_training(ws):
        raise StateError(tr("Drills are kept in the training workspace: switch training mode on first."))
    when = attempt.submitted_at or datetime.now().astimezone()
    attempt = attempt.model_copy(update={"submitted_at": when})
    path = drills_dir(ws) / f"{when.strftime('%Y%m%d-%H%M%S-%f')}-{uuid.uuid4().hex[:8]}{ATTEMPT_SUFFIX}"
    write_atomic(path, _dump(attempt.model_dump(mode="json", exclude_none=True)).encode("utf-8"))
    return path


def stored_attempts(ws: Workspace, trainee: str | None = None) -> list[Attempt]:
    """The drills submitted in this workspace, oldest first (optionally one trainee's)."""
    found = attempts_in(drills_dir(ws))
    return [a for a in found if trainee is None or a.trainee == trainee]


def attempts_in(folder: Path) -> list[Attempt]:
    """Every attempt file in a drills folder, oldest first (none when the folder does not exist)."""
    files = sorted(folder.glob("*" + ATTEMPT_SUFFIX)) if folder.is_dir() else []
    return [a for path in files for a in load_attempts(path)]


def export_attempts(attempts: Iterable[Attempt], path: Path) -> int:
    """Write attempts as one attempt-list file for the trainer; returns how many were written."""
    attempts = list(attempts)
    if not attempts:
        raise InputError.single(str(path), tr("there is no submitted drill to export"))
    write_atomic(path, _dump([a.model_dump(mode="json", exclude_none=True) for a in attempts]).encode("utf-8"))
    return len(attempts)


def attempts_by_trainee(attempts: Iterable[Attempt]) -> dict[str, list[Attempt]]:
    """Group attempts by trainee, each in submission order (calibration counts a trainee's last attempt)."""
    grouped: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        grouped.setdefault(attempt.trainee, []).append(attempt)
    return grouped


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
