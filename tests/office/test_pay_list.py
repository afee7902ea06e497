"""The pay list for the 审计科 from the central database (issue #14): two laptops merged, on SQLite and PostgreSQL.

Its per-person and per-department totals are the central summary's, and the entries behind them add up to
those totals (points exactly; pay share up to the 100% cap), each with its item, clause and inspector.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.periods import keys_covering, months_of
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.pay_list import pay_list, write_pay_list_xlsx
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[list[Path], list]:
    root = tmp_path_factory.mktemp("pay-list")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    sent = []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 25, seed=40 + n, days=40)
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            sent.append(report.bundle)
    return sent, [load_office_certificate(office)]


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path,
            bundles: tuple[list[Path], list]) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, *bundles) as found:
        yield found


def _months(db: CentralDB) -> list[str]:
    with db.read() as session:
        return sorted(set(session.scalars(select(m.Deduction.local_month))))


def test_pay_list_totals_are_the_central_summarys(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    months = _months(db)
    assert months
    for month in months:
        pay = pay_list(db, month)
        summary = central_summary(db, month)
        assert pay.summary.to_dict() | {"generated_at": ""} == summary.to_dict() | {"generated_at": ""}
        with db.read() as session:
            live = session.scalar(select(func.count()).select_from(m.Deduction).where(
                m.Deduction.local_month == month, m.Deduction.voided_at.is_(None)))
        assert len(pay.lines) == live  # every live entry of the month, none twice
        points: dict[str, float] = defaultdict(float)
        share: dict[str, float] = defaultdict(float)
        for line in pay.lines:
            if line.staff_no:
                points[line.staff_no] += line.points
                share[line.staff_no] += line.pay_percent
            assert line.item_text and line.clause and line.inspector
            # dated in its month, or (a quarterly or half-yearly rule) in an earlier month of its period: the
            # charge counts in the period's last month (core/periods.py)
            half = months_of(keys_covering(month)[2])
            assert line.date[:7] in half[:half.index(month) + 1]
        for person in summary.persons:
            assert round(points[person.staff_no], 4) == person.points
            assert min(100.0, round(share[person.staff_no], 4)) == person.pay_percent


def test_the_command_writes_the_workbook(central: tuple[CentralDB, str], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db, url = central
    month = max(_months(db), key=lambda mo: len(central_summary(db, mo).persons))
    run = cli_runner(tmp_path / "data", capsys)
    target = tmp_path / "绩效扣减明细.xlsx"
    code, out, err = run("office", "pay-list", "--central", url, "--month", month, "-o", str(target))
    assert code == 0, err
    assert str(target) in out
    staff, departments, entries, corrections = load_workbook(target).worksheets
    summary = central_summary(db, month)
    rows = list(staff.iter_rows(min_row=2, values_only=True))
    expected = {p.staff_no: (p.points, p.pay_percent) for p in summary.persons}
    assert {row[0]: (row[5], row[6]) for row in rows} == expected
    assert entries.max_row - 1 == len(pay_list(db, month).lines)
    written = [list(row) for row in entries.iter_rows(min_row=2, values_only=True)]  # straight from the texts
    lang = "en" if entries["A1"].value == "Date" else "zh"
    assert written == [[line.date, line.staff_no, line.name, line.department_code, line.department,
                        line.item_code, line.item_text, line.clause, line.inspector, line.count, line.points,
                        line.pay_percent] for line in pay_list(db, month, lang).lines]
    assert corrections.max_row == 1  # no month closed: nothing carried
    code, _, err = run("office", "pay-list", "--central", url, "--month", month, "-o", str(tmp_path / "x.pdf"))
    assert code != 0 and "not closed" in err  # only a closed month's pay list is issued on paper
    code, _, err = run("office", "pay-list", "--central", url, "--month", month, "-o", str(tmp_path / "x.csv"))
    assert code != 0 and ".xlsx" in err


def test_write_refuses_other_formats(central: tuple[CentralDB, str], tmp_path: Path) -> None:
    from inspector_app.core.errors import AppError

    db, _ = central
    with pytest.raises(AppError):
        write_pay_list_xlsx(pay_list(db, _months(db)[0]), tmp_path / "x.csv")


def test_the_closing_day_is_the_offices_own(central: tuple[CentralDB, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A month closed at 01:30 in Beijing (17:30 UTC the day before) says it was closed that Beijing day."""
    import dataclasses
    import subprocess
    import time
    from datetime import datetime, timezone

    from inspector_app.office.pay_list_pdf import render_pay_list

    db, _ = central
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        closed = dataclasses.replace(pay_list(db, _months(db)[0]),
                                     closed_at=datetime(2025, 6, 30, 17, 30, tzinfo=timezone.utc))
        pdf = render_pay_list(closed, hospital="示例市人民医院", office="综合办公室")
    finally:
        monkeypatch.undo()
        time.tzset()
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                                  check=True).stdout.decode().split())
    assert "2025年7月1日" in text and "2025年6月30日" not in text


