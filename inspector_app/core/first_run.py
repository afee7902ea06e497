"""The first start on a new laptop: what the first-run wizard (gui/first_run.py) collects, and applying it.

The wizard only collects; `apply_first_run` does everything at the end, so cancelling the wizard leaves the
data folder as it was. If a step fails halfway, the signing key created a moment earlier is removed again,
and the settings (written last, with `first_run_done`) are untouched: the next start asks again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.inspector import create_for, has_identity
from inspector_app.core.identity.passphrase import check_new
from inspector_app.core.paths import resources_dir
from inspector_app.core.roster.models import Roster, load_roster
from inspector_app.core.roster_store import RosterChanges, apply_roster
from inspector_app.core.settings import Settings
from inspector_app.core.store.models import Inspection
from inspector_app.core.workspace import Workspace


@dataclass
class FirstRunChoices:
    """Everything the wizard asks; `roster` None means the demo hospital."""

    language: str = "zh"
    name: str = ""
    staff_no: str = ""
    passphrase: str = field(default="", repr=False)
    share_folder: str | None = None
    roster: Roster | None = None


def needs_first_run(ws: Workspace) -> bool:
    """A data folder nobody has set up: never finished the wizard, no signing key, no inspections (demo
    data, the test fixtures and folders from older versions all have one of these)."""
    if ws.settings.first_run_done or has_identity(ws):
        return False
    if getattr(ws.settings, "training", False):  # a training folder belongs to a laptop already set up
        return False
    with ws.db.read() as session:
        return not session.scalar(select(func.count()).select_from(Inspection))


def demo_roster() -> Roster:
    return load_roster(resources_dir() / "demo" / "roster.yaml")


def check_profile(name: str, staff_no: str) -> None:
    """Name and 工号 go into the signing certificate: both are needed to tell inspectors apart."""
    if not name.strip() or not staff_no.strip():
        raise AppError(tr("Enter the inspector's name and staff number."))


def apply_first_run(ws: Workspace, choices: FirstRunChoices) -> RosterChanges:
    """Create the signing key, load the roster, then save the settings; all of it or (nearly) nothing."""
    check_profile(choices.name, choices.staff_no)
    check_new(choices.passphrase)
    roster = choices.roster or demo_roster()
    hospital = roster.hospital.strip() or ws.settings.hospital
    settings = Settings.model_validate({  # validated before anything is written
        **ws.settings.model_dump(),
        "language": choices.language, "hospital": hospital, "share_folder": choices.share_folder or None,
        "inspector": {**ws.settings.inspector.model_dump(), "name": choices.name.strip(),
                      "staff_no": choices.staff_no.strip()},
        "first_run_done": True,
    })
    person = certs.Person(settings.inspector.name, settings.inspector.staff_no, hospital, settings.inspector.office)
    create_for(ws, choices.passphrase, person)
    try:
        changes = apply_roster(ws, roster, actor=settings.inspector.name)
        ws.update_settings(**settings.model_dump())
    except BaseException:
        _remove_identity(ws.data_dir)
        raise
    return changes


def _remove_identity(data_dir: Path) -> None:
    # key first: without the key the identity does not exist, whatever happens to the certificate
    storage.key_path(data_dir).unlink(missing_ok=True)
    storage.cert_path(data_dir).unlink(missing_ok=True)
