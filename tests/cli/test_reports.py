"""`report` and `verify` on demo data: signed sheets verify, tampering of any kind fails, nothing hangs."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector_app.cli.main import main
from inspector_app.core.i18n import set_language
from inspector_app.core.identity import DEMO_PASSPHRASE, PASSPHRASE_ENV
from tests.helpers.fixtures import cli_runner
from tests.helpers.pdf_tamper import add_annotation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("reports") / "data"
    assert main(["--data-dir", str(data), "--lang", "en", "demo-data", "--inspections", "25", "--seed", "6",
                 "--days", "20"]) == 0
    yield data
    set_language("zh")


@pytest.fixture
def run(demo, capsys, monkeypatch):
    """The CLI over the demo folder, with the demo passphrase in the environment."""
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    return cli_runner(demo, capsys)


def _inspection_with_deductions(run) -> str:
    code, out, _ = run("inspections", "list", "--format", "json")
    return next(r["id"] for r in json.loads(out) if r["deductions"] > 0 and r["status"] == "finished")


@pytest.fixture(scope="module")
def issued_sheet(demo, tmp_path_factory) -> Path:
    """One signed sheet of the demo folder, issued once for the module (rendering and signing take a second)."""
    path = tmp_path_factory.mktemp("issued") / "sheet.pdf"
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(io.StringIO()) as listed:
        patch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
        assert main(["--data-dir", str(demo), "--lang", "en", "inspections", "list", "--format", "json"]) == 0
        inspection = next(r["id"] for r in json.loads(listed.getvalue())
                          if r["deductions"] > 0 and r["status"] == "finished")
        assert main(["--data-dir", str(demo), "--lang", "en", "report", "sheet", inspection, "-o", str(path)]) == 0
    return path


@pytest.fixture
def sheet(issued_sheet, tmp_path) -> Path:
    """The issued sheet, copied: a test may change its copy."""
    return Path(shutil.copy2(issued_sheet, tmp_path / "sheet.pdf"))


def test_signed_sheet_verifies_and_says_who_when_and_which(run, sheet):
    code, out, _ = run("verify", str(sheet))
    assert code == 0, out
    assert "演示督查员 (D001)" in out and "Document number: D001-" in out and "VALID" in out


@pytest.mark.undated
@pytest.mark.parametrize("change", ["flip", "append", "truncate"])
def test_any_change_fails_with_a_reason(run, sheet, tmp_path, change):
    data = bytearray(sheet.read_bytes())
    if change == "flip":
        data[len(data) // 3] ^= 0x01
    elif change == "append":
        data += b"\n% added later\n"
    else:
        data = data[:-200]
    tampered = tmp_path / f"{change}.pdf"
    tampered.write_bytes(bytes(data))
    code, out, _ = run("verify", str(tampered))
    assert code == 1 and "NOT VALID" in out and "Problem:" in out
    if change == "append":
        assert "added to the file after it was signed" in out


@pytest.mark.undated
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_pdfsig_agrees_on_the_issued_sheet(sheet):
    out = subprocess.run(["pdfsig", str(sheet)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out and "演示督查员" in out


def test_sheet_of_a_draft_is_refused(run, tmp_path, demo):
    from inspector_app.core.recording import NewInspection, Recorder
    from inspector_app.core.workspace import Workspace

    ws = Workspace.open(demo)
    try:
        draft = Recorder(ws).start(NewInspection("svc-001-assessment", "W-REG", "测试")).id
    finally:
        ws.close()
    code, _, err = run("report", "sheet", draft, "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "Finish the inspection" in err


def test_wrong_passphrase_is_a_plain_error(run, tmp_path, monkeypatch):
    secret = tmp_path / "wrong.txt"
    secret.write_text("not-the-passphrase\n", encoding="utf-8")
    monkeypatch.delenv(PASSPHRASE_ENV)
    code, _, err = run("report", "sheet", _inspection_with_deductions(run), "-o", str(tmp_path / "x.pdf"),
                       "--passphrase-file", str(secret))
    assert code == 1 and "Traceback" not in err and "passphrase" in err.lower()


@pytest.mark.undated
def test_no_terminal_and_no_passphrase_fails_fast(demo, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV} | {"INSPECTOR_APP_LANG": "en"}
    result = subprocess.run([sys.executable, "-m", "inspector_app", "--data-dir", str(demo), "report", "sheet",
                             "any-id", "-o", str(tmp_path / "x.pdf")], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert result.returncode == 1 and "passphrase is needed" in result.stderr


def test_notice_and_bulletin_in_both_formats(run, tmp_path):
    inspection = _inspection_with_deductions(run)
    code, out, _ = run("report", "notice", inspection, "-o", str(tmp_path / "notice.pdf"))
    assert code == 0 and out.count("Rectification notice") >= 1
    assert all(Path(line.split(": ", 1)[1]).read_bytes().startswith(b"%PDF") for line in out.splitlines())
    month = date.today().strftime("%Y-%m")
    code, _, _ = run("report", "bulletin", "--month", month, "-o", str(tmp_path / "b.pdf"))
    assert code == 0 and (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    code, _, _ = run("report", "bulletin", "--month", month, "-o", str(tmp_path / "b.xlsx"), lang="zh")
    assert code == 0 and load_workbook(tmp_path / "b.xlsx").sheetnames[:3] == ["扣分排名", "得分排名", "未督查"]
    code, _, _ = run("report", "bulletin", "--month", month, "-o", str(tmp_path / "en.xlsx"))  # --lang en
    english = load_workbook(tmp_path / "en.xlsx")
    assert code == 0 and english.sheetnames[:3] == ["Points ranking", "Score ranking", "Not inspected"]
    assert english["Not inspected"]["A1"].value.endswith("Not inspected")
    code, _, err = run("report", "bulletin", "--month", month, "-o", str(tmp_path / "b.doc"))
    assert code == 1 and ".xlsx" in err


@pytest.mark.undated
def test_a_sheet_from_another_office_is_not_trusted(run, sheet, tmp_path, capsys):
    """A fresh data folder trusts no office: the same file fails there and says why, in one reason; what the
    signature library logs about the certificate path goes to the folder's log, not onto the console."""
    other = tmp_path / "other"
    capsys.readouterr()
    code = main(["--data-dir", str(other), "--lang", "en", "verify", str(sheet)])
    out = capsys.readouterr().out
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("Problem")] == [
        "Problem: the signer's certificate does not chain to a trusted office certificate"]
    assert "PathBuildingError" in (other / "logs" / "inspector-app.log").read_text(encoding="utf-8")


