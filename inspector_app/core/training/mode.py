"""Training mode: a separate data folder, `<data>/training/`, whose inspections never leave the laptop.

Trainees practise real inspections (and drills) without touching production data: the training folder has
its own SQLite store and a settings file saying `training: true`. Three things keep its data apart:

- every inspection stored there is a training inspection (a mapper hook sets the flag before the INSERT, so
  no code path — recording, import, demo data — can store a production one there);
- `push()` refuses a training workspace outright (core/sync/push.py), and the bundle format only admits
  `training: false`, so the office merge refuses a bundle that carries one;
- documents of training inspections carry the 培训 / TRAINING watermark.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, select

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.roster_store import apply_roster, roster_in
from inspector_app.core.settings import (
    SETTINGS_FILE,
    Settings,
    load_settings,
    save_settings,
)
from inspector_app.core.store.database import DB_FILE, open_database
from inspector_app.core.store.models import Department, Inspection

if TYPE_CHECKING:
    from inspector_app.core.workspace import Workspace

log = logging.getLogger(__name__)

TRAINING_FOLDER = "training"
_COPIED_SETTINGS = ("hospital", "inspector", "language", "font_size", "photo_max_px")
_TRAINING_DATABASES: set[str] = set()  # engine URLs of training stores opened in this process


def training_dir(data_dir: Path) -> Path:
    """Where the training workspace of a production data folder lives."""
    return data_dir / TRAINING_FOLDER


def is_training(ws: Workspace) -> bool:
    return ws.settings.training


def production_dir(ws: Workspace) -> Path:
    """The production data folder belonging to a workspace (itself, or the parent of a training one)."""
    return ws.data_dir.parent if is_training(ws) else ws.data_dir


def prepare_training_dir(data_dir: Path) -> Path:
    """Create `<data>/training/` with settings marked training (profile, hospital and language copied from
    the production settings the first time); returns the folder. Harmless when it exists."""
    folder = training_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    current = load_settings(folder) if (folder / SETTINGS_FILE).exists() else None
    if current is None:
        production = load_settings(data_dir)
        current = Settings.model_validate({name: getattr(production, name) for name in _COPIED_SETTINGS})
    if not current.training:
        save_settings(folder, current.model_copy(update={"training": True}))
    return folder


def refuse_if_training(ws: Workspace) -> None:
    """Called first thing by anything that sends data out of the laptop."""
    if is_training(ws):
        raise AppError(tr("This is the training workspace (培训模式): training data is never sent to the share "
                          "or merged by the office. Switch training mode off to send real inspections."))


def _mark_training(_mapper: Any, connection: Any, target: Inspection) -> None:
    if str(connection.engine.url) in _TRAINING_DATABASES:
        target.training = True


def enter_training(ws: Workspace, copy_roster: bool = True) -> None:
    """Make an open training workspace safe to use: inspections stored in it are always training ones;
    with `copy_roster`, an empty store gets the production roster (the same hospital to practise on)."""
    if not event.contains(Inspection, "before_insert", _mark_training):
        event.listen(Inspection, "before_insert", _mark_training)
    _TRAINING_DATABASES.add(str(ws.db.engine.url))
    if copy_roster:
        try:
            _copy_production_roster(ws)
        except (AppError, OSError) as exc:  # the production store cannot be read: start without its roster
            log.warning("training: production roster not copied: %s", exc)


def _copy_production_roster(ws: Workspace) -> None:
    with ws.db.read() as session:
        if session.scalar(select(func.count()).select_from(Department)):
            return
    parent = ws.data_dir.parent
    if not (parent / DB_FILE).is_file():
        return
    production = open_database(parent)  # its database only: opening a Workspace here would import back
    try:
        roster = roster_in(production, load_settings(parent).hospital)
    finally:
        production.close()
    if roster.departments:
        apply_roster(ws, roster, actor="training")
