"""Printed documents, checked on the real output: pdftotext and pdffonts of the PDFs, openpyxl of the XLSX.

One store for the module: 40 demo inspections (seed 3, ending June 2025) plus hand-made inspections whose
every entry is known — a head's deduction, a note, photos, a voided entry, signatures, a training round,
a scored round with a cap, 200 deductions, none at all, and staff charged from two departments.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.documents import (
    hand_signatures,
    next_document_number,
    notice_departments,
    record_document,
    render_bulletin,
    render_notice,
    render_sheet,
    save_hand_signature,
    write_bulletin_xlsx,
)
from inspector_app.core.documents.bulletin_data import (
    overdue_items,
    ranking,
    repeat_problems,
)
from inspector_app.core.errors import InputError, StateError
from inspector_app.core.inspections import inspection_detail
from inspector_app.core.paths import resources_dir
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store import audit
from inspector_app.core.store.models import AuditEvent, Document, HandSignature
from inspector_app.core.summary import monthly_summary
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import (
    ASSESSMENT,
    TZ8,
    local_time,
    make_image,
    open_demo_workspace,
)
from tests.helpers.rankings import CHARGED, CLEAN, FAILED, record_rankings_month

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils (pdftotext, pdffonts) is not installed")

SCORED = "svc-000-model-window"  # scored: base 100, pass 90; S1 2 points per person, cap 4
MONTH = "2025-06"
TODAY = date(2025, 6, 30)
LONG_NOTE = "患者反映窗口长时间无人，经调取监控核实，" * 8 + "属实"
NUMBER = re.compile(r"^D001-[0-9a-f]{6}-(DC|ZG|TB)-\d{6}$")


@dataclass
class Store:
    ws: Workspace
    main: str  # W-REG, covert: head 1001 on A3 with photo, 1002 ×2 with a long note, A1 on the department, a void
    empty: str  # nothing found
    big: str  # 200 deductions
    training: str
    scored: str  # S1 on 1002 three times: 6 points capped at 4
    missing_photo: str  # its photo file is deleted after recording
    two_departments: str  # W-REG inspection charging 1002 (W-REG) and 1011 (W-ADM)


def signature_png(colour: tuple[int, int, int] = (0, 0, 90)) -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 150), (120, 40), (220, 160), (330, 60), (560, 120)], fill=colour, width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, bundled_library) -> Store:
    root = tmp_path_factory.mktemp("documents")
    ws = open_demo_workspace(root / "data")
    generate(ws, 40, seed=3, end=datetime(2025, 6, 28, 18, tzinfo=TZ8))
    recorder = Recorder(ws, actor="tester")
    photo = make_image(root / "badge.png", (900, 600))

    def start(department: str = "W-REG", checklist: str = ASSESSMENT, **fields) -> str:
        fields.setdefault("started_at", local_time(2025, 6, 10, 9, 30))
        return recorder.start(NewInspection(checklist, department, "演示督查员", inspector_no="D001", **fields),
                              bundled_library.get(checklist)).id

    def rec(inspection: str, item: str, staff: tuple[str, ...] = (), **fields) -> list[str]:
        fields.setdefault("recorded_at", local_time(2025, 6, 10, 9, 40))
        return recorder.record(inspection, NewDeduction(item, list(staff), **fields))

    main = start(co_inspector="李督查", mode="covert", location="门诊一楼挂号大厅")
    rec(main, "A3", ("1001",), note="未佩戴胸牌，工作服不整洁", photos=[photo])
    rec(main, "A2", ("1002",), count=2, note=LONG_NOTE)
    rec(main, "A1", note="本月仅开展 1 次集体学习")
    [voided] = rec(main, "A4", ("1003",), note="记错了")
    recorder.void(voided, "不是本窗口人员")
    recorder.finish(main, finished_at=local_time(2025, 6, 10, 10, 15))
    save_hand_signature(ws, main, "inspector", "演示督查员", signature_png())
    save_hand_signature(ws, main, "department", "郭建军", signature_png((90, 0, 0)))

    empty = start("W-ADM", started_at=local_time(2025, 6, 11, 9))
    recorder.finish(empty)

    big = start("W-INS", started_at=local_time(2025, 6, 12, 9))
    with recorder.batch():
        for index in range(200):
            rec(big, "A2", ("1017",), note=f"第 {index + 1} 次迟到", recorded_at=local_time(2025, 6, 12, 9)
                + timedelta(minutes=index))
    recorder.finish(big)

    training = start("W-TCM", training=True, started_at=local_time(2025, 6, 13, 9))
    rec(training, "A3", ("1023",), note="培训演示")
    recorder.finish(training)

    scored = start("W-REG", checklist=SCORED, started_at=local_time(2025, 6, 14, 9))
    rec(scored, "S1", ("1002",), count=3, note="未主动问候")
    recorder.finish(scored)

    lost = make_image(root / "lost.png", (640, 480))
    missing_photo = start("W-WPH", started_at=local_time(2025, 6, 15, 9))
    rec(missing_photo, "A3", ("1028",), note="照片丢失的记录", photos=[lost])
    recorder.finish(missing_photo)
    for deduction in inspection_detail(ws, missing_photo).deductions:
        for relative in deduction.photos:
            (ws.data_dir / relative).unlink()  # a data folder copied without this photo

    two = start("W-REG", started_at=local_time(2025, 6, 16, 9))
    rec(two, "A2", ("1002",), note="本窗口迟到")
    rec(two, "A5", ("1011",), note="出入院窗口人员推诿")
    recorder.finish(two)
    yield Store(ws, main, empty, big, training, scored, missing_photo, two)
    ws.close()


def text_of(pdf: bytes, tmp_path: Path, name: str = "doc", layout: bool = False) -> list[str]:
    """pdftotext of the PDF, one string per page: in drawing order (-raw keeps the spaces between Chinese
    and digits that the default mode drops), or laid out as on paper (tables read row by row)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", "-layout" if layout else "-raw", str(path), "-"]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def fonts_of(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def assert_official_pages(pages: list[str]) -> None:
    """GB/T 9704 page numbers: "— n —" at the foot of every page."""
    for index, page in enumerate(pages, start=1):
        assert f"—{index}—" in re.sub(r"\s+", "", page), f"page {index} has no '— {index} —'"


