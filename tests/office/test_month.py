"""Closing the month (issue #14), two laptops of one hospital, on SQLite and PostgreSQL.

Laptop A's batch is merged and May is closed; then laptop B's batch, with entries of May, arrives. May's pay
list stays the same figure for figure (and byte for byte in its workbook's cells); B's May entries become
corrections that June carries and adds to June's pay deductions; the office-signed PDF verifies.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.documents.signing import verify_pdf
from inspector_app.core.errors import StateError
from inspector_app.core.i18n import set_language
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import (
    load_office_certificate,
    load_office_identity,
)
from inspector_app.core.merge import merge_files
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.scoring import clamp_percent
from inspector_app.core.summary import monthly_summary
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.month import close_month, month_state, month_summary
from inspector_app.office.pay_list import pay_list, write_pay_list_xlsx
from inspector_app.office.pay_list_pdf import issue_pay_list_pdf
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital

MAY, JUNE = "2025-05", "2025-06"
END = datetime(2025, 6, 27, 17, 0, tzinfo=timezone(timedelta(hours=8)))


class Hospital:
    def __init__(self, office: Path, a: Path, b: Path, laptop_b: Path):
        self.office, self.a, self.b, self.laptop_b = office, a, b, laptop_b
        self.trusted = [load_office_certificate(office)]


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Hospital:
    root = tmp_path_factory.mktemp("month")
    office, laptops = found_hospital(root, demo_template, ["M001", "M002"])
    share = root / "share"
    share.mkdir()
    sent = []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 18 if n == 0 else 10, seed=70 + n, days=50, end=END)
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            sent.append(report.bundle)
    return Hospital(office, sent[0], sent[1], laptops[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path, hospital: Hospital) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, [hospital.a], hospital.trusted) as found:
        yield found


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are matched in English (the default language is Chinese; reset_language restores it)."""
    set_language("en")
    yield


def _cells(path: Path) -> list[list[tuple]]:
    return [list(sheet.iter_rows(values_only=True)) for sheet in load_workbook(path).worksheets]


def _closes(db: CentralDB) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(m.MonthClose)) or 0


def test_closing_refuses_what_is_premature(central: tuple[CentralDB, str], hospital: Hospital,
                                           tmp_path: Path) -> None:
    db, _ = central
    with pytest.raises(StateError, match="not ended"):
        close_month(db, JUNE, closed_by="王主任", today=date(2025, 6, 30))
    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    shutil.copy(hospital.b, share / "incoming" / hospital.b.name)
    state = month_state(db, MAY, share)
    assert state.waiting == 1 and not state.closed and state.blockers()
    with pytest.raises(StateError, match="waiting"):
        close_month(db, MAY, closed_by="王主任", today=date(2025, 7, 3), share=share)
    with pytest.raises(StateError):
        close_month(db, MAY, closed_by="  ", today=date(2025, 7, 3))
    assert _closes(db) == 0  # nothing written by a refusal
    closed = close_month(db, MAY, closed_by="王主任", today=date(2025, 7, 3), share=share, force=True)
    assert closed.closed and closed.closed_by == "王主任"
    with pytest.raises(StateError, match="closed on"):
        close_month(db, MAY, closed_by="王主任", today=date(2025, 7, 3))
    assert _closes(db) == 1


