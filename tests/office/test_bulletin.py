"""The 月度通报 from the central database (issue #14 part 2), SQLite and PostgreSQL, two laptops merged.

Its rankings are the central summary's (read back from the XLSX with openpyxl and from the PDF with
pdftotext); a department both inspectors visited is one row; repeat problems equal the two laptops' own
entries added up; overdue items are the ledger's; a closed month's late entries are carried as corrections.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.documents.bulletin import render_content, write_content_xlsx
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import merge_files
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.store import models as local
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.bulletin import central_content
from inspector_app.office.ledger import decide, ledger
from inspector_app.office.month import close_month
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital

CST = timezone(timedelta(hours=8))
END = datetime(2025, 6, 20, 17, 0, tzinfo=CST)
TODAY = date(2025, 6, 20)
MONTHS = ("2025-05", "2025-06")
HOSPITAL, OFFICE = "示例市人民医院", "综合办公室"


@dataclass(frozen=True)
class Hospital:
    office: Path
    bundles: list[Path]  # one per laptop, merged by every test
    late: Path  # more of L001's May, sent after the first bundles
    repeats: dict[str, dict[tuple[str, str, str], tuple[int, int]]]  # month -> (code, checklist, item) -> found


def _entries(ws: Workspace, found: dict[str, dict[tuple[str, str, str], list]]) -> None:
    """The laptop's own live entries of finished inspections, by month, department code, checklist and item."""
    with ws.db.read() as session:
        rows = session.execute(
            select(local.Deduction.local_month, local.Department.code, local.Inspection.checklist_id,
                   local.Deduction.item_code, local.Deduction.count, local.Deduction.inspection_id)
            .join(local.Inspection, local.Inspection.id == local.Deduction.inspection_id)
            .join(local.Department, local.Department.id == local.Deduction.department_id)
            .where(local.Deduction.voided_at.is_(None), local.Inspection.status == "finished")).all()
    for month, code, checklist, item, count, inspection in rows:
        found.setdefault(month, {}).setdefault((code, checklist, item), []).append((count, inspection))


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Hospital:
    root = tmp_path_factory.mktemp("bulletin")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    bundles: list[Path] = []
    entries: dict[str, dict[tuple[str, str, str], list]] = {}
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 30, seed=80 + n, days=40, end=END)
            bundles.append(push(ws, share, DEMO_PASSPHRASE).bundle)  # type: ignore[arg-type]
            _entries(ws, entries)
    with Workspace.open(laptops[0]) as ws:
        generate(ws, 4, seed=99, days=8, end=datetime(2025, 5, 31, 17, tzinfo=CST))
        late = push(ws, share, DEMO_PASSPHRASE).bundle
    assert late is not None
    repeats = {month: {key: (sum(c for c, _ in found), len({i for _, i in found}))
                       for key, found in by_key.items() if sum(c for c, _ in found) >= 2}
               for month, by_key in entries.items()}
    return Hospital(office, bundles, late, repeats)


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path, hospital: Hospital) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, hospital.bundles, [load_office_certificate(hospital.office)]) as found:
        yield found


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """pdftotext laid out as on paper (tables read row by row), as tests/core/test_documents.py reads it."""
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _content(db: CentralDB, month: str, today: date = TODAY):
    return central_content(db, month, hospital=HOSPITAL, office=OFFICE, today=today)


def _shared_departments(db: CentralDB, month: str) -> set[str]:
    """Departments both inspectors inspected in the month."""
    with db.read() as session:
        return set(session.scalars(select(m.Inspection.department_id).where(m.Inspection.local_month == month)
                                   .group_by(m.Inspection.department_id)
                                   .having(func.count(func.distinct(m.Inspection.inspector_no)) == 2)))


def test_the_rankings_are_the_central_summarys(central, tmp_path: Path) -> None:
    db, _ = central
    for month in MONTHS:
        content, summary = _content(db, month), central_summary(db, month)
        assert content.provisional and content.corrections == []  # open month, nothing carried
        book = load_workbook(write_content_xlsx(content, tmp_path / f"{month}.xlsx"))
        tally = [row for row in book["扣分排名"].iter_rows(min_row=3, values_only=True)]
        assert tally == [(d.rank, d.code, d.name, d.tally_inspections, d.occurrences, d.own_points, d.staff_points,
                          d.total_points, d.pay_percent) for d in summary.tally_ranking()]
        scored = [row for row in book["得分排名"].iter_rows(min_row=3, values_only=True)]
        assert scored == [(d.score_rank, d.code, d.name, d.scored_inspections, d.average_score, d.failed)
                          for d in summary.scored_ranking()]
        people = [(r[1], r[6], r[7]) for r in book["人员扣分"].iter_rows(min_row=3, values_only=True)]
        assert people == [(p.staff_no, p.points, p.pay_percent) for p in summary.persons]
        shared = _shared_departments(db, month)
        assert shared  # both inspectors visited some department this month: one row each, both visits in it
        codes = [row[1] for row in tally] + [row[1] for row in scored]
        for code in shared:
            department = next(d for d in summary.departments if d.code == code)
            assert [row[1] for row in tally].count(code) == (1 if department.rank else 0)
            assert [row[1] for row in scored].count(code) == (1 if department.score_rank else 0)
            assert code in codes and department.inspections >= 2
        assert book.sheetnames[-1] == "更正"