def _python_lines(session, where: list, lang: str = "zh") -> list:
    """The pay list's lines read as before the database wrote them (session 8's pay_lines): row by row in
    Python, the day from the entry's UTC time and offset, the item's text and clause from its checklist."""
    from datetime import timedelta

    from sqlalchemy import DateTime, type_coerce

    from inspector_app.office.pay_lines import PayLine
    from inspector_app.office.pay_list import _checklist, _item

    D, I = m.Deduction, m.Inspection
    rows = session.execute(
        select(D.local_month, type_coerce(D.recorded_at, DateTime), D.payload["utc_offset_min"].as_integer(),
               D.staff_no, D.staff_name, D.department_id, D.item_code, D.count, D.counted_points, D.pay_percent,
               I.inspector_name, I.inspector_no, I.checklist_hash)
        .join(I, I.id == D.inspection_id).where(D.voided_at.is_(None), *where)
        .order_by(D.local_month, D.staff_no, D.recorded_at, D.id)).all()
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    lines = []
    for (month, recorded_at, offset, staff_no, staff_name, department, code, count, points, pay, inspector_name,
         inspector_no, digest) in rows:
        snapshot = session.get(m.ChecklistSnapshot, digest)
        text, clause = _item(_checklist(snapshot.payload) if snapshot else None, code, lang)
        day = (recorded_at + timedelta(minutes=int(offset or 0))).date().isoformat()
        lines.append(PayLine(month, day, staff_no or "", staff_name or "", department, names.get(department, ""),
                             code, text, clause, f"{inspector_name}（{inspector_no}）" if inspector_no
                             else inspector_name, count, points, pay))
    return lines


def _awkward(session) -> None:
    """Texts JSON must escape, floats Python writes its own way, local days across midnight, a voided entry."""
    from datetime import datetime, timezone

    D = m.Deduction
    entries = session.scalars(select(D).where(D.voided_at.is_(None), D.staff_no.is_not(None)).order_by(D.id)).all()
    entries[0].staff_name = 'Wang "Xiao" \\ 王\n\t\x01\u2028😀'
    entries[1].counted_points, entries[1].pay_percent = 0.1 + 0.2, 1e-05
    entries[2].counted_points, entries[2].pay_percent = 7.0, 123456.789
    entries[3].recorded_at = entries[3].recorded_at.replace(hour=23, minute=30)  # the next day at UTC+8
    entries[3].payload = dict(entries[3].payload, utc_offset_min=480)  # the merge keeps it in a column too
    entries[3].utc_offset_min = 480
    entries[4].recorded_at = entries[4].recorded_at.replace(hour=1, minute=15)  # the day before at UTC-5
    entries[4].payload = dict(entries[4].payload, utc_offset_min=-300)
    entries[4].utc_offset_min = -300
    entries[5].voided_at = datetime(2025, 6, 1, tzinfo=timezone.utc)
    inspection = session.get(m.Inspection, entries[6].inspection_id)
    inspection.inspector_name, inspection.inspector_no = '李"四"', None
    session.get(m.Department, entries[7].department_id).name = "科室\\一"