def test_a_late_batch_leaves_the_closed_month_alone_and_june_carries_it(
        central: tuple[CentralDB, str], hospital: Hospital, tmp_path: Path) -> None:
    db, _ = central
    before = central_summary(db, MAY)
    state = close_month(db, MAY, closed_by="王主任", today=date(2025, 7, 3))
    closed_pay = pay_list(db, MAY)
    assert closed_pay.figures_sha256() == state.figures_sha256 and len(closed_pay.lines) == state.entries
    write_pay_list_xlsx(closed_pay, tmp_path / "may-before.xlsx")

    assert merge_files(db, [hospital.b], hospital.trusted, tmp_path / "files").clean  # B's batch arrives late
    with Workspace.open(hospital.laptop_b) as ws:  # what laptop B itself says of its May
        b_may = monthly_summary(ws, MAY)
    assert b_may.occurrences > 0, "the fixture must give laptop B entries in May"

    after = month_state(db, MAY)
    assert after.late_entries > 0 and after.figures_sha256 == state.figures_sha256
    again = pay_list(db, MAY)
    assert again.figures_sha256() == state.figures_sha256  # the closed month's figures never change
    write_pay_list_xlsx(again, tmp_path / "may-after.xlsx")
    assert _cells(tmp_path / "may-after.xlsx") == _cells(tmp_path / "may-before.xlsx")
    frozen = month_summary(db, MAY)
    assert frozen.to_dict() | {"generated_at": ""} == before.to_dict() | {"generated_at": ""}
    live = central_summary(db, MAY)  # the central data itself holds both laptops' May
    assert live.occurrences == before.occurrences + b_may.occurrences

    june = pay_list(db, JUNE)
    assert len(june.adjustments) == after.late_entries and {a.month for a in june.adjustments} == {MAY}
    carried: dict[str, float] = defaultdict(float)
    for line in june.adjustments:
        if line.staff_no:
            carried[line.staff_no] += line.points
    assert {k: round(v, 4) for k, v in carried.items() if v} == {p.staff_no: p.points for p in b_may.persons}

    june_state = close_month(db, JUNE, closed_by="王主任", today=date(2025, 7, 3))
    assert june_state.carried == after.late_entries
    june = pay_list(db, JUNE)
    assert june.figures_sha256() == june_state.figures_sha256 and len(june.adjustments) == after.late_entries
    own = {p.staff_no: p.pay_percent for p in june.summary.persons}
    for person in june.people():
        assert person.total_pay == clamp_percent(round(own.get(person.staff_no, 0.0) + person.carried_pay, 4))
    assert pay_list(db, "2025-07").adjustments == []  # carried once, by June


def test_the_office_signs_a_closed_months_pay_list(central: tuple[CentralDB, str], hospital: Hospital,
                                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, url = central
    run = cli_runner(tmp_path / "data", capsys)
    secret = tmp_path / "pass.txt"
    secret.write_text(DEMO_PASSPHRASE + "\n", encoding="utf-8")
    target = tmp_path / "绩效扣减明细.pdf"
    args = ("office", "pay-list", "--central", url, "--month", MAY, "-o", str(target), "--office-dir",
            str(hospital.office), "--passphrase-file", str(secret))
    code, _, err = run(*args)
    assert code != 0 and "not closed" in err and not target.exists()
    code, out, err = run("office", "month", "--central", url, "--month", MAY, "--close", "--by", "王主任")
    assert code == 0, err
    assert "Closed on" in out
    code, out, err = run(*args)
    assert code == 0, err
    report = verify_pdf(target.read_bytes(), hospital.trusted)
    assert report.ok, report.problems
    assert report.document_number == f"JX-{MAY}"
    identity = load_office_identity(hospital.office, DEMO_PASSPHRASE)  # the same signer, made once
    assert identity.certificate == load_office_identity(hospital.office, DEMO_PASSPHRASE).certificate
    pay = pay_list(db, MAY, lang="en")
    again = issue_pay_list_pdf(pay, tmp_path / "again.pdf", identity, hospital="H", office="O", lang="en")
    assert verify_pdf(again.read_bytes(), hospital.trusted).ok
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(again), "-"], capture_output=True, text=True,
                          check=True).stdout
    for person in pay.people()[:5]:
        assert person.staff_no in text
    headings = [line.strip() for line in text.splitlines() if line.strip()[:2] in ("1.", "2.", "3.", "4.")]
    assert [h[:2] for h in headings] == ["1.", "2.", "3.", "4."]  # numbered on, corrections or none
    assert (pay.adjustments == []) == ("No corrections of closed months this month." in text)
    code, out, _ = run("office", "month", "--central", url, "--month", MAY, "--format", "json")
    assert code == 0 and '"closed_by": "王主任"' in out
