"""Revocations in the central database (issue 16, c0009), on SQLite and PostgreSQL: `office revoke --central`
records who was revoked, from when, why, by whom and when, beside revocations.json and the CRL; a revocation
made without the database reaches it at the next `merge --office-dir`; rows are only added, never changed; and a
central database that cannot be opened stops `office revoke` before anything is revoked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509

from inspector_app.cli.main import main
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    PASSPHRASE_ENV,
    default_office_dir,
)
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.identity.revocation import REVOCATIONS_FILE
from inspector_app.core.identity.storage import CRL_FILE, fingerprint_hex
from inspector_app.core.merge import open_central
from inspector_app.core.merge.database import CENTRAL_DIR, default_url
from inspector_app.office.revocations import central_revocations, record_revocations
from tests.helpers.central import backend_url
from tests.helpers.hospital import demo_laptop


@pytest.fixture(params=["sqlite", "postgresql"])
def central_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = backend_url(request, tmp_path)
    open_central(url).close()  # made at head (c0009)
    return url


def _revoked_serials(office: Path) -> list[str]:
    return [entry["serial"] for entry in json.loads((office / REVOCATIONS_FILE).read_text())["revocations"]]


def test_office_revoke_records_in_the_central_database(central_url: str, tmp_path: Path, capsys,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = demo_laptop(tmp_path / "a", None, "演示督查员", "D001")
    office = default_office_dir(first.data_dir)
    second = demo_laptop(tmp_path / "b", office, "第二督查员", "D002")
    first.close()
    second.close()
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    data = tmp_path / "office-data"  # a data folder with no central database of its own

    def run(*args: str) -> tuple[int, str]:
        code = main(["--data-dir", str(data), "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out + err

    code, out = run("office", "revoke", "D002", "--reason", "left", "--note", "moved to another hospital",
                    "--dir", str(office), "--central", central_url)
    assert code == 0, out
    assert "Recorded in the central database: 1 new, 1 revocation(s) of this office in all." in out
    central = open_central(central_url)
    try:
        [row] = central_revocations(central)
        [entry] = json.loads((office / REVOCATIONS_FILE).read_text())["revocations"]  # revocations.json as before
        assert (row.serial, row.staff_no, row.name, row.reason, row.note) == (
            entry["serial"], "D002", "第二督查员", "left", "moved to another hospital")
        assert row.recorded_by == entry["recorded_by"] and row.recorded_by
        assert row.revoked_at.isoformat()[:19] == entry["revoked_at"][:19]  # UTC, to the second
        assert row.recorded_at.isoformat()[:19] == entry["recorded_at"][:19]
        assert row.issuer_fingerprint == fingerprint_hex(load_office_certificate(office))
        crl = x509.load_pem_x509_crl((office / CRL_FILE).read_bytes())  # the CRL as before
        assert crl.get_revoked_certificate_by_serial_number(int(row.serial, 16)) is not None

        # without the database: revocations.json and the CRL only, and a sentence saying where it will go
        code, out = run("office", "revoke", "D001", "--reason", "superseded", "--dir", str(office))
        assert code == 0 and "No central database (--central URL)" in out, out
        assert len(central_revocations(central)) == 1 and len(_revoked_serials(office)) == 2
        # the next merge with the office folder records it (an empty share: nothing else to merge)
        share = tmp_path / "share"
        (share / "incoming").mkdir(parents=True)
        code, out = run("merge", "--central", central_url, "--share", str(share), "--office-dir", str(office),
                        "--files", str(tmp_path / "files"))
        assert code == 0 and "1 revocation(s) from the office folder recorded in the central database." in out, out
        rows = central_revocations(central)
        assert sorted(r.serial for r in rows) == sorted(_revoked_serials(office))
        assert [r.staff_no for r in central_revocations(central, "D001")] == ["D001"]

        # append-only: nothing is added twice or rewritten
        before = [(r.id, r.serial, r.entered_at) for r in rows]
        again = record_revocations(central, office)
        assert again.added == [] and again.total == 2
        assert [(r.id, r.serial, r.entered_at) for r in central_revocations(central)] == before
    finally:
        central.close()


def test_a_central_database_that_cannot_be_opened_revokes_nothing(tmp_path: Path, capsys,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ws = demo_laptop(tmp_path / "a", None, "演示督查员", "D001")
    office = default_office_dir(ws.data_dir)
    ws.close()
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    code = main(["--data-dir", str(tmp_path / "a" / "data"), "--lang", "en", "office", "revoke", "D001", "--reason",
                 "left", "--dir", str(office), "--central", "sqlite:///relative/central.db"])
    out, err = capsys.readouterr()
    assert code != 0 and not (office / REVOCATIONS_FILE).exists(), out + err


def test_the_data_folders_own_central_database_is_used_by_default(tmp_path: Path, capsys,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The office GUI's default central database (central/ in the data folder) gets the revocation without
    --central, as the merge dialog's merges go there."""
    ws = demo_laptop(tmp_path / "a", None, "演示督查员", "D001")
    data = ws.data_dir
    ws.close()
    url = default_url(data / CENTRAL_DIR)
    open_central(url).close()
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)
    code = main(["--data-dir", str(data), "--lang", "en", "office", "revoke", "D001", "--reason", "left"])
    out, _ = capsys.readouterr()
    assert code == 0 and "Recorded in the central database: 1 new" in out, out
    central = open_central(url)
    try:
        assert [r.staff_no for r in central_revocations(central)] == ["D001"]
    finally:
        central.close()