def test_the_database_writes_each_line_as_python_would(central: tuple[CentralDB, str]) -> None:
    """The lines the database writes (figures as JSON, office/pay_lines.py) equal the lines read row by row in
    Python, and the close's hash over them is sha256(canonical(figures())), on both backends: ordinary months
    (department heads charged twice, scored checklists' zeros, voided entries), awkward texts and floats,
    days across midnight, and a closed month's corrections carried by the next."""
    import hashlib
    from datetime import date

    from inspector_app.core.store.audit import canonical
    from inspector_app.office.month import close_month

    db, _ = central
    db.transaction(_awkward)
    months = _months(db)
    with db.read() as session:
        voided = session.scalar(select(func.count()).select_from(m.Deduction).where(m.Deduction.voided_at.is_not(None)))
    assert voided
    for month in months:
        pay = pay_list(db, month)
        with db.read() as session:
            late = m.Adjustment.deduction_id == m.Deduction.id
            expected = _python_lines(session, [m.Deduction.local_month == month, ~select(late).exists()])
        assert list(pay.lines) == expected
        assert pay.figures_sha256() == hashlib.sha256(canonical(pay.figures()).encode("utf-8")).hexdigest()
    every = [line for month in months for line in pay_list(db, month).lines]
    assert {line.points for line in every} >= {0.0, 0.1 + 0.2, 7.0} and any(line.pay_percent == 1e-05 for line in every)
    assert any("\n" in line.name for line in every) and any(line.inspector == '李"四"' for line in every)
    first, second = months[0], months[1]
    close_month(db, first, closed_by="王主任", today=date(2030, 1, 1), force=True)
    closed = pay_list(db, first)
    db.transaction(lambda session: _late_entry(session, first))  # as a merge after the close records it
    assert pay_list(db, first).figures_sha256() == closed.figures_sha256()
    for month, closed_by in ((second, False), (first, True)):
        pay = pay_list(db, month)
        with db.read() as session:
            where = [m.Adjustment.carried_by == month] if closed_by else [
                m.Adjustment.carried_by.is_(None), m.Adjustment.entry_month < month]
            expected = _python_lines(session, [m.Adjustment.deduction_id == m.Deduction.id, *where])
        assert list(pay.adjustments) == expected and (expected or closed_by)
        assert pay.figures_sha256() == hashlib.sha256(canonical(pay.figures()).encode("utf-8")).hexdigest()


def _late_entry(session, month: str) -> None:
    """A copy of an ordinary entry of `month` merged after its close: an Adjustment, as merge/rows.py writes it
    (a period rule's late record is carried as the difference it makes: test_quarterly_rules.py)."""
    import uuid
    from datetime import datetime, timezone

    D = m.Deduction
    entry = session.scalars(select(D).where(D.local_month == month, D.voided_at.is_(None), D.period.is_(None))
                            .order_by(D.id)).first()
    late = D(**{c.key: getattr(entry, c.key) for c in D.__table__.columns if c.key != "id"}, id=str(uuid.uuid4()))
    session.add(late)
    session.flush()
    session.add(m.Adjustment(deduction_id=late.id, entry_month=month, kind="added",
                             found_at=datetime(2030, 1, 2, tzinfo=timezone.utc), carried_by=None))


def test_a_closed_months_lines_are_read_back_as_closed(central: tuple[CentralDB, str]) -> None:
    """The close keeps the lines it hashed (office/frozen_lines.py): the closed month's pay list reads them back,
    its figures still hash to the close's after a department is renamed and an entry voided (worked out again,
    they would not), while an open month shows the new name; a month closed without kept lines (before c0013)
    is worked out as before; a damaged part is refused with its month, not read half."""
    import zlib
    from datetime import date, datetime, timezone

    from sqlalchemy import delete, update

    from inspector_app.core.errors import StateError
    from inspector_app.office.month import close_month

    db, _ = central
    first, second = _months(db)[:2]
    close_month(db, first, closed_by="王主任", today=date(2030, 1, 1), force=True)
    closed = pay_list(db, first)
    with db.read() as session:
        close = session.get(m.MonthClose, first)
        parts = session.scalars(select(m.MonthCloseLines.lines).where(m.MonthCloseLines.month == first)).all()
    assert closed.figures_sha256() == close.figures_sha256 and sum(parts) == len(closed.lines.raw) > 0
    at, line = next((n, ln) for n, ln in enumerate(closed.lines) if ln.staff_no)
    D = m.Deduction
    db.transaction(lambda session: session.execute(
        update(m.Department).where(m.Department.id == line.department_code).values(name="改名后的科室")))
    db.transaction(lambda session: session.execute(
        update(D).where(D.local_month == first, D.staff_no == line.staff_no, D.voided_at.is_(None))
        .values(voided_at=datetime(2030, 1, 2, tzinfo=timezone.utc), void_reason="late void")))
    again = pay_list(db, first)
    assert again.figures_sha256() == close.figures_sha256 and list(again.lines) == list(closed.lines)
    assert again.lines[at].department == line.department != "改名后的科室"
    renamed = [ln.department for ln in pay_list(db, second).lines if ln.department_code == line.department_code]
    assert not renamed or set(renamed) == {"改名后的科室"}
    db.transaction(lambda session: session.execute(delete(m.MonthCloseLines).where(m.MonthCloseLines.month == first)))
    worked_out = pay_list(db, first)  # as a month closed before c0013: from the entries, renamed and voided now
    assert worked_out.figures_sha256() != close.figures_sha256 and len(worked_out.lines) < len(closed.lines)
    damaged = zlib.compress(b"one line")
    db.transaction(lambda session: session.add(m.MonthCloseLines(month=first, part=0, lines=3, data=damaged)))
    with pytest.raises(StateError, match=first):
        pay_list(db, first)