def assert_numbered(pages: list[str]) -> None:
    total = len(pages)
    for index, page in enumerate(pages, start=1):
        assert f"第 {index} 页 共 {total} 页" in page, f"page {index} has no 'page x of y'"


# -- the inspection sheet --------------------------------------------------------------------------------
def test_sheet_shows_the_inspection(store: Store, tmp_path: Path) -> None:
    number = next_document_number(store.ws, "sheet")
    pages = text_of(render_sheet(store.ws, store.main, number), tmp_path)
    text = "".join(pages)
    flat = re.sub(r"\s+", "", text)
    assert_numbered(pages)
    for expected in ("示例市人民医院", "优质服务督查记录表", "挂号收费窗口", number, "演示督查员、李督查", "暗访",
                     "门诊一楼挂号大厅", "2025-06-10 09:30", "2025-06-10 10:15", "第 4 版", "未佩戴胸牌，工作服不整洁"):
        assert expected in text, expected
    for code in ("A3", "A2", "A1"):
        assert code in text
    assert "科室负责人 ×2" in text  # 1001 is the head: 1 × 2 points
    assert LONG_NOTE in flat  # a long note wraps inside its cell, whole
    assert "已作废记录（不计分）" in text and "不是本窗口人员" in text  # listed apart, struck through
    assert "扣分合计" in text and re.search(r"合计\s*4\s*6", text)  # 4 times; 2 (head ×2) + 2 (×2) + 2 (department)
    assert "依据" in text and "佩戴胸牌上岗、着装规范、仪表端庄" in flat
    # the standard by its title and 文号, never by its seed file's name
    assert "《服务窗口和医技辅助及后勤服务科室优质服务提升行动实施方案》（宝口医发〔2023〕13号）" in flat
    assert ".txt" not in text
    assert "督查员签名" in text and "被督查科室确认" in text and "郭建军" in text
    assert "第 1 条 · A3" in text  # the photo's caption


