"""The rectification notice as an official document: register numbers unique across laptops, deadlines from
the day of issue, problems grouped by item, the reply slip, reprints marked 补打, and the register itself —
read back from the PDFs with pdftotext/pdfinfo."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector_app.core.documents.issue import issue_notices, reprint_notice
from inspector_app.core.documents.register import (
    REGISTER_NUMBER,
    document_register,
    export_register,
)
from inspector_app.core.errors import StateError
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import (
    ASSESSMENT,
    REPO,
    TZ8,
    child_env,
    local_time,
    open_demo_workspace,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

LONG_NOTE = "患者反映窗口长时间无人，经调取监控核实，" * 4 + "属实"
ISSUED = datetime(2025, 9, 15, 10, 30, tzinfo=TZ8)  # a notice issued three months after a June inspection


def laptop(root: Path, bundled_library, block: int | None) -> tuple[Workspace, str]:
    ws = open_demo_workspace(root)
    if block is not None:
        ws.update_settings(documents={**ws.settings.documents.model_dump(), "register_block": block,
                                      "notice_prefix": "院办督改"})
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001",
                                              started_at=local_time(2025, 6, 10, 9, 30)),
                                bundled_library.get(ASSESSMENT)).id
    for minute, (item, staff, note) in enumerate([("A3", ["1001"], "未佩戴胸牌"), ("A3", ["1002"], "胸牌反戴"),
                                                 ("A2", ["1003"], LONG_NOTE), ("A1", [], "本月仅开展 1 次集体学习")]):
        recorder.record(inspection, NewDeduction(item, staff, note=note,
                                                 recorded_at=local_time(2025, 6, 10, 9, 40 + minute)))
    recorder.finish(inspection, finished_at=local_time(2025, 6, 10, 10, 30))
    return ws, inspection


@pytest.fixture(scope="module")
def laptops(tmp_path_factory: pytest.TempPathFactory, bundled_library):
    root = tmp_path_factory.mktemp("register")
    made = [laptop(root / name, bundled_library, block) for name, block in (("a", 3), ("b", 4), ("c", None))]
    yield made
    for ws, _ in made:
        ws.close()


def text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_register_numbers_are_unique_across_laptops_and_count_up(laptops) -> None:
    numbers = []
    for ws, inspection in laptops:
        for day in (0, 1):
            [issued] = issue_notices(ws, inspection, now=ISSUED + timedelta(days=day))
            numbers.append(issued.number)
    assert numbers[:4] == ["院办督改〔2025〕3001号", "院办督改〔2025〕3002号", "院办督改〔2025〕4001号",
                           "院办督改〔2025〕4002号"]
    tag = laptops[2][0].device_id.replace("-", "")[:6]
    assert numbers[4:] == [f"督改〔2025〕{tag}-1号", f"督改〔2025〕{tag}-2号"]  # no block yet: the device in it
    assert len(set(numbers)) == len(numbers) and all(REGISTER_NUMBER.search(n) for n in numbers)
    [next_year] = issue_notices(laptops[0][0], laptops[0][1], now=datetime(2026, 1, 2, 9, tzinfo=TZ8))
    assert next_year.number == "院办督改〔2026〕3001号"  # numbering starts again each year


def test_the_notice_reads_as_an_official_document(laptops, tmp_path) -> None:
    ws, inspection = laptops[0]
    [issued] = issue_notices(ws, inspection, now=ISSUED)
    body = text(issued.path, "-raw")
    flat = re.sub(r"\s+", "", body)
    assert issued.number in flat and "示例市人民医院综合办公室" in flat and "整改通知书" in flat
    assert "挂号收费窗口：" in flat  # 主送
    assert "《服务窗口和医技辅助及后勤服务科室优质服务提升行动实施方案》（宝口医发〔2023〕13号）" in flat
    assert ".txt" not in body  # never a seed file's name
    # deadlines count from the day of issue (15 September), not from the June inspection
    deadlines = [date(*map(int, d)) for d in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", flat)]
    assert min(d for d in deadlines if d.year == 2025 and d.month >= 9) >= ISSUED.date()
    assert "整改期限自本通知印发之日（2025年9月15日）起计算" in flat and "2025年9月22日" in flat
    assert "2025年9月23日起对整改情况进行复查" in flat  # re-inspection the day after the last deadline
    # one row per item with everyone it concerns; the long note in annex 1, not repeated in the table
    assert "郭建军（1001）、钟红霞（1002）" in flat
    assert flat.count(LONG_NOTE.replace(" ", "")) == 1 and "详见附件1第1条" in flat
    assert "每分扣当月绩效工资1%" in flat and "本次共扣" in flat
    assert "整改回执" in flat and "复查意见" in flat and flat.count("整改措施") >= 1
    assert "抄送：审计科。" in flat and "印发" in flat
    info = subprocess.run(["pdfinfo", str(issued.path)], capture_output=True, text=True, check=True).stdout
    assert f"device:{ws.device_id}" in info  # the device id stays in the metadata


def test_margins_follow_gb_t_9704(laptops) -> None:
    ws, inspection = laptops[1]
    [issued] = issue_notices(ws, inspection, now=ISSUED)
    boxes = text(issued.path, "-bbox", "-f", "1", "-l", "1")
    xs = [float(x) for x in re.findall(r'xMin="([\d.]+)"', boxes)]
    ys = [float(y) for y in re.findall(r'yMin="([\d.]+)"', boxes)]
    left, top = 28 * 72 / 25.4, 37 * 72 / 25.4
    assert abs(min(xs) - left) < 2  # the text block starts 28 mm from the left edge
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= left + 156 * 72 / 25.4 + 16  # 156 mm wide, a closing mark (〕，。) may hang past it
    assert min(ys) >= top - 1  # and 37 mm from the top


def test_a_reprint_keeps_the_number_and_says_bu_da(laptops, tmp_path) -> None:
    ws, inspection = laptops[1]
    [issued] = issue_notices(ws, inspection, now=ISSUED, copies=3)
    again = reprint_notice(ws, issued.number, copies=2, now=datetime(2025, 10, 8, 16, tzinfo=TZ8))
    path = tmp_path / "reprint.pdf"
    path.write_bytes(again)
    flat = re.sub(r"\s+", "", text(path, "-raw"))
    assert issued.number in flat and "补打2025年10月8日" in flat
    assert "整改期限自本通知印发之日（2025年9月15日）" in flat  # the content of the issued notice
    [row] = [r for r in document_register(ws, "notice") if r.number == issued.number]
    assert row.copies == 5 and [r.astimezone(TZ8).date() for r in row.reprints] == [date(2025, 10, 8)]
    original = (ws.data_dir / row.path).read_bytes()
    import hashlib

    assert hashlib.sha256(original).hexdigest() == row.sha256


def test_a_notice_whose_inspection_changed_is_not_reprinted_as_if_unchanged(tmp_path, bundled_library) -> None:
    ws, inspection = laptop(tmp_path / "d", bundled_library, 5)
    try:
        [issued] = issue_notices(ws, inspection, now=ISSUED)
        ws.update_settings(documents={**ws.settings.documents.model_dump(), "copy_to": "院领导"})
        with pytest.raises(StateError, match="存档文件"):
            reprint_notice(ws, issued.number)
    finally:
        ws.close()


def test_the_register_lists_and_exports(tmp_path, bundled_library) -> None:
    # a laptop of its own: the module's laptops hold what other tests issued only when run in the same worker
    ws, inspection = laptop(tmp_path / "d", bundled_library, 7)
    try:
        for day in (0, 1):
            issue_notices(ws, inspection, now=ISSUED + timedelta(days=day))
        rows = document_register(ws)
        assert len(rows) == 2 and all(r.kind == "notice" and len(r.sha256) == 64 and r.department == "挂号收费窗口"
                                      for r in rows)
        export_register(rows, tmp_path / "register.xlsx", "zh")
        sheet = load_workbook(tmp_path / "register.xlsx").active
        header = [c.value for c in sheet[1]]
        assert header[:4] == ["编号", "类别", "科室/窗口", "印发时间"] and "SHA-256" in header and "份数" in header
        assert sheet.max_row == len(rows) + 1
    finally:
        ws.close()
    export_register(rows, tmp_path / "register.csv", "zh")
    assert (tmp_path / "register.csv").read_text(encoding="utf-8-sig").count("\n") == len(rows) + 1


def test_cli_notice_without_deductions_and_the_register(tmp_path, bundled_library, capsys) -> None:
    from inspector_app.cli.main import main

    ws = open_demo_workspace(tmp_path / "data")
    recorder = Recorder(ws, actor="tester")
    clean = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001"),
                           bundled_library.get(ASSESSMENT)).id
    recorder.finish(clean)
    ws.close()
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "--lang", "en", "report", "notice", clean, "-o", str(tmp_path / "n.pdf")]) == 1
    err = capsys.readouterr().err
    assert "no problems" in err and "no notice was issued" in err and not (tmp_path / "n.pdf").exists()
    assert main(["--data-dir", data, "--lang", "en", "documents", "block", "7"]) == 0
    assert main(["--data-dir", data, "--lang", "en", "documents", "list"]) == 0
    assert "No document" in capsys.readouterr().out


@pytest.mark.undated
def test_windows_fonts_are_used_when_present(tmp_path) -> None:
    """With a simfang.ttf in the (Windows) font folder, the body is set in FangSong and embedded."""
    import lzma

    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    kai = lzma.decompress((REPO / "resources" / "fonts" / "gkai00mp.ttf.xz").read_bytes())
    (fonts / "simfang.ttf").write_bytes(kai)  # a stand-in file under Windows' name
    probe = ("from inspector_app.core.documents.fonts import face\n"
             "print(face('fangsong'), face('hei'), face('kai'))")
    env = child_env() | {"INSPECTOR_APP_FONTS_DIR": str(fonts)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["FangSong", "WQYMicroHei", "ARPLKaitiMGB"]
