"""The 月度通报 from the central database (issue #14 part 2), SQLite and PostgreSQL, two laptops merged.

Its rankings are the central summary's (read back from the XLSX with openpyxl and from the PDF with
pdftotext); a department both inspectors visited is one row; repeat problems equal the two laptops' own
entries added up; overdue items are the ledger's; a closed month's late entries are carried as corrections.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.documents.bulletin import render_content, write_content_xlsx
from inspector_app.core.documents.bulletin_data import repeat_rows
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import merge_files
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.repeats import lookback, repeats
from inspector_app.core.store import models as local
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.bulletin import central_content
from inspector_app.office.ledger import decide, ledger
from inspector_app.office.month import close_month
from inspector_app.office.month_repeats import month_repeats
from inspector_app.office.repeats import findings_in
from tests.helpers.central import merged_central
from tests.helpers.fixtures import ASSESSMENT, cli_runner, local_time
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
    entries: list[tuple]  # both laptops' live entries: (month, code, checklist, item, staff_no, count, inspection,
    # started_at)
    notice: tuple[str, datetime]  # (inspection id, when) of a rectification notice issued days after its inspection


def _entries(ws: Workspace, found: list[tuple]) -> None:
    """The laptop's own live entries of finished inspections (read with its own SQL, not the app's)."""
    with ws.db.read() as session:
        found += [tuple(row) for row in session.execute(
            select(local.Deduction.local_month, local.Department.code, local.Inspection.checklist_id,
                   local.Deduction.item_code, local.Staff.staff_no, local.Deduction.count,
                   local.Deduction.inspection_id, local.Inspection.started_at)
            .join(local.Inspection, local.Inspection.id == local.Deduction.inspection_id)
            .join(local.Department, local.Department.id == local.Deduction.department_id)
            .outerjoin(local.Staff, local.Staff.id == local.Deduction.staff_id)
            .where(local.Deduction.voided_at.is_(None), local.Inspection.status == "finished"))]


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Hospital:
    root = tmp_path_factory.mktemp("bulletin")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    bundles: list[Path] = []
    entries: list[tuple] = []
    notice: tuple[str, datetime] | None = None
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 30, seed=80 + n, days=40, end=END)
            _same_problem_again(ws, local_time(2025, 6, 2 + 14 * n, 10))  # a repeat across the two laptops
            if n == 0:  # a notice issued 12 days after an inspection in May: its deadlines count from then
                notice = _issue_late_notice(ws)
            bundles.append(push(ws, share, DEMO_PASSPHRASE).bundle)  # type: ignore[arg-type]
            _entries(ws, entries)
    with Workspace.open(laptops[0]) as ws:
        generate(ws, 4, seed=99, days=8, end=datetime(2025, 5, 31, 17, tzinfo=CST))
        late = push(ws, share, DEMO_PASSPHRASE).bundle
    assert late is not None
    assert notice is not None
    return Hospital(office, bundles, late, entries, notice)


def _same_problem_again(ws: Workspace, at: datetime) -> None:
    """One visit to 挂号收费窗口 finding 1002 without a badge (A3): made on both laptops, two weeks apart."""
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", ws.settings.inspector.name, started_at=at)).id
    recorder.record(inspection, NewDeduction("A3", ["1002"], note="未佩戴胸牌", recorded_at=at))
    recorder.finish(inspection, finished_at=at + timedelta(minutes=20))


def _issue_late_notice(ws: Workspace) -> tuple[str, datetime]:
    from inspector_app.core.documents.issue import issue_notices

    with ws.db.read() as session:
        inspection = session.scalars(
            select(local.Inspection).join(local.Deduction, local.Deduction.inspection_id == local.Inspection.id)
            .where(local.Inspection.status == "finished", local.Inspection.local_month == "2025-05",
                   local.Deduction.voided_at.is_(None)).order_by(local.Inspection.started_at)).first()
    assert inspection is not None
    when = inspection.started_at.replace(tzinfo=timezone.utc).astimezone(CST) + timedelta(days=12)
    assert issue_notices(ws, inspection.id, now=when)
    return inspection.id, when


def expected_repeats(entries: list[tuple], month: str) -> dict[tuple[str, str, str], tuple[set, int, int]]:
    """(code, checklist, item) -> (persons, occurrences, visits) of the month's visits that found the same
    item — and person — as an earlier visit to the department; a second entry of one visit is no repeat."""
    visits: dict[tuple, dict[str, list]] = defaultdict(dict)
    for row_month, code, checklist, item, staff_no, count, inspection, started in entries:
        visit = visits[(code, checklist, item, staff_no)].setdefault(inspection, [started, row_month, 0])
        visit[2] += count
    found: dict[tuple[str, str, str], tuple[set, int, set]] = {}
    for (code, checklist, item, staff_no), by_visit in visits.items():
        ordered = sorted(by_visit.items(), key=lambda kv: (kv[1][0], kv[0]))
        for inspection, (_, row_month, count) in ordered[1:]:
            if row_month == month:
                persons, total, seen = found.get((code, checklist, item), (set(), 0, set()))
                found[(code, checklist, item)] = (persons | ({staff_no} if staff_no else set()), total + count,
                                                  seen | {inspection})
    return {key: (persons, total, len(seen)) for key, (persons, total, seen) in found.items()}


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
    section = text[text.index("附表1"):text.index("附表2")]
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
    assert "附表5" in text and "已结算月份的更正" in text


def test_the_seal_closes_the_body_and_the_tables_follow_as_annexes(central, tmp_path: Path) -> None:
    """GB/T 9704's order: the body ending in 特此通报, the annexes named, the issuer and date with the body's last
    paragraph on their page; the tables from the next page on; the 版记 on the last page."""
    db, _ = central
    text = text_of(render_content(_content(db, MONTHS[1]), "TB-2025-06-01"), tmp_path)
    pages = text.split("\f")
    closing = next(n for n, page in enumerate(pages) if "特此通报" in page)
    flat = "".join(pages[closing].split())
    assert "附表：1.科室排名" in flat and "5.已结算月份的更正" in flat and "2025年6月20日" in flat
    assert "附表1" not in flat and flat.index("特此通报") > 0  # a body paragraph stands before it on its page
    assert all("附表1" not in page for page in pages[:closing + 1])
    assert "附表1" in pages[closing + 1] and "印发" in pages[-2 if not pages[-1].strip() else -1]


def test_repeats_count_across_visits_of_both_laptops_only(central, hospital: Hospital) -> None:
    """A repeat is the same item (and person) found again on a later visit, whichever laptop made either visit;
    twice inside one visit is not a repeat."""
    db, _ = central
    people = {row[4]: None for row in hospital.entries if row[4]}
    with db.read() as session:
        names_of = dict(session.execute(select(m.Deduction.staff_no, m.Deduction.staff_name)
                                        .where(m.Deduction.staff_no.is_not(None))).all())
    assert set(names_of) >= set(people)
    for month in MONTHS:
        names = {d.code: d.name for d in central_summary(db, month).departments}
        expected = sorted((names[code], item, tuple(sorted(names_of[p] for p in persons)), total, visits)
                          for (code, _, item), (persons, total, visits) in expected_repeats(hospital.entries,
                                                                                             month).items())
        found = _content(db, month).repeats
        assert expected or month == MONTHS[0]
        assert sorted((r.department, r.item_code, r.persons, r.occurrences, r.inspections) for r in found) == expected
        assert [r.occurrences for r in found] == sorted((r.occurrences for r in found), reverse=True)
        assert all(r.item_text and r.since < f"{month}-32" for r in found)
        with db.read() as session:  # the database narrows the keys down; the rule's answer is the same
            every = findings_in(session, None, lookback(month))
            narrowed = findings_in(session, None, lookback(month), repeating_in={month})
            grouped = month_repeats(session, month)  # the rule's figures, grouped by the database
            late_left_out = (month_repeats(session, month, without_late_of=month),
                             findings_in(session, None, lookback(month), without_late_of=month))
        assert repeats(narrowed, {month}) == repeats(every, {month})
        assert len(narrowed) < len(every)
        assert _rows(grouped) == _rule_rows(every, month)
        assert _rows(late_left_out[0]) == _rule_rows(late_left_out[1], month)
    # the old rule (twice in the month) would have counted entries of one visit: such a key exists and is not listed
    once = defaultdict(lambda: [0, set()])
    for row_month, code, checklist, item, staff_no, count, inspection, _ in hospital.entries:
        if row_month == MONTHS[1]:
            once[(code, checklist, item, staff_no)][0] += count
            once[(code, checklist, item, staff_no)][1].add(inspection)
    single_visit = {key for key, (total, seen) in once.items() if total >= 2 and len(seen) == 1}
    repeated = {(code, checklist, item) for code, checklist, item in expected_repeats(hospital.entries, MONTHS[1])}
    assert any(key[:3] not in repeated for key in single_visit)


def _rows(found: list) -> list[tuple]:
    return sorted((r.department, r.item_code, r.persons, r.occurrences, r.inspections, r.since) for r in found)


def _rule_rows(findings: list, month: str) -> list[tuple]:
    """core/repeats.py over every entry of the window, as the bulletin's rows (bulletin_data.repeat_rows)."""
    return _rows(repeat_rows(repeats(findings, {month}), {}, lambda checklist, code: ""))