def test_sheet_embeds_only_the_bundled_font_as_a_subset(store: Store, tmp_path: Path) -> None:
    rows = fonts_of(render_sheet(store.ws, store.main, "D001-000000-DC-000001"), tmp_path)
    assert rows, "no fonts"
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert re.match(r"^[A-Z]{6}\+WenQuanYiMicroHei", name), row
        assert (emb, sub) == ("yes", "yes"), row


def test_sheet_carries_the_drawn_signatures(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(render_sheet(store.ws, store.main, "D001-000000-DC-000002"))
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = {(int(cols[3]), int(cols[4])) for cols in (line.split() for line in listing.splitlines()[2:])}
    assert (600, 200) in sizes  # the signature PNGs, beside the photo thumbnail


def test_two_hundred_deductions_run_over_numbered_pages_with_the_header_repeated(store: Store,
                                                                                 tmp_path: Path) -> None:
    pages = text_of(render_sheet(store.ws, store.big, "D001-000000-DC-000003"), tmp_path)
    assert len(pages) >= 5
    assert_numbered(pages)
    table_pages = [page for page in pages if "次迟到" in page]
    assert len(table_pages) >= 4
    for page in table_pages:
        assert "督查项目" in page and "扣分对象" in page  # the header row repeats on every page of the table
    text = "".join(pages)
    assert "第 1 次迟到" in text and "第 200 次迟到" in text
    assert "D001-000000-DC-000003" in pages[-1]


def test_an_inspection_without_deductions_still_prints(store: Store, tmp_path: Path) -> None:
    pages = text_of(render_sheet(store.ws, store.empty, "D001-000000-DC-000004"), tmp_path)
    assert_numbered(pages)
    assert "本次督查未发现问题" in "".join(pages)
    assert notice_departments(store.ws, store.empty) == []
    with pytest.raises(StateError):
        render_notice(store.ws, store.empty, None, "D001-000000-ZG-000001")


def test_a_missing_photo_file_is_left_out_with_a_note(store: Store, tmp_path: Path) -> None:
    text = "".join(text_of(render_sheet(store.ws, store.missing_photo, "D001-000000-DC-000005"), tmp_path))
    assert "照片丢失的记录" in text
    assert "照片文件缺失" in text and "有 1 张照片在数据文件夹中找不到" in text


def test_a_training_inspection_is_watermarked(store: Store, tmp_path: Path) -> None:
    training = "".join(text_of(render_sheet(store.ws, store.training, "D001-000000-DC-000006"), tmp_path))
    real = "".join(text_of(render_sheet(store.ws, store.main, "D001-000000-DC-000007"), tmp_path))
    flat = re.sub(r"\s+", "", training)  # the watermark is drawn at 45°: pdftotext reads it a letter a line
    assert "培训/TRAINING" in flat
    assert "TRAINING" not in re.sub(r"\s+", "", real)


def test_a_scored_notice_shows_what_each_problem_took_off_the_score(store: Store, tmp_path: Path) -> None:
    """A scored checklist charges nobody's pay: the notice's points are the score's (S1 ×3 on 1002: 6 points,
    capped at 4), never a column of zeros under a failing score."""
    text = re.sub(r"\s+", "", "".join(text_of(render_notice(store.ws, store.scored, None, "D001-000000-ZG-000009",
                                                             today=TODAY), tmp_path)))
    assert "本次督查得分96分" in text and "其中你科室问题扣4分（自得分中扣除；评分制检查表不扣绩效）" in text
    assert "扣0分" not in text


def test_a_scored_inspection_shows_score_pass_line_and_caps(store: Store, tmp_path: Path) -> None:
    text = "".join(text_of(render_sheet(store.ws, store.scored, "D001-000000-DC-000008"), tmp_path, layout=True))
    assert "得分" in text and "合格线" in text and "结论" in text
    assert re.search(r"100\s+4\s+96\s+90\s+合格", text)  # 3 × 2 = 6 points, capped at 4
    assert "S1：每次督查最多扣 4 分，记录 6 分，计 4 分" in text


def test_the_sheet_in_english(store: Store, tmp_path: Path) -> None:
    pages = text_of(render_sheet(store.ws, store.main, "D001-000000-DC-000009", lang="en"), tmp_path)
    text = "".join(pages)
    assert "Service Quality Inspection Record" in text and "Covert visit" in text
    assert "Wear the name badge" in text  # the checklist's English item text
    for index, page in enumerate(pages, start=1):
        assert f"Page {index} of {len(pages)}" in page


# -- hand signatures ----------------------------------------------------------------------------------------
def test_hand_signatures_are_checked_stored_by_hash_and_audited(store: Store) -> None:
    ws = store.ws
    first = hand_signatures(ws, store.main)
    assert set(first) == {"inspector", "department"}
    assert first["department"].name == "郭建军" and first["department"].path.is_file()
    png = signature_png((0, 90, 0))
    row = save_hand_signature(ws, store.main, "department", "何小燕", png)
    assert row.path == f"signatures/{hashlib.sha256(png).hexdigest()}.png"
    assert (ws.data_dir / row.path).read_bytes() == png
    assert hand_signatures(ws, store.main)["department"].name == "何小燕"  # the latest per role
    jpeg = io.BytesIO()
    Image.new("RGB", (60, 20)).save(jpeg, format="JPEG")
    for role, name, data in (("department", "某人", jpeg.getvalue()), ("department", "某人", b"not an image"),
                             ("department", "某人", png[:40]), ("department", " ", png), ("boss", "某人", png),
                             ("department", "某人", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1))):
        with pytest.raises(InputError):
            save_hand_signature(ws, store.main, role, name, data)
    with ws.db.read() as session:
        rows = session.scalars(select(HandSignature).where(HandSignature.inspection_id == store.main)).all()
        assert len(rows) == 3
        audited = set(session.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity == "hand_signature")))
        assert {r.id for r in rows} <= audited
        assert audit.verify(session).ok