def test_a_closed_months_workbook_is_written_once_and_handed_out_as_the_same_bytes(
        central: tuple[CentralDB, str], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The close writes the pay list's workbook in the office's language (office/kept_workbook.py): every later
    export of that month and language is those very bytes, after a department is renamed and a late entry
    arrives; its cells are the workbook written afresh from the closed pay list. Another language, an open
    month and kept bytes that fail their SHA-256 are written from the pay list."""
    import hashlib
    from datetime import date

    from sqlalchemy import update

    from inspector_app.office.kept_workbook import PAY_LIST_XLSX, export_pay_list_xlsx
    from inspector_app.office.month import close_month

    db, _ = central
    first, second = _months(db)[:2]
    close_month(db, first, closed_by="王主任", today=date(2030, 1, 1), force=True, lang="zh")
    with db.read() as session:
        kept = session.get(m.MonthCloseFile, (first, PAY_LIST_XLSX, "zh"))
        assert kept is not None and hashlib.sha256(kept.data).hexdigest() == kept.sha256
        body = bytes(kept.data)
    once = export_pay_list_xlsx(db, pay_list(db, first), tmp_path / "once.xlsx", "zh")
    db.transaction(lambda session: session.execute(update(m.Department).values(name="改名后的科室")))
    again = export_pay_list_xlsx(db, pay_list(db, first), tmp_path / "again.xlsx", "zh")
    assert once.read_bytes() == again.read_bytes() == body
    fresh = write_pay_list_xlsx(pay_list(db, first), tmp_path / "fresh.xlsx", "zh")

    def cells(path: Path) -> list[list[tuple]]:
        book = load_workbook(path, read_only=True)
        return [[tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book.worksheets]

    assert cells(once) == cells(fresh)  # the kept lines, read back: the names as closed
    english = export_pay_list_xlsx(db, pay_list(db, first, lang="en"), tmp_path / "en.xlsx", "en")
    assert english.read_bytes() != body and cells(english)[2][1:] != cells(once)[2][1:]  # item texts in English
    open_month = export_pay_list_xlsx(db, pay_list(db, second), tmp_path / "open.xlsx", "zh")
    assert "改名后的科室" in {row[4] for row in cells(open_month)[2][1:]}  # worked out now, with the new name
    db.transaction(lambda session: session.execute(
        update(m.MonthCloseFile).values(data=body[:-1] + bytes([body[-1] ^ 1]))))
    damaged = export_pay_list_xlsx(db, pay_list(db, first), tmp_path / "damaged.xlsx", "zh")
    assert cells(damaged) == cells(fresh) and "fails its SHA-256: written again" in caplog.text


def test_a_month_closed_in_english_keeps_a_workbook_wholly_in_english(central: tuple[CentralDB, str],
                                                                       tmp_path: Path) -> None:
    """The kept workbook is the one an export in the close's language would write: headers, item texts and
    clauses in that language, not the headers in English over Chinese items."""
    from datetime import date

    from inspector_app.office.kept_workbook import export_pay_list_xlsx
    from inspector_app.office.month import close_month

    db, _ = central
    first = _months(db)[0]
    close_month(db, first, closed_by="Director Wang", today=date(2030, 1, 1), force=True, lang="en")
    kept = export_pay_list_xlsx(db, pay_list(db, first, lang="en"), tmp_path / "kept.xlsx", "en")
    fresh = write_pay_list_xlsx(pay_list(db, first, lang="en"), tmp_path / "fresh.xlsx", "en")

    def entries(path: Path) -> list[tuple]:
        return [tuple(c.value for c in row) for row in load_workbook(path, read_only=True).worksheets[2].iter_rows()]

    assert entries(kept) == entries(fresh) and len(entries(kept)) > 1
