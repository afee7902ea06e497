"""The complaint register (投诉登记, issue #15 item 4) over a central database with a quarter from two laptops,
on SQLite and PostgreSQL: a pending complaint charges nothing, a verified one charges 001 第7条 — 5 points, a
head 10 — once, in the month of its verification; an unfounded one stays on record with none; the month's
figures, its pay list and the quarterly selection all read the register."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from inspector_app.core.errors import InputError, StateError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office import complaints as c
from inspector_app.office.award_rules import Criterion, Outcome
from inspector_app.office.awards import candidates
from inspector_app.office.month import close_month
from inspector_app.office.pay_list import pay_list
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital
from tests.helpers.office_quarter import QUARTER, ROSTER, plan, record, roster

SEED = 23
NOW = datetime(2026, 3, 31, 9, 0, tzinfo=timezone(timedelta(hours=8)))  # when the office enters it


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[list[Path], list]:
    root = tmp_path_factory.mktemp("complaints")
    office, laptops = found_hospital(root, demo_template, ["C001", "C002"])
    share = root / "share"
    share.mkdir()
    bundles = []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            record(ws, plan(SEED, n, extra=6))
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            bundles.append(report.bundle)
    return bundles, [load_office_certificate(office)]


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path, recorded: tuple) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, *recorded) as found:
        yield found


def _people() -> tuple[str, str, str]:
    """A window's member who is not its head, a head, and the window's code (from the demo roster)."""
    hospital = roster()
    member = next(s for s in hospital.staff if s.department == "W-REG" and not s.is_head)
    head = next(s for s in hospital.staff if s.is_head and s.department != "W-REG")
    return member.staff_no, head.staff_no, head.department


def _verified_and_referred(db: CentralDB, staff_no: str, summary: str, to: str) -> c.ComplaintView:
    """A complaint against a W-REG member received on 2 March, verified on the 5th, referred to `to`."""
    found = c.receive(db, c.NewComplaint(date(2026, 3, 2), "12345", "W-REG", summary, staff_no), by="办公室李",
                      roster=roster(), now=NOW)
    c.decide(db, found.number, True, by="办公室李", on=date(2026, 3, 5), note="调取录音属实", now=NOW)
    return c.refer(db, found.number, by="办公室李", to=to, now=NOW)


def _person(db: CentralDB, month: str, staff_no: str) -> tuple[int, float, float]:
    found = next((p for p in central_summary(db, month, everyone=True).persons if p.staff_no == staff_no), None)
    return (found.occurrences, found.points, found.pay_percent) if found else (0, 0.0, 0.0)


def test_only_a_verified_complaint_charges_and_in_the_month_it_was_verified(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    member, head, head_department = _people()
    hospital = roster()
    before = {(month, no): _person(db, month, no) for month in ("2026-02", "2026-03") for no in (member, head)}

    first = c.receive(db, c.NewComplaint(date(2026, 2, 20), "12345", "W-REG", "挂号窗口态度生硬", member,
                                         "患者家属", "通话录音"), by="办公室李", roster=hospital)
    assert first.number == "TS-2026-0001" and first.status == "received" and first.staff_name
    c.investigate(db, first.number, by="办公室李")
    assert all(_person(db, m, n) == before[(m, n)] for m, n in before), "a pending complaint charges nothing"

    verified = c.decide(db, first.number, True, by="办公室李", on=date(2026, 3, 3), note="调取录音属实")
    assert (verified.points, verified.pay_percent, verified.local_month, verified.item_code) == (5.0, 5.0,
                                                                                             "2026-03", "A7")
    count, points, pay = before[("2026-03", member)]
    assert _person(db, "2026-03", member) == (count + 1, points + 5, min(100.0, pay + 5))
    assert _person(db, "2026-02", member) == before[("2026-02", member)]  # received in February, counted on verification

    against_head = c.receive(db, c.NewComplaint(date(2026, 3, 1), "卫健委", head_department, "推诿患者", head),
                             by="办公室李", roster=hospital)
    assert c.decide(db, against_head.id, True, by="办公室李", on=date(2026, 3, 4), note="属实").points == 10.0
    count, points, _ = before[("2026-03", head)]
    assert _person(db, "2026-03", head)[:2] == (count + 1, points + 10)  # 第9条: a head ×2

    department_before = next(d for d in central_summary(db, "2026-03").departments if d.code == "W-REG")
    unfounded = c.receive(db, c.NewComplaint(date(2026, 3, 2), "院办", "W-REG", "排队时间长"), by="办公室李",
                          roster=hospital)
    assert c.decide(db, unfounded.number, False, by="办公室李", on=date(2026, 3, 9), note="查无此事").points == 0
    department = next(d for d in central_summary(db, "2026-03").departments if d.code == "W-REG")
    assert (department.own_points, department.occurrences) == (department_before.own_points,
                                                               department_before.occurrences)
    listed = {v.number: v for v in c.complaints(db)}
    assert listed[unfounded.number].status == "unfounded" and listed[unfounded.number].points == 0

    pay = pay_list(db, "2026-03")
    lines = [line for line in pay.lines if line.inspector.startswith("complaint ") or "投诉" in line.inspector]
    assert sorted((line.staff_no, line.points) for line in lines) == sorted([(member, 5.0), (head, 10.0)])
    assert all(line.item_code == "A7" and "经查实者每起扣个人 5 分" in line.clause for line in lines)
    totals = {p.staff_no: p.points for p in central_summary(db, "2026-03").persons}
    for person in pay.people():
        assert person.points == totals[person.staff_no]
        assert person.points == round(sum(line.points for line in pay.lines if line.staff_no == person.staff_no), 4)


def test_a_closed_month_and_bad_input_are_refused(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    member, _, _ = _people()
    close_month(db, "2026-02", closed_by="办公室", today=date(2026, 4, 10), force=True)
    late = c.receive(db, c.NewComplaint(date(2026, 2, 10), "12345", "W-REG", "服务态度", member), by="办公室李",
                     roster=roster())
    with pytest.raises(StateError, match="2026-02"):
        c.decide(db, late.number, True, by="办公室李", on=date(2026, 2, 27), note="属实")
    with pytest.raises(InputError):
        c.decide(db, late.number, True, by="办公室李", on=date(2026, 2, 1), note="属实")  # before it was received
    untouched = _person(db, "2026-03", member)
    assert c.decide(db, late.number, True, by="办公室李", on=date(2026, 3, 5), note="属实").local_month == "2026-03"
    assert _person(db, "2026-03", member)[1] == untouched[1] + 5
    with pytest.raises(StateError):
        c.decide(db, late.number, False, by="办公室李", on=date(2026, 3, 6), note="again")
    voided = c.void(db, late.number, by="办公室李", reason="重复登记")
    assert voided.status == "void" and _person(db, "2026-03", member) == untouched  # stops counting
    assert all(v.number != late.number for v in c.complaints(db, status="verified"))
    with pytest.raises(InputError, match="source"):
        c.receive(db, c.NewComplaint(date(2026, 3, 1), "微博", "W-REG", "x"), by="办公室李", roster=roster())
    with pytest.raises(InputError, match="9999"):
        c.receive(db, c.NewComplaint(date(2026, 3, 1), "12345", "W-REG", "x", "9999"), by="办公室李",
                  roster=roster())
    referred = c.refer(db, late.number, by="办公室李", to="市公安局")
    assert (referred.referral_to, referred.referral_state) == ("市公安局", "referred")


def test_the_selection_reads_the_register(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    member, _, _ = _people()
    unused = candidates(db, QUARTER, roster=roster())
    assert all(w.result(Criterion.NO_COMPLAINT).outcome is not Outcome.MET for w in unused.windows)  # not kept
    complaint = c.receive(db, c.NewComplaint(date(2026, 2, 2), "12345", "W-REG", "推诿", member), by="办公室李",
                          roster=roster())
    c.decide(db, complaint.number, True, by="办公室李", on=date(2026, 2, 9), note="属实")
    selection = candidates(db, QUARTER, roster=roster())
    window = next(w for w in selection.windows if w.subject == "W-REG")
    person = next(p for p in selection.persons if p.subject == member)
    for judged in (window, person):
        result = judged.result(Criterion.NO_COMPLAINT)
        assert result.outcome is Outcome.FAILED and complaint.number in result.evidence_against[0].text
        assert not judged.eligible
    others = [w for w in selection.windows if w.subject != "W-REG" and w.inspections]
    assert others and all(w.result(Criterion.NO_COMPLAINT).outcome is Outcome.MET for w in others)


def test_the_commands(central: tuple[CentralDB, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, url = central
    member, _, _ = _people()
    run = cli_runner(tmp_path / "data", capsys)
    code, out, err = run("office", "complaint", "add", "--central", url, "--received", "2026-03-02", "--source",
                         "12345", "--department", "W-REG", "--staff-no", member, "--summary", "态度生硬", "--by",
                         "办公室李", "--roster", str(ROSTER))
    assert code == 0, err
    assert "TS-2026-0001" in out
    code, out, err = run("office", "complaint", "verify", "TS-2026-0001", "--central", url, "--on", "2026-03-05",
                         "--note", "属实", "--by", "办公室李")
    assert code == 0, err
    assert "5 points" in out and "2026-03" in out
    code, out, err = run("office", "complaint", "list", "--central", url, "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["status"] == "verified"
    code, out, err = run("office", "complaint", "list", "--central", url, lang="zh")
    assert code == 0 and "已查实" in out and "TS-2026-0001" in out and "计入月份" in out
    code, out, err = run("office", "complaint", "verify", "TS-2026-0009", "--central", url, "--note", "x", "--by", "李")
    assert code != 0 and "TS-2026-0009" in err


def test_the_commands_know_the_registers_sources_and_statuses() -> None:
    from inspector_app.cli import commands_office_complaints as cli

    assert cli.SOURCES == c.SOURCES and cli.STATUSES == c.STATUSES


def test_the_bulletin_reports_decisions_and_referrals(central: tuple[CentralDB, str], tmp_path: Path) -> None:
    """第7条's decisions and 第8条's referrals (移交) are on the office's monthly bulletin: PDF and workbook."""
    import subprocess

    from openpyxl import load_workbook

    from inspector_app.core.documents.bulletin import render_content, write_content_xlsx
    from inspector_app.office.bulletin import central_content

    db, _ = central
    member, _, _ = _people()
    hospital = roster()
    verified = _verified_and_referred(db, member, "收费窗口态度生硬", "市卫健委")
    unfounded = c.receive(db, c.NewComplaint(date(2026, 3, 6), "院办", "W-WPH", "取药排队久"), by="办公室李",
                          roster=hospital, now=NOW)
    c.decide(db, unfounded.number, False, by="办公室李", on=date(2026, 3, 9), note="查无此事", now=NOW)
    pending = c.receive(db, c.NewComplaint(date(2026, 3, 10), "12345", "W-ADM", "未回电话"), by="办公室李",
                        roster=hospital, now=NOW)  # not decided, not referred: not on the bulletin
    content = central_content(db, "2026-03", hospital="示例市人民医院", office="综合办公室", today=date(2026, 3, 31))
    lines = {line.number: line for line in content.complaints}
    assert set(lines) == {verified.number, unfounded.number} and pending.number not in lines
    assert (lines[verified.number].points, lines[verified.number].status) == (5.0, "已查实")
    assert lines[verified.number].referral == "市卫健委 · 已移交" and member in lines[verified.number].person
    assert (lines[unfounded.number].points, lines[unfounded.number].referral) == (0.0, "")
    assert central_content(db, "2026-04", hospital="示例市人民医院", office="综合办公室",
                           today=date(2026, 4, 30)).complaints == []  # nothing decided in April: no table
    pdf = tmp_path / "bulletin.pdf"  # (a copy goes to STD15_SHOTS when set, to look at)
    pdf.write_bytes(render_content(content, "督通〔2026〕3号", lang="zh"))
    if os.environ.get("STD15_SHOTS"):
        shutil.copy(pdf, os.environ["STD15_SHOTS"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "投诉处理与移交情况" in text and verified.number in text and "市卫健委" in text
    book = load_workbook(write_content_xlsx(content, tmp_path / "bulletin.xlsx", lang="en"))
    sheet = book["Complaints and referrals"]
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [verified.number, unfounded.number]


def test_a_verified_complaint_gets_the_offices_notice_with_its_referral(central: tuple[CentralDB, str],
                                                                        tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """第7条 and 第8条 on paper: the office's 整改通知书 for a verified complaint names what was found, the points
    and pay share, the referral and its state, a deadline from the day of issue; numbers count up in the office's
    own register; an unverified complaint gets none."""
    import subprocess

    from inspector_app.core.errors import StateError
    from inspector_app.office.complaint_notice import issue_complaint_notice

    db, url = central
    member, _, _ = _people()
    hospital = roster()
    found = _verified_and_referred(db, member, "收费窗口索要红包", "市纪委监委")
    issued_at = datetime(2026, 3, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    first = issue_complaint_notice(db, found.number, tmp_path / "n1.pdf", hospital="示例市人民医院",
                                   office="综合办公室", by="办公室李", now=issued_at)
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(first.path), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    assert first.number == "督诉〔2026〕1号" and first.number in text and "整改通知书" in text
    assert found.number in text and "收费窗口索要红包" in text and "调取录音属实" in text
    name = next(s.name for s in hospital.staff if s.staff_no == member)
    assert f"扣{name}（{member}）5分" in text and "扣2026年3月绩效工资5%" in text
    assert "已依据第8条移交市纪委监委处理；移交状态：处理中" in text and "经查实者每起扣个人5分" in text
    assert first.deadline >= issued_at.date() and f"{first.deadline.month}月{first.deadline.day}日" in text
    assert "抄送：审计科" in text
    second = issue_complaint_notice(db, found.number, tmp_path / "n2.pdf", hospital="H", office="O", by="x",
                                    now=issued_at)
    assert second.number == "督诉〔2026〕2号"
    pending = c.receive(db, c.NewComplaint(date(2026, 3, 10), "12345", "W-ADM", "未回电话"), by="办公室李",
                        roster=hospital, now=NOW)
    with pytest.raises(StateError):
        issue_complaint_notice(db, pending.number, tmp_path / "n3.pdf", hospital="H", office="O", by="x")
    assert not (tmp_path / "n3.pdf").exists()
    run = cli_runner(tmp_path / "data", capsys)
    code, out, err = run("office", "complaint", "notice", found.number, "--central", url, "--by", "办公室李",
                         "--hospital", "示例市人民医院", "-o", str(tmp_path / "n4.pdf"))
    assert code == 0, err
    assert "督诉〔" in out and (tmp_path / "n4.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run("office", "complaint", "notice", pending.number, "--central", url, "--by", "x",
                       "-o", str(tmp_path / "n5.pdf"))
    assert code == 1 and pending.number in err