def _one_key_at_four_visits(session) -> None:
    """Item Z99 of one person at four visits (one checklist) of one department: X in April (moved there), ending in its last
    hours (UTC); V in May, started before X (a clock in another zone); Y in June, started before a May visit;
    W in June. The rule orders them V, X, Y, W by start: June's Y and W repeat, since V's day."""
    D, I = m.Deduction, m.Inspection
    visits = session.execute(select(I.checklist_hash, I.local_month, I.id)
                             .where(I.id.in_(select(D.inspection_id))).order_by(I.id)).all()
    by: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for digest, month, visit in visits:
        by[digest][month].append(visit)
    months = next(v for v in by.values() if len(v[MONTHS[0]]) >= 2 and len(v[MONTHS[1]]) >= 2)
    x, v = months[MONTHS[0]][:2]
    y, w = months[MONTHS[1]][:2]
    person = session.scalars(select(D).where(D.inspection_id == y).order_by(D.id)).first()
    for visit, month, start in ((x, "2025-04", datetime(2025, 4, 30, 20)), (v, MONTHS[0], datetime(2025, 4, 30, 18)),
                                (y, MONTHS[1], datetime(2025, 5, 2, 1)), (w, MONTHS[1], None)):
        entry = session.scalars(select(D).where(D.inspection_id == visit).order_by(D.id)).first()
        entry.item_code, entry.staff_no, entry.staff_name, entry.local_month = ("Z99", person.staff_no or "P1",
                                                                                person.staff_name, month)
        entry.department_id = person.department_id
        if start is not None:
            session.get(I, visit).started_at = start.replace(tzinfo=timezone.utc)