# -- the rectification notice ---------------------------------------------------------------------------------
def test_notice_lists_the_problems_with_deadlines_and_a_reply_slip(store: Store, tmp_path: Path) -> None:
    number = "督改〔2025〕1001号"
    pages = text_of(render_notice(store.ws, store.main, None, number, today=TODAY), tmp_path)
    text = "".join(pages)
    flat = re.sub(r"\s+", "", text)  # text in table cells wraps
    assert all(f"—{index}—" in re.sub(r"\s+", "", page) for index, page in enumerate(pages, start=1))
    for expected in ("整改通知书", number, "挂号收费窗口：", "2025年6月10日", "暗访", "未佩戴胸牌，工作服不整洁",
                     "2025年7月7日",  # 7 days (001's default deadline) after the day of issue, 30 June
                     "整改回执", "整改措施", "责任人", "完成时间", "科室负责人（签字）", "（盖章）", "综合办公室",
                     "2025年6月30日", "复查意见"):
        assert re.sub(r"\s+", "", expected) in flat, expected
    assert "不是本窗口人员" not in text and "A4" not in text  # the voided entry is no problem to fix


def test_one_notice_per_department_charged(store: Store, tmp_path: Path) -> None:
    assert notice_departments(store.ws, store.two_departments) == [("W-REG", "挂号收费窗口"), ("W-ADM", "出入院办理窗口")]
    own, other = (re.sub(r"\s+", "", "".join(text_of(render_notice(
        store.ws, store.two_departments, code, f"D001-000000-ZG-00000{i}"), tmp_path)))
        for i, code in ((2, None), (3, "W-ADM")))
    assert "挂号收费窗口：" in own and "本窗口迟到" in own and "推诿" not in own
    assert "出入院办理窗口：" in other and "推诿" in other and "本窗口迟到" not in other
    with pytest.raises(StateError):
        render_notice(store.ws, store.two_departments, "M-LAB", "D001-000000-ZG-000004")


