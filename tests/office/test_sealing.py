"""The office seals what it merges (issue 16): two laptops enrolled by one office push signed sheets; the office
merges them and seals each (its CRL and its timestamp), and pyHanko validates every sealed sheet as PAdES
B-LTA with only the office certificate trusted. A sheet signed by someone the office revoked before is reported
and left pending while its rows merge; `office seal --pending` tries again only what is pending.

One test walks the whole story (two laptops with RSA/EC keys and signed sheets take seconds to make).
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from sqlalchemy import select
from sqlalchemy.engine import make_url

from inspector_app.cli.main import main
from inspector_app.core.demo import generate
from inspector_app.core.documents.verification import verify_pdf
from inspector_app.core.i18n import set_language
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    PASSPHRASE_ENV,
    default_office_dir,
)
from inspector_app.core.identity.inspector import asn1_certificate
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import default_url, open_central
from inspector_app.core.merge import models as m
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.sealing import FAILED_ACTION, SEAL_ACTION, sealed_path
from tests.helpers.hospital import demo_laptop


def _signed_and_pushed(ws: Workspace, share: Path, seed: int) -> None:
    generate(ws, 1, seed=seed, days=5, sign_sheets=True)
    assert push(ws, share, DEMO_PASSPHRASE).bundle is not None


def _long_term_ok(data: bytes, root) -> None:
    """pyHanko as a long-term validator: the office timestamp, then each signature as of its time with the
    file's own revocation data (CRL required, nothing fetched), only the office certificate trusted."""
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    dss = DocumentSecurityStore.read_dss(reader)

    def context(moment=None) -> ValidationContext:
        kwargs = {"trust_roots": [asn1_certificate(root)], "allow_fetching": False, "revocation_mode": "require"}
        return dss.as_validation_context(kwargs | ({"moment": moment} if moment else {}))

    *signatures, timestamp = reader.embedded_signatures
    stamp = validate_pdf_timestamp(timestamp, context())
    assert stamp.intact and stamp.valid and stamp.trusted and stamp.coverage.name == "ENTIRE_FILE"
    for signature in signatures:
        status = validate_pdf_signature(signature, context(stamp.timestamp))
        assert status.bottom_line, status.pretty_print_details()
    assert verify_pdf(data, [root]).level == "PAdES B-LTA"


def _sealed_events(url: str) -> tuple[dict[str, str], dict[str, str]]:
    central = open_central(url)
    try:
        with central.read() as session:
            events = session.scalars(select(m.OfficeEvent).where(
                m.OfficeEvent.action.in_((SEAL_ACTION, FAILED_ACTION)))).all()
    finally:
        central.close()
    return ({e.subject: e.detail["number"] for e in events if e.action == SEAL_ACTION},
            {e.subject: e.detail["reason"] for e in events if e.action == FAILED_ACTION})


def test_the_office_seals_what_it_merges_and_what_is_pending(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    first = demo_laptop(tmp_path / "a", None, "演示督查员", "D001")
    office = default_office_dir(first.data_dir)
    second = demo_laptop(tmp_path / "b", office, "第二督查员", "D002")
    url = default_url(tmp_path / "central")
    files = Path(make_url(url).database).parent / "files"  # the merge's default: beside the SQLite database
    root = load_office_certificate(office)
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)

    def run(*args: str) -> tuple[int, str]:
        code = main(["--data-dir", str(tmp_path / "office-data"), "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out + err

    try:
        _signed_and_pushed(first, share, 3)
        _signed_and_pushed(second, share, 4)
        # merged without sealing, then everything pending sealed
        code, out = run("merge", "--central", url, "--share", str(share), "--office-dir", str(office))
        assert code == 0 and "2 of 2 batch(es) merged" in out, out
        code, out = run("office", "seal", "--pending", "--central", url, "--dir", str(office))
        assert code == 0 and "2 sheet(s) sealed, 0 left pending." in out, out
        sealed, _ = _sealed_events(url)
        assert len(sealed) == 2
        central = open_central(url)
        with central.read() as session:
            sheets = session.scalars(select(m.Document).where(m.Document.kind == "sheet")).all()
        central.close()
        signers = set()
        for sheet in sheets:
            data = sealed_path(files, sheet.sha256).read_bytes()
            _long_term_ok(data, root)
            signers.add(verify_pdf(data, [root]).signer_number)
        assert signers == {"D001", "D002"}
        code, out = run("office", "seal", "--pending", "--central", url, "--dir", str(office))
        assert code == 0 and "0 sheet(s) sealed, 0 left pending." in out, out  # nothing twice

        # the office revokes D002 (left); D002's laptop signs another sheet afterwards; merge --seal
        time.sleep(1.05)  # a CRL's dates have whole seconds
        code, out = run("office", "revoke", "D002", "--reason", "left", "--dir", str(office))
        assert code == 0, out
        time.sleep(1.05)
        _signed_and_pushed(first, share, 5)
        _signed_and_pushed(second, share, 6)
        code, out = run("merge", "--central", url, "--share", str(share), "--office-dir", str(office), "--seal")
        assert code == 1, out  # a sheet left pending is worth an alert ...
        assert "2 of 2 batch(es) merged" in out and "1 sheet(s) sealed, 1 left pending." in out, out
        assert "not sealed, left pending" in out and "第二督查员 (D002) was revoked by the office" in out, out
        sealed, failed = _sealed_events(url)
        assert len(sealed) == 3 and len(failed) == 1
        central = open_central(url)
        with central.read() as session:  # ... but its rows were merged all the same
            by_d002 = session.scalars(select(m.Inspection).where(m.Inspection.inspector_no == "D002")).all()
            new_sheets = session.scalars(select(m.Document).where(m.Document.kind == "sheet")).all()
        central.close()
        assert len(by_d002) == 2 and len(new_sheets) == 4
        for sheet in new_sheets:
            if sheet.id in sealed:
                _long_term_ok(sealed_path(files, sheet.sha256).read_bytes(), root)
        code, out = run("office", "seal", "--pending", "--central", url, "--dir", str(office))
        assert code == 1 and "0 sheet(s) sealed, 1 left pending." in out, out
    finally:
        first.close()
        second.close()
        set_language("zh")