def test_repeats_grouped_by_the_database_follow_the_rule_on_edge_cases(central) -> None:
    """A name recorded differently, a voided entry, visits whose start times cross months (a laptop's clock in
    another zone), a key first found two months back: the database's figures stay the rule's."""
    db, _ = central

    def shuffle(session) -> None:
        D = m.Deduction
        _one_key_at_four_visits(session)
        # the renamed and the voided entry are others than Z99's four (ids are random: one of them was, at times,
        # and Z99 then repeated once, not twice)
        june = session.scalars(select(D).where(D.local_month == MONTHS[1], D.staff_no.is_not(None),
                                               D.item_code != "Z99").order_by(D.id)).all()
        june[-1].staff_name = "Zz " + (june[-1].staff_name or "")
        june[-2].voided_at = datetime(2025, 6, 20, tzinfo=timezone.utc)

    db.transaction(shuffle)
    with db.read() as session:
        for month in MONTHS:
            every = findings_in(session, None, lookback(month))
            assert _rows(month_repeats(session, month)) == _rule_rows(every, month)
    assert any(row[1] == "Z99" and row[4] == 2 for row in _rule_rows(every, MONTHS[1]))


def test_overdue_items_are_the_ledgers(central) -> None:
    db, _ = central
    overdue = _content(db, MONTHS[1]).overdue
    items = ledger(db, status="overdue", today=TODAY)
    problems: dict[tuple[str, str], list[date]] = {}  # one row per item and department: the earliest deadline
    for i in items:
        problems.setdefault((i.department, i.item_code), []).append(i.deadline)
    assert sorted((o.department, o.item_code, o.deadline, o.days_overdue, o.count) for o in overdue) == sorted(
        (department, code, min(deadlines), (TODAY - min(deadlines)).days, len(deadlines))
        for (department, code), deadlines in problems.items())
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
    assert str(first) in out and "not closed" in out
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(second),
                         "--office", OFFICE, "--prefix", "院办督通")
    assert code == 0, err
    with db.read() as session:
        events = session.scalars(select(m.OfficeEvent).where(m.OfficeEvent.action == "issue_bulletin")
                                 .order_by(m.OfficeEvent.id)).all()
    years = [datetime.fromisoformat(e.detail["created"]).year for e in events]  # the year of issue, not the month's
    numbers = [f"督通〔{years[0]}〕1号", f"院办督通〔{years[1]}〕{2 if years[1] == years[0] else 1}号"]
    assert [(e.actor, e.subject, e.detail["number"], e.detail["sha256"]) for e in events] == [
        ("王主任", "2025-06", numbers[0], hashlib.sha256(first.read_bytes()).hexdigest()),
        (OFFICE, "2025-06", numbers[1], hashlib.sha256(second.read_bytes()).hexdigest())]
    assert numbers[1] in out  # printed as issued
    text = text_of(first.read_bytes(), tmp_path)
    assert "示例市人民医院 综合办公室" in text  # the office certificate's name signs it
    assert numbers[0] in text and "TB-" not in text and "D001" not in text
    book = tmp_path / "通报.xlsx"
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(book), lang="zh")
    assert code == 0, err
    assert load_workbook(book).sheetnames == ["扣分排名", "得分排名", "未督查", "人员扣分", "重复问题", "逾期整改", "更正"]
    code, out, err = run("office", "bulletin", "--central", url, "--month", "2025-06", "-o", str(tmp_path / "x.doc"))
    assert code == 1 and ".pdf" in err


