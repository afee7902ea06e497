"""Training mode keeps its data apart: its own store under <data>/training/, every inspection there a training
one, nothing pushed to the share, and a bundle carrying a training inspection refused by the office merge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.errors import AppError
from inspector_app.core.identity import DEMO_PASSPHRASE, trusted_office_certs
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge import models as central_models
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster_store import current_roster
from inspector_app.core.settings import load_settings
from inspector_app.core.store.audit import verify
from inspector_app.core.store.models import Inspection
from inspector_app.core.sync import push
from inspector_app.core.sync.bundle_format import DATA
from inspector_app.core.training import Attempt
from inspector_app.core.training.drills import (
    export_attempts,
    save_attempt,
    stored_attempts,
)
from inspector_app.core.training.mode import (
    prepare_training_dir,
    production_dir,
    training_dir,
)
from inspector_app.core.training.packs import load_attempts
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT
from tests.helpers.hospital import members, resigned


@pytest.fixture
def production(demo_workspace: Workspace) -> Workspace:
    demo_workspace.update_settings(inspector={"name": "演示督查员", "staff_no": "D001"}, hospital="示例医院")
    generate(demo_workspace, 2, seed=3, sign_sheets=True)  # an enrolled demo inspector, as in real use
    return demo_workspace


@pytest.fixture
def training(production: Workspace) -> Iterator[Workspace]:
    ws = Workspace.open(prepare_training_dir(production.data_dir))
    yield ws
    ws.close()


def finish(ws: Workspace, *, training: bool = False) -> str:
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(checklist_id=ASSESSMENT, department="W-REG",
                                              inspector_name="演示督查员", training=training))
    recorder.record(inspection.id, NewDeduction("A3", ["1001"]))
    recorder.finish(inspection.id)
    return inspection.id


def test_training_workspace_lives_apart_with_the_production_roster(production: Workspace,
                                                                   training: Workspace) -> None:
    assert training.data_dir == production.data_dir / "training" == training_dir(production.data_dir)
    assert training.settings.training and not production.settings.training
    assert training.settings.inspector.name == "演示督查员" and training.settings.hospital == "示例医院"
    assert production_dir(training) == production.data_dir == production_dir(production)
    assert current_roster(training).staff == current_roster(production).staff
    assert load_settings(training.data_dir).training  # on disk: `--training` and the window agree
    assert prepare_training_dir(production.data_dir) == training.data_dir  # again: harmless


def test_every_inspection_in_the_training_store_is_a_training_one(production: Workspace,
                                                                  training: Workspace) -> None:
    before = _count(production)
    inspection_id = finish(training, training=False)  # whatever the caller says
    with training.db.read() as session:
        assert session.get(Inspection, inspection_id).training is True  # type: ignore[union-attr]
        assert verify(session).ok  # the audit trail saw the row as stored
    assert _count(production) == before  # nothing in production
    with production.db.read() as session:
        assert session.get(Inspection, inspection_id) is None
    assert finish(production) and _count(production) == before + 1  # production is unaffected by the hook
    with production.db.read() as session:
        assert not any(session.scalars(select(Inspection.training)))


def _count(ws: Workspace) -> int:
    with ws.db.read() as session:
        return len(session.scalars(select(Inspection.id)).all())


def test_push_from_the_training_workspace_is_refused(training: Workspace, tmp_path: Path) -> None:
    finish(training)
    share = tmp_path / "share"
    share.mkdir()
    with pytest.raises(AppError, match="培训模式"):
        push(training, share, DEMO_PASSPHRASE)
    assert list(share.iterdir()) == []  # not even the share's folders
    assert not (training.data_dir / "outbox").exists()


def test_the_merge_refuses_a_bundle_carrying_a_training_inspection(production: Workspace, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    report = push(production, share, DEMO_PASSPHRASE)
    assert report.bundle is not None

    def as_training(data: dict) -> None:
        data["inspections"][0]["inspection"]["training"] = True

    crafted = resigned(production, report.bundle, tmp_path, as_training)  # validly signed by the inspector
    assert json.loads(members(crafted)[DATA])["inspections"][0]["inspection"]["training"] is True
    central = open_central(default_url(tmp_path / "office"))
    try:
        result = merge_files(central, [crafted], trusted_office_certs(production), tmp_path / "files")
        assert [o.status for o in result.outcomes] == ["refused"]
        assert result.outcomes[0].reason_code == "bad_data"
        with central.read() as session:
            assert session.scalars(select(central_models.Inspection.id)).all() == []
        good = merge_files(central, [report.bundle], trusted_office_certs(production), tmp_path / "files")
        assert [o.status for o in good.outcomes] == ["merged"]  # the genuine bundle still merges
    finally:
        central.close()


def test_drills_are_stored_in_the_training_workspace_only(production: Workspace, training: Workspace,
                                                          tmp_path: Path) -> None:
    attempt = Attempt(trainee="新督查员", pack="drill-001-assessment", scenario="a2-late",
                      deductions=[{"item": "A2", "charged_to": "T201"}])
    with pytest.raises(AppError):
        save_attempt(production, attempt)
    path = save_attempt(training, attempt)
    assert path.parent == training.data_dir / "drills" and load_attempts(path)[0].deductions == attempt.deductions
    save_attempt(training, attempt.model_copy(update={"trainee": "另一位"}))
    assert [a.trainee for a in stored_attempts(training)] == ["新督查员", "另一位"]
    assert [a.trainee for a in stored_attempts(training, "另一位")] == ["另一位"]
    out = tmp_path / "export.json"
    assert export_attempts(stored_attempts(training), out) == 2
    assert [a.trainee for a in load_attempts(out)] == ["新督查员", "另一位"]
    with pytest.raises(AppError):
        export_attempts([], tmp_path / "none.json")