def test_demo_inspections_are_signed_like_real_ones(tmp_path, capsys):
    data = tmp_path / "signed-demo"
    assert main(["--data-dir", str(data), "--lang", "en", "demo-data", "--inspections", "4", "--sign-sheets"]) == 0
    sheets = sorted((data / "documents").rglob("*.pdf"))
    assert len(sheets) == 4
    capsys.readouterr()
    for sheet in sheets:
        assert main(["--data-dir", str(data), "--lang", "en", "verify", str(sheet)]) == 0
        assert "演示督查员" in capsys.readouterr().out


def test_countersign_seal_and_verify_list_every_signature(run, sheet, tmp_path):
    """The demo folder holds the demo office too: countersigned (here by the same enrolled key), sealed by the
    office (its timestamp and CRL), verify lists all three and the level; an annotation added afterwards is
    refused with that reason, not as an unreadable signature."""
    countersigned, sealed = tmp_path / "countersigned.pdf", tmp_path / "sealed.pdf"
    code, out, err = run("report", "countersign", str(sheet), "-o", str(countersigned))
    assert code == 0 and "Countersigned" in out, err
    code, out, err = run("office", "seal", str(countersigned), "-o", str(sealed))
    assert code == 0 and "Sealed" in out, err
    code, out, _ = run("verify", str(sealed))
    assert code == 0, out
    assert "Signature 1: certification signature by 演示督查员 (D001)" in out
    assert "Signature 2: countersignature by 演示督查员 (D001)" in out
    assert "Signature 3: document timestamp by" in out and "revision 4 of 4" in out
    assert "Level: PAdES B-LTA" in out and "Content SHA-256 (printed on the sheet): " in out
    annotated = tmp_path / "annotated.pdf"
    annotated.write_bytes(add_annotation(sealed.read_bytes()))
    code, out, _ = run("verify", str(annotated))
    assert code == 1 and "an annotation (comment or drawing) was added to page 1" in out
    assert "cannot be read" not in out


def test_a_sheet_that_does_not_verify_is_neither_countersigned_nor_sealed(run, sheet, tmp_path):
    broken = tmp_path / "broken.pdf"
    data = bytearray(sheet.read_bytes())
    data[len(data) // 3] ^= 0x01
    broken.write_bytes(bytes(data))
    code, _, err = run("report", "countersign", str(broken), "-o", str(tmp_path / "c.pdf"))
    assert code == 1 and "does not verify" in err and not (tmp_path / "c.pdf").exists()
    code, _, err = run("office", "seal", str(broken), "-o", str(tmp_path / "s.pdf"))
    assert code == 1 and "does not verify" in err and not (tmp_path / "s.pdf").exists()


def test_office_revoke_refuses_what_was_signed_after_and_keeps_what_was_signed_before(demo, sheet, tmp_path,
                                                                                    capsys, monkeypatch):
    """`office revoke D001 --reason left` on a copy of the demo folder (its office folder and CRL included):
    the sheet signed before still verifies, a sheet signed after it is refused with the reason."""
    import time

    from tests.helpers.fixtures import cli_runner

    data = tmp_path / "data"
    shutil.copytree(demo, data)
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    run = cli_runner(data, capsys)
    code, _, err = run("office", "revoke", "D001", "--reason", "left", "--at", "2999-01-01T00:00")
    assert code == 1 and "in the future" in err
    time.sleep(1.05)  # the CRL's dates have whole seconds: the sheet above is clearly before
    code, out, err = run("office", "revoke", "D001", "--reason", "left", "--note", "调离")
    assert code == 0 and "Revoked certificate" in out and "演示督查员 (D001)" in out, err
    code, out, _ = run("verify", str(sheet))
    assert code == 0, out
    time.sleep(1.05)
    later = tmp_path / "later.pdf"
    code, _, err = run("report", "sheet", _inspection_with_deductions(run), "-o", str(later))
    assert code == 0, err
    code, out, _ = run("verify", str(later))
    assert code == 1 and "演示督查员 (D001) was revoked by the office" in out and "left the post" in out, out
    code, _, err = run("office", "revoke", "D001", "--reason", "left")
    assert code == 1 and "already revoked" in err