def test_ledger_deadlines_count_from_the_notices_issue(central, hospital: Hospital) -> None:
    """Issue #14's remark: an item whose notice was issued days after the inspection is due the notice's period
    after the notice (never before it), in the ledger as on the laptop; items without a notice keep theirs."""
    db, _ = central
    inspection, issued = hospital.notice
    with db.read() as session:
        recorded = dict(session.execute(
            select(m.Rectification.id, m.Rectification.deadline).join(m.Deduction, m.Deduction.id ==
                                                                       m.Rectification.deduction_id)
            .where(m.Deduction.inspection_id == inspection)).all())
        entry_days = {rid: (at.replace(tzinfo=timezone.utc).astimezone(CST)).date() for rid, at in session.execute(
            select(m.Rectification.id, m.Deduction.recorded_at).join(m.Deduction, m.Deduction.id ==
                                                                     m.Rectification.deduction_id)
            .where(m.Deduction.inspection_id == inspection)).all()}
    items = {i.id: i for i in ledger(db, today=TODAY)}
    assert recorded
    for rid, deadline in recorded.items():
        assert items[rid].deadline == deadline + (issued.date() - entry_days[rid])
        assert items[rid].deadline > issued.date() > deadline  # it would have been overdue before the notice
    others = [i for i in items.values() if i.inspection_id != inspection]
    with db.read() as session:
        stored = dict(session.execute(select(m.Rectification.id, m.Rectification.deadline)).all())
    assert others and all(i.deadline == stored[i.id] for i in others if i.decision is None)


