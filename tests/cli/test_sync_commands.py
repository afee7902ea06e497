"""`inspector-app sync --share PATH` pushes a signed batch; the status counts what is still waiting."""

from __future__ import annotations

import pytest

from inspector_app.cli.main import main
from inspector_app.core.i18n import set_language
from inspector_app.core.identity import DEMO_PASSPHRASE, PASSPHRASE_ENV
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.sync.status import sync_status
from inspector_app.core.workspace import Workspace


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