# -- the monthly bulletin ------------------------------------------------------------------------------------
def test_bulletin_ranks_departments_as_the_monthly_summary_does(store: Store, tmp_path: Path) -> None:
    number = next_document_number(store.ws, "bulletin")
    pages = text_of(render_bulletin(store.ws, MONTH, number, today=TODAY), tmp_path, layout=True)
    text = "".join(pages)
    assert_official_pages(pages)
    summary = monthly_summary(store.ws, MONTH)
    tally, scored, idle = ranking(summary)
    assert "2025年6月优质服务督查通报" in text and number in text
    assert f"共开展优质服务督查 {summary.inspections} 次" in text
    assert f"发现问题 {summary.occurrences} 项" in text and f"扣分 {summary.total_points:g} 分" in text
    for heading in ("一、基本情况", "二、存在问题", "三、典型案例", "下一步要求"):  # the narrative, drafted
        assert heading in text
    # the ranked departments are the summary's two rankings, in their order: by points, then by scores
    assert tally and scored  # this month used both kinds of checklist
    assert [d.code for d in tally + scored] == [d.code for d in summary.tally_ranking() + summary.scored_ranking()]
    assert all(d.tally_inspections or d.total_points for d in tally) and all(d.scored_inspections for d in scored)
    assert [d.total_points for d in tally] == sorted(d.total_points for d in tally)
    for previous, row in itertools.pairwise(tally):
        assert row.rank == (previous.rank if row.total_points == previous.total_points else tally.index(row) + 1)
    result = [(d.failed, -(d.average_score or 0)) for d in scored]
    assert result == sorted(result)
    for (previous, row), (before, key) in zip(itertools.pairwise(scored), itertools.pairwise(result)):
        assert row.score_rank == (previous.score_rank if key == before else scored.index(row) + 1)
    # the others were not inspected: in neither ranking, named once
    assert {d.code for d in idle} == {d.code for d in summary.departments} - {d.code for d in tally + scored}
    assert all(d.inspections == 0 for d in idle)
    section = text[text.index("附表1"):text.index("附表2")]
    assert section.index("扣分排名（扣分制检查表）") < section.index("得分排名（评分制检查表）")
    lines = [line.split() for line in section.splitlines()]
    table = [cols for cols in lines if cols and cols[0].isdigit()]
    assert [(int(c[0]), c[1], int(c[2]), int(c[3]), *c[4:8]) for c in table[:len(tally)]] == [
        (d.rank, d.name, d.tally_inspections, d.occurrences, f"{d.own_points:g}", f"{d.staff_points:g}",
         f"{d.total_points:g}", f"{d.pay_percent:g}") for d in tally]
    assert [(int(c[0]), c[1], int(c[2]), c[3], int(c[4])) for c in table[len(tally):len(tally) + len(scored)]] == [
        (d.score_rank, d.name, d.scored_inspections, f"{d.average_score:g}", d.failed) for d in scored]
    flat_section = re.sub(r"\s+", "", section)  # the list of names wraps over lines
    assert all(d.name in flat_section for d in idle) and "本月未督查" in section
    persons = text[text.index("附表2"):text.index("附表3")]
    for person in summary.persons:
        assert person.staff_no in persons and person.name in persons
    assert "屡查屡犯问题" in text and "逾期未整改问题（按问题汇总，截至2025年6月30日）" in text
    assert "各科室（窗口）扣分" in text  # the chart's title; its labels are drawn with the CJK font


