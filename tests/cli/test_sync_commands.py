"""`inspector-app sync --share PATH` pushes a signed batch; the status counts what is still waiting."""

from __future__ import annotations

import re

import pytest

from inspector_app.cli.main import main
from inspector_app.core.i18n import set_language
from inspector_app.core.identity import DEMO_PASSPHRASE, PASSPHRASE_ENV
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.sync.status import sync_status
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import REPO

BUNDLED = int(re.search(r"^version: (\d+)$", (REPO / "forms" / "001-assessment.yaml").read_text(encoding="utf-8"),
                          re.MULTILINE).group(1))  # the bundled assessment checklist's version


@pytest.fixture(autouse=True)
def english():
    yield
    set_language("zh")


def test_sync_sends_once_and_the_status_follows(tmp_path, monkeypatch, capsys):
    data, share = tmp_path / "data", tmp_path / "share"
    share.mkdir()
    assert main(["--data-dir", str(data), "--lang", "en", "demo-data", "--inspections", "5"]) == 0
    ws = Workspace.open(data)
    try:
        assert sync_status(ws).waiting == 5 and sync_status(ws).last_sent is None
    finally:
        ws.close()
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "--lang", "en", "sync", "--share", str(share)]) == 0
    assert "5 inspection(s)" in capsys.readouterr().out
    assert len(list((share / "incoming").glob("batch-*.zip"))) == 1
    assert main(["--data-dir", str(data), "--lang", "en", "sync", "--share", str(share)]) == 0
    assert "Nothing to upload" in capsys.readouterr().out
    ws = Workspace.open(data)
    try:
        status = sync_status(ws)
        assert status.waiting == 0 and status.last_sent is not None
        assert ws.settings.share_folder == str(share)
        recorder = Recorder(ws)
        recorder.finish(recorder.start(NewInspection("svc-001-assessment", "W-REG", "王")).id)
        assert sync_status(ws).waiting == 1
    finally:
        ws.close()


def test_unreachable_share_is_a_plain_error(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "--lang", "en", "demo-data", "--inspections", "1"]) == 0
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    code = main(["--data-dir", str(data), "--lang", "en", "sync", "--share", str(tmp_path / "no-such-usb")])
    assert code == 1 and "Traceback" not in capsys.readouterr().err


def test_office_publish_then_sync_pulls(tmp_path, monkeypatch, capsys):
    import json
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import select

    from inspector_app.core.store.models import Rectification
    from inspector_app.core.sync.published_format import STATUS_FORMAT
    from tests.helpers.fixtures import ASSESSMENT, REPO

    data, share = tmp_path / "data", tmp_path / "share"
    share.mkdir()
    office = data / "office"
    assert main(["--data-dir", str(data), "--lang", "en", "demo-data", "--inspections", "12"]) == 0
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert main(["--data-dir", str(data), "--lang", "en", "sync", "--share", str(share)]) == 0
    central = f"sqlite:///{tmp_path / 'central' / 'central.db'}"
    assert main(["--lang", "en", "merge", "--central", central, "--share", str(share),
                 "--office-dir", str(office)]) == 0
    ws = Workspace.open(data, exclusive=False)
    try:
        with ws.db.read() as session:
            rect_id = session.scalars(select(Rectification.id).where(Rectification.status != "void")).first()
    finally:
        ws.close()
    later = (datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat()
    status = tmp_path / "status.json"
    status.write_text(json.dumps({"format": STATUS_FORMAT, "version": 1, "items": [
        {"id": rect_id, "status": "verified", "verified_by": "复查组", "verified_at": later, "updated_at": later}]}),
        encoding="utf-8")
    form = tmp_path / "assessment-v2.yaml"
    form.write_text((REPO / "forms" / "001-assessment.yaml").read_text(encoding="utf-8")
                    .replace(f"version: {BUNDLED}\n", f"version: {BUNDLED + 1}\n", 1), encoding="utf-8")
    passphrase_file = tmp_path / "office.pass"
    passphrase_file.write_text(DEMO_PASSPHRASE + "\n", encoding="utf-8")
    monkeypatch.delenv(PASSPHRASE_ENV)
    capsys.readouterr()
    assert main(["--lang", "en", "office", "publish", "--office", str(office), "--share", str(share),
                 "--checklists", str(form), "--rectifications", str(status), "--rectifications-from", central,
                 "--passphrase-file", str(passphrase_file)]) == 0
    assert "Published version 1" in capsys.readouterr().out
    index = json.loads((share / "published" / "index.json").read_text(encoding="utf-8"))
    assert {i["kind"] for i in index["items"]} == {"checklist", "certificate", "rectifications"}
    # no passphrase anywhere: the sync still pulls and says what waits
    assert main(["--data-dir", str(data), "--lang", "en", "sync", "--share", str(share)]) == 0
    out = capsys.readouterr().out
    assert f"version {BUNDLED + 1} received" in out and "Rectification status received: 1 item(s) updated." in out
    ws = Workspace.open(data, exclusive=False)
    try:
        assert ws.library.get(ASSESSMENT).version == BUNDLED + 1
        with ws.db.read() as session:
            assert session.get(Rectification, rect_id).status == "verified"
    finally:
        ws.close()
    assert main(["--data-dir", str(data), "--lang", "en", "sync", "--share", str(share)]) == 0
    assert "up to date (version 1)" in capsys.readouterr().out


def test_office_publish_refuses_a_bad_roster(tmp_path, capsys):
    data, share = tmp_path / "data", tmp_path / "share"
    share.mkdir()
    assert main(["--data-dir", str(data), "--lang", "en", "demo-data", "--inspections", "1"]) == 0
    roster = tmp_path / "roster.yaml"
    roster.write_text("hospital: x\ndepartments: []\nstaff: [1, 2\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["--data-dir", str(data), "--lang", "en", "office", "publish", "--share", str(share),
                 "--roster", str(roster)])
    err = capsys.readouterr().err
    assert code == 1 and str(roster) in err and not (share / "published" / "index.json").exists()