def test_the_narrative_is_drafted_edited_issued_and_reprinted(central, hospital: Hospital, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """office bulletin --draft writes the five sections from the month; the edited file is what prints; the issue
    record keeps it with its hash; --reprint makes the same PDF again marked 补打; a bad file names its place."""
    import json
    import re

    from inspector_app.core.documents.bulletin_narrative import (
        BulletinNarrative,
        draft_narrative,
    )

    db, url = central
    run = cli_runner(tmp_path / "data", capsys)
    draft = tmp_path / "正文.json"
    base = ("office", "bulletin", "--central", url, "--month", "2025-06", "--office", OFFICE, "--hospital", HOSPITAL)
    code, out, err = run(*base, "--draft", str(draft), lang="zh")
    assert code == 0 and str(draft) in out, err
    words = json.loads(draft.read_text(encoding="utf-8"))
    content = _content(db, "2025-06", today=date.today())
    assert words == draft_narrative(content).model_dump()
    summary = content.summary
    assert f"共开展优质服务督查 {summary.inspections} 次" in words["overview"][0]
    assert "与上月相比" in words["overview"][1]
    top = content.problems[0]
    assert f"{top.item_code} {top.item_text}：共 {top.occurrences} 次" in words["problems"][1]
    assert words["cases"] and all(c.department in "".join(words["cases"]) for c in content.cases)
    assert f"共 {sum(o.count for o in content.overdue)} 项整改已逾期" in words["requirements"][0]
    words["cases"] = ["案例一：这是督查办公室改写的典型案例。"]
    words["praise"] = []
    draft.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "通报.pdf"
    code, out, err = run(*base, "--narrative", str(draft), "-o", str(pdf), lang="zh")
    assert code == 0, err
    flat = re.sub(r"\s+", "", text_of(pdf.read_bytes(), tmp_path))
    assert "这是督查办公室改写的典型案例" in flat and "一、基本情况" in flat and "四、下一步要求" in flat
    assert "表扬" not in flat.split("附表1")[0]  # the emptied section is left out, the others renumbered
    with db.read() as session:
        event = session.scalars(select(m.OfficeEvent).where(m.OfficeEvent.action == "issue_bulletin")).one()
    stored = BulletinNarrative.model_validate(event.detail["narrative"])
    assert stored.cases == words["cases"] and event.detail["narrative_sha256"] == stored.sha256()
    assert event.detail["edited"] is True and event.detail["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    number = event.detail["number"]
    again = tmp_path / "补打.pdf"
    code, out, err = run("office", "bulletin", "--central", url, "--reprint", number, "-o", str(again), lang="zh")
    assert code == 0 and number in out, err
    reprinted = re.sub(r"\s+", "", text_of(again.read_bytes(), tmp_path))
    assert "补打" in reprinted and "这是督查办公室改写的典型案例" in reprinted and number in reprinted
    # a bad file: the file, the place and the reason; nothing issued
    words["cases"] = "不是列表"
    draft.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(*base, "--narrative", str(draft), "-o", str(tmp_path / "坏.pdf"))
    assert code != 0 and str(draft) in err and "cases" in err and not (tmp_path / "坏.pdf").exists()
    words["cases"], words["month"] = [], "2025-05"
    draft.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(*base, "--narrative", str(draft), "-o", str(tmp_path / "坏.pdf"))
    assert code != 0 and "month" in err and "2025-05" in err
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(m.OfficeEvent)
                              .where(m.OfficeEvent.action == "issue_bulletin")) == 1
    code, out, err = run("office", "bulletin", "--schema")
    assert code == 0 and json.loads(out)["properties"]["cases"]["type"] == "array"


def _problem_order(item) -> tuple:
    return -item.occurrences, -item.departments, item.item_code, item.item_text


def _case_key(case) -> tuple:
    """What typical_cases orders and picks by (entries equal in all of it are equally typical)."""
    return case.day, case.department, case.item_code, case.points, bool(case.note)


def test_problems_and_cases_grouped_by_the_database_follow_the_rule(central) -> None:
    """The bulletin's most frequent problems and typical cases, grouped by the database (office/month_problems.py),
    equal bulletin_data's rule over every entry of the month: equal points told apart by a note, a note of only
    spaces (full-width too) with no points skipped, a voided entry left out, an entry whose visit is counted
    in another month kept, both backends."""
    from inspector_app.core.documents.bulletin_data import problem_counts, typical_cases
    from inspector_app.office.bulletin import month_entries_in, problems_in

    db, _ = central

    def awkward(session) -> None:
        D = m.Deduction
        june = session.scalars(select(D).where(D.local_month == MONTHS[1], D.voided_at.is_(None))
                               .order_by(D.id)).all()
        june[0].points, june[0].note = 99.0, ""
        june[1].points, june[1].note = 99.0, "看到了"  # as many points, and what was seen: the first case
        june[2].points, june[2].note = 0.0, "\u3000 \t"  # no points, no note: never a case
        june[3].points, june[3].voided_at = 500.0, datetime(2025, 6, 20, tzinfo=timezone.utc)
        june[4].points = 98.0  # the second case, though its visit is counted in another month (a stray)
        session.get(m.Inspection, june[4].inspection_id).local_month = "2025-04"

    db.transaction(awkward)
    with db.read() as session:
        for month in MONTHS:
            problems, cases = problems_in(session, month)
            entries = month_entries_in(session, month)
            assert problems == sorted(problem_counts(entries), key=_problem_order)  # ties in the rule's order:
            # (two checklists' items of one code) as the database hands them over; here by text too
            assert [_case_key(c) for c in cases] == [_case_key(c) for c in typical_cases(entries)]
    assert cases[0].points == 99.0 and cases[0].note == "看到了" and 98.0 in [c.points for c in cases]
    content = _content(db, MONTHS[1])
    assert content.problems == problems and content.cases == cases and content.entries == []


def test_a_closed_months_groupings_are_read_back_as_closed(central) -> None:
    """The close keeps the bulletin's groupings (office/bulletin_kept.py): the closed month's bulletin prints the
    same repeat problems, problems and typical cases as the open month did, and keeps printing them after an
    entry of the month is voided in the database (grouped again from the entries, they would differ); a month
    closed before c0013 (nothing kept) is grouped from its entries."""
    from sqlalchemy import update

    db, _ = central
    month = MONTHS[1]  # June: its visits find again what May's found
    before = _content(db, month)
    close_month(db, month, closed_by="王主任", today=date(2025, 7, 2), force=True)
    with db.read() as session:
        kept = session.get(m.MonthClose, month).bulletin
    assert kept["repeats"] and kept["groups"] and kept["chosen"]
    closed = _content(db, month)
    parts = ("repeats", "grouped_problems", "chosen_cases")
    assert [getattr(closed, p) for p in parts] == [getattr(before, p) for p in parts]
    case = before.chosen_cases[0]
    D = m.Deduction
    with db.read() as session:  # every live entry of the first case's department and item
        ids = session.scalars(select(D.id).join(m.Department, m.Department.id == D.department_id).where(
            D.local_month == month, D.voided_at.is_(None), D.item_code == case.item_code,
            m.Department.name == case.department)).all()
    db.transaction(lambda session: session.execute(update(D).where(D.id.in_(ids)).values(
        voided_at=datetime(2025, 6, 19, tzinfo=timezone.utc), void_reason="voided after the close")))
    again = _content(db, month)
    assert [getattr(again, p) for p in parts] == [getattr(before, p) for p in parts]
    db.transaction(lambda session: setattr(session.get(m.MonthClose, month), "bulletin", None))
    regrouped = _content(db, month)
    assert regrouped.chosen_cases != before.chosen_cases or regrouped.grouped_problems != before.grouped_problems