def test_bulletin_ranks_each_kind_of_checklist_apart(tmp_path: Path) -> None:
    """A failing scored inspection never ranks a department above one without problems (issue #12)."""
    ws = open_demo_workspace(tmp_path / "data")
    try:
        record_rankings_month(ws, local_time(2025, 7, 8))
        names = {d.code: d.name for d in monthly_summary(ws, "2025-07").departments}
        path = tmp_path / "bulletin.xlsx"
        write_bulletin_xlsx(ws, "2025-07", path, today=date(2025, 7, 31))
        book = load_workbook(path)
        assert [(r[0], r[1], r[7]) for r in book["扣分排名"].iter_rows(min_row=3, values_only=True)] == [
            (1, CLEAN, 0), (2, CHARGED, 2)]  # the failing department is not in the points ranking at all
        assert [(r[0], r[1], r[3], r[4], r[5]) for r in book["得分排名"].iter_rows(min_row=3, values_only=True)] == [
            (1, FAILED, 1, 85, 1)]
        idle = [r[0] for r in book["未督查"].iter_rows(min_row=3, values_only=True)]
        assert idle and not {CLEAN, CHARGED, FAILED} & set(idle)
        text = "".join(text_of(render_bulletin(ws, "2025-07", "D001-000000-TB-000009", today=date(2025, 7, 31)),
                               tmp_path, layout=True))
        section = text[text.index("附表1"):text.index("附表2")]
        table = [cols[:2] for cols in (line.split() for line in section.splitlines()) if cols and cols[0].isdigit()]
        assert table[:3] == [["1", names[CLEAN]], ["2", names[CHARGED]], ["1", names[FAILED]]]
        assert section.index(names[CHARGED]) < section.index("得分排名（评分制检查表）") < section.index(names[FAILED])
        empty = "".join(text_of(render_bulletin(ws, "2025-08", "D001-000000-TB-000010", today=date(2025, 8, 31)),
                                tmp_path))
        assert "本月没有督查任何科室" in empty and "扣分排名（扣分制检查表）" not in empty
    finally:
        ws.close()


def test_bulletin_lists_repeat_problems_and_overdue_rectifications(store: Store, tmp_path: Path) -> None:
    repeats = repeat_problems(store.ws, MONTH)
    assert all(r.inspections >= 1 and r.occurrences >= 1 and r.since <= f"{MONTH}-31" for r in repeats)
    overdue = overdue_items(store.ws, TODAY)
    assert overdue and all(o.days_overdue > 0 and o.deadline < TODAY and o.count >= len(o.persons) for o in overdue)
    assert len({(o.department, o.item_code) for o in overdue}) == len(overdue)  # one row per problem
    text = "".join(text_of(render_bulletin(store.ws, MONTH, "督通〔2025〕1号", today=TODAY), tmp_path))
    flat = re.sub(r"\s+", "", text)
    assert all(re.sub(r"\s+", "", r.item_text) in flat for r in repeats)
    assert overdue[0].deadline.isoformat() in text and str(overdue[0].days_overdue) in text