def test_the_pdf_prints_the_same_rankings(central, tmp_path: Path) -> None:
    db, _ = central
    month = MONTHS[1]
    content, summary = _content(db, month), central_summary(db, month)
    text = text_of(render_content(content, "TB-2025-06-01"), tmp_path)
    assert "2025年6月优质服务督查通报" in text and "TB-2025-06-01" in text and HOSPITAL in text
    assert f"共开展优质服务督查 {summary.inspections} 次" in text and "本月尚未结算" in text
    section = text[text.index("一、科室（窗口）排名"):text.index("二、员工扣分情况")]
    table = [cols for cols in (line.split() for line in section.splitlines()) if cols and cols[0].isdigit()]
    tally, scored = summary.tally_ranking(), summary.scored_ranking()
    assert tally and scored  # both kinds of checklist were used this month
    assert [(int(c[0]), c[1], int(c[2]), c[6]) for c in table[:len(tally)]] == [
        (d.rank, d.name, d.tally_inspections, f"{d.total_points:g}") for d in tally]
    assert [(int(c[0]), c[1], int(c[2]), int(c[4])) for c in table[len(tally):len(tally) + len(scored)]] == [
        (d.score_rank, d.name, d.scored_inspections, d.failed) for d in scored]
    names, ranked = {d.code: d.name for d in summary.departments}, {d.code for d in tally}
    for code in _shared_departments(db, month):  # one row, whoever inspected it
        assert [c[1] for c in table[:len(tally)]].count(names[code]) == (1 if code in ranked else 0)
    assert "五、已结算月份的更正" in text


def test_repeat_problems_are_both_laptops_entries_added_up(central, hospital: Hospital) -> None:
    db, _ = central
    for month in MONTHS:
        names = {d.code: d.name for d in central_summary(db, month).departments}
        expected = sorted((names[code], item, total, inspections)
                          for (code, _, item), (total, inspections) in hospital.repeats[month].items())
        found = _content(db, month).repeats
        assert expected or month == MONTHS[0]
        assert sorted((r.department, r.item_code, r.occurrences, r.inspections) for r in found) == expected
        assert [r.occurrences for r in found] == sorted((r.occurrences for r in found), reverse=True)
        assert all(r.item_text for r in found)


def test_overdue_items_are_the_ledgers(central) -> None:
    db, _ = central
    overdue = _content(db, MONTHS[1]).overdue
    items = ledger(db, status="overdue", today=TODAY)
    assert sorted((o.department, o.item_code, o.deadline, o.days_overdue) for o in overdue) == sorted(
        (i.department, i.item_code, i.deadline, (TODAY - i.deadline).days) for i in items)
    assert overdue and all(o.deadline < TODAY for o in overdue)
    decide(db, items[0].id, "extended", decided_by="王主任", deadline=TODAY + timedelta(days=7),
           now=datetime(2025, 6, 20, 2, tzinfo=timezone.utc))
    assert len(_content(db, MONTHS[1]).overdue) == len(overdue) - 1


def test_a_closed_months_late_entries_are_carried_as_corrections(central, hospital: Hospital, tmp_path: Path) -> None:
    db, _ = central
    before = _content(db, MONTHS[0])
    close_month(db, MONTHS[0], closed_by="王主任", today=TODAY)
    trusted = [load_office_certificate(hospital.office)]
    assert merge_files(db, [hospital.late], trusted, tmp_path / "files").clean
    closed = _content(db, MONTHS[0])
    assert not closed.provisional and closed.summary.persons == before.summary.persons  # frozen
    assert closed.repeats == before.repeats  # the late entries are not the closed month's
    with db.read() as session:
        late = session.execute(select(m.Deduction.item_code, m.Deduction.counted_points).join(
            m.Adjustment, m.Adjustment.deduction_id == m.Deduction.id).where(m.Deduction.voided_at.is_(None))).all()
    assert late  # the late bundle brought May entries after the close
    carried = _content(db, MONTHS[1]).corrections
    assert carried is not None
    assert sorted((c.item_code, c.points) for c in carried) == sorted((code, points) for code, points in late)
    assert all(c.month == MONTHS[0] and c.date.startswith(MONTHS[0]) for c in carried)
    book = load_workbook(write_content_xlsx(_content(db, MONTHS[1]), tmp_path / "june.xlsx"))
    assert book["更正"].max_row == 2 + len(carried)  # the title row, the header, the rows


def test_the_command_numbers_and_records_each_issue(central, hospital: Hospital, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db, url = central
    run = cli_runner(tmp_path / "data", capsys)
    first, second = tmp_path / "通报1.pdf", tmp_path / "通报2.pdf"
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(first),
                         "--office-dir", str(hospital.office), "--hospital", HOSPITAL, "--by", "王主任")
    assert code == 0, err
    assert "TB-2025-06-01" in out and str(first) in out and "not closed" in out
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(second),
                         "--office", OFFICE)
    assert code == 0 and "TB-2025-06-02" in out, err
    with db.read() as session:
        events = session.scalars(select(m.OfficeEvent).where(m.OfficeEvent.action == "issue_bulletin")
                                 .order_by(m.OfficeEvent.id)).all()
    assert [(e.actor, e.subject, e.detail["number"], e.detail["sha256"]) for e in events] == [
        ("王主任", "2025-06", "TB-2025-06-01", hashlib.sha256(first.read_bytes()).hexdigest()),
        (OFFICE, "2025-06", "TB-2025-06-02", hashlib.sha256(second.read_bytes()).hexdigest())]
    text = text_of(first.read_bytes(), tmp_path)
    assert "示例市人民医院 综合办公室" in text  # the office certificate's name signs it
    book = tmp_path / "通报.xlsx"
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(book), lang="zh")
    assert code == 0, err
    assert load_workbook(book).sheetnames == ["扣分排名", "得分排名", "未督查", "人员扣分", "重复问题", "逾期整改", "更正"]
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(tmp_path / "x.doc"))
    assert code == 1 and ".pdf" in err