def test_bulletin_workbook_matches_the_pdf_tables(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bulletin.xlsx"
    write_bulletin_xlsx(store.ws, MONTH, path, today=TODAY)
    book = load_workbook(path)
    assert book.sheetnames == ["扣分排名", "得分排名", "未督查", "人员扣分", "重复问题", "逾期整改"]
    summary = monthly_summary(store.ws, MONTH)
    tally, scored, idle = ranking(summary)
    rows = list(book["扣分排名"].iter_rows(values_only=True))
    assert rows[0][0] == "示例市人民医院　2025年6月优质服务督查通报 — 扣分排名"  # the title row, with the month
    rows = rows[1:]
    assert rows[0] == ("排名", "编码", "科室/窗口", "督查次数", "问题次数", "科室扣分", "个人扣分合计", "扣分合计", "扣绩效 %")
    assert [(r[0], r[1], r[3], r[7], r[8]) for r in rows[1:]] == [
        (d.rank, d.code, d.tally_inspections, d.total_points, d.pay_percent) for d in tally]
    scores = list(book["得分排名"].iter_rows(min_row=2, values_only=True))
    assert scores[0] == ("排名", "编码", "科室/窗口", "评分督查次数", "平均得分", "不合格次数")
    assert scores[1:] == [(d.score_rank, d.code, d.name, d.scored_inspections, d.average_score, d.failed)
                          for d in scored]
    assert list(book["未督查"].iter_rows(min_row=3, values_only=True)) == [(d.code, d.name) for d in idle]
    people = list(book["人员扣分"].iter_rows(values_only=True))[2:]
    assert [(p[0], p[1], p[6], p[7]) for p in people] == [
        (p.rank, p.staff_no, p.points, p.pay_percent) for p in summary.persons]
    repeats = list(book["重复问题"].iter_rows(values_only=True))[2:]
    assert [(r[0], r[1], r[3] or "", r[4]) for r in repeats] == [
        (r.department, r.item_code, "、".join(r.persons), r.occurrences) for r in repeat_problems(store.ws, MONTH)]
    overdue = list(book["逾期整改"].iter_rows(values_only=True))[2:]
    assert [(o[0], o[1], o[3] or "", o[4], o[6]) for o in overdue] == [
        (o.department, o.item_code, "、".join(o.persons), o.count, o.days_overdue) for o in overdue_items(store.ws, TODAY)]
    for sheet in book.worksheets:  # printable as it is
        assert sheet.auto_filter.ref.startswith("A2:") and sheet.print_title_rows == "$2:$2"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.freeze_panes == "A3"
    widths = book["人员扣分"].column_dimensions
    names = [p.name for p in summary.persons]
    assert widths["C"].width >= 2 * max(len(n) for n in names)  # 姓名 counted as wide characters


def test_a_month_without_inspections_still_prints(store: Store, tmp_path: Path) -> None:
    pages = text_of(render_bulletin(store.ws, "2020-01", "D001-000000-TB-000002", today=TODAY), tmp_path)
    text = "".join(pages)
    assert_official_pages(pages)
    assert "共开展优质服务督查 0 次" in text and "本月没有督查任何科室" in text and "本月没有员工被扣分" in text
    path = tmp_path / "empty.xlsx"
    write_bulletin_xlsx(store.ws, "2020-01", path, today=TODAY)
    book = load_workbook(path)
    assert [book[name].max_row for name in ("扣分排名", "得分排名", "人员扣分", "重复问题")] == [2, 2, 2, 2]  # title and header rows only
    assert book["未督查"].max_row == 2 + len(monthly_summary(store.ws, "2020-01").departments)  # none ranked


# -- numbers and the register ------------------------------------------------------------------------------
def test_document_numbers_are_unique_and_increasing_also_after_reopening(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ws = open_demo_workspace(data_dir)
    numbers = [next_document_number(ws, kind) for kind in ("sheet", "notice", "bulletin", "sheet")]
    assert all(NUMBER.match(n) for n in numbers), numbers
    assert [n.split("-")[2] for n in numbers] == ["DC", "ZG", "TB", "DC"]
    assert numbers[0].split("-")[1] == ws.device_id.replace("-", "")[:6]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == sorted(set(seqs))
    for number in numbers:
        record_document(ws, number=number, kind={"DC": "sheet", "ZG": "notice", "TB": "bulletin"}[number.split("-")[2]],
                        pdf_bytes=b"%PDF-1.4 " + number.encode())
    ws.close()  # the last thing this device did was to issue documents: the numbers must not come back
    with Workspace.open(data_dir) as again:
        after = next_document_number(again, "sheet")
        assert int(after.rsplit("-", 1)[1]) > seqs[-1]
        assert after not in numbers
        again.update_settings(inspector={"name": "新督查员", "staff_no": ""})
        assert next_document_number(again, "notice").startswith("DEV-")


def test_record_document_stores_the_file_and_audits_the_row(store: Store, tmp_path: Path) -> None:
    ws = store.ws
    number = next_document_number(ws, "sheet")
    pdf = render_sheet(ws, store.main, number)
    row = record_document(ws, number=number, kind="sheet", inspection_id=store.main, pdf_bytes=pdf,
                          signed_by="演示督查员")
    assert row.sha256 == hashlib.sha256(pdf).hexdigest()
    assert re.fullmatch(rf"documents/\d{{4}}-\d{{2}}/{number}\.pdf", row.path)
    assert (ws.data_dir / row.path).read_bytes() == pdf
    assert not list((ws.data_dir / "documents").rglob("*.tmp"))
    assert row.seq == int(number.rsplit("-", 1)[1]) and row.device_id == ws.device_id
    with ws.db.read() as session:
        stored = session.scalars(select(Document).where(Document.number == number)).one()
        assert (stored.kind, stored.inspection_id, stored.signed_by) == ("sheet", store.main, "演示督查员")
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "document",
                                                         AuditEvent.entity_id == stored.id)).one()
        assert event.action == "issue" and json.loads(event.payload)["sha256"] == row.sha256
        assert audit.verify(session).ok
    with pytest.raises(InputError):
        record_document(ws, number=number, kind="sheet", pdf_bytes=pdf)
    with pytest.raises(InputError):
        next_document_number(ws, "memo")
    with pytest.raises(InputError):  # the register only points inside the data folder
        record_document(ws, number=next_document_number(ws, "sheet"), kind="sheet", pdf_bytes=pdf,
                        path="../outside.pdf")
    assert not (ws.data_dir.parent / "outside.pdf").exists()


# -- translations ---------------------------------------------------------------------------------------------
def test_the_documents_catalog_does_not_contradict_the_others() -> None:
    """Catalogs are merged into one: a msgid translated differently elsewhere would change someone else's text."""
    folder = resources_dir() / "i18n"
    mine = json.loads((folder / "zh.documents.json").read_text(encoding="utf-8"))
    for path in folder.glob("zh*.json"):
        if path.name != "zh.documents.json":
            theirs = json.loads(path.read_text(encoding="utf-8"))
            clashes = {k: (v, theirs[k]) for k, v in mine.items() if k in theirs and theirs[k] != v}
            assert not clashes, f"{path.name}: {clashes}"


def test_names_are_listed_the_way_each_language_lists_them() -> None:
    """The English bulletin said "A、B" (the Chinese enumeration comma) and "冯立新(head)"."""
    from inspector_app.core.documents.bulletin import persons_text
    from inspector_app.core.documents.layout import listing

    assert listing(["眼科", "食堂"], "zh") == "眼科、食堂" and listing(["眼科", "食堂"], "en") == "眼科, 食堂"
    assert persons_text(("冯立新", "吕佳怡"), "en") == "冯立新, 吕佳怡"


def test_english_documents_set_latin_text_in_a_proportional_face(store, tmp_path: Path) -> None:
    """The 仿宋/楷体/宋体 faces set Latin letters at a fixed width (a typewriter's page in English): an English
    bulletin and notice use the main face for every role, a Chinese one keeps the official faces."""
    official = ("GBZenKai", "BousungEG")  # the bundled 楷体 and 宋体 as pdffonts names them (this machine: no Windows)

    def faces(pdf: bytes) -> set[str]:
        return {row[0].split("+")[-1] for row in fonts_of(pdf, tmp_path)}

    english = faces(render_bulletin(store.ws, MONTH, "督通〔2025〕8号", today=TODAY, lang="en"))
    english |= faces(render_notice(store.ws, store.main, None, "D001-000000-ZG-000008", today=TODAY, lang="en"))
    assert english and not [name for name in english if name.startswith(official)], english
    assert any(name.startswith("WenQuanYiMicroHei") for name in english)
    from inspector_app.core.documents.fonts import system_fonts_dir

    if system_fonts_dir() is not None:
        return  # Windows' own 楷体/宋体 stand in for the bundled ones there
    chinese = faces(render_bulletin(store.ws, MONTH, "督通〔2025〕9号", today=TODAY))
    assert all(any(name.startswith(face) for name in chinese) for face in official), chinese
