"""Every name prints: staff named 王𠮷 (CJK Ext B) or 欧阳𫖯 (Ext C) appear in full on the sheet, the notice and
the bulletin — read back with pdftotext — and a character no bundled font has refuses the document by name."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from inspector_app.core.documents import render_bulletin, render_notice, render_sheet
from inspector_app.core.documents.fonts import UnprintableError, runs
from inspector_app.core.documents.layout import para, styles
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster.models import StaffMember
from inspector_app.core.roster_store import apply_roster, current_roster
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT, local_time, open_demo_workspace

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

EXT_B_NAME = "王\U00020BB7"  # 王𠮷
EXT_C_NAME = "欧阳\U0002B5AF"  # 欧阳𫖯


def add_staff(ws: Workspace, *people: tuple[str, str]) -> None:
    roster = current_roster(ws)
    extra = [StaffMember(staff_no=no, name=name, department="W-REG") for no, name in people]
    apply_roster(ws, roster.model_copy(update={"staff": [*roster.staff, *extra]}))


@pytest.fixture(scope="module")
def rare_names(tmp_path_factory: pytest.TempPathFactory, bundled_library) -> tuple[Workspace, str]:
    ws = open_demo_workspace(tmp_path_factory.mktemp("names") / "data")
    add_staff(ws, ("2001", EXT_B_NAME), ("2002", EXT_C_NAME))
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001",
                                              started_at=local_time(2025, 6, 10, 9, 30)),
                                bundled_library.get(ASSESSMENT)).id
    recorder.record(inspection, NewDeduction("A3", ["2001"], note=f"{EXT_B_NAME}未佩戴胸牌",
                                             recorded_at=local_time(2025, 6, 10, 9, 40)))
    recorder.record(inspection, NewDeduction("A2", ["2002"], recorded_at=local_time(2025, 6, 10, 9, 45)))
    recorder.finish(inspection, finished_at=local_time(2025, 6, 10, 10))
    yield ws, inspection
    ws.close()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("document", ["sheet", "notice", "bulletin"])
def test_names_beyond_the_bmp_print_in_full(rare_names, document: str, tmp_path: Path) -> None:
    ws, inspection = rare_names
    if document == "sheet":
        pdf = render_sheet(ws, inspection, "T-1")
    elif document == "notice":
        pdf = render_notice(ws, inspection, "W-REG", "T-2", today=date(2025, 6, 11))
    else:
        pdf = render_bulletin(ws, "2025-06", "T-3", today=date(2025, 6, 30))
    text = pdf_text(pdf, tmp_path)
    assert EXT_B_NAME in text  # not 王 alone, and not 王₻ (a 4-digit ToUnicode entry)
    assert EXT_C_NAME in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded (the chart's too)
    assert any("HanaMinB" in line for line in fonts)


def test_runs_pick_the_fallback_face_per_character() -> None:
    faces = runs(f"督查{EXT_B_NAME}与{EXT_C_NAME}")
    assert [segment for segment, _ in faces] == ["督查王", "\U00020BB7", "与欧阳", "\U0002B5AF"]
    assert faces[1][1] == faces[3][1] == "HanaMinB" and faces[0][1] == "WQYMicroHei"
    assert runs("㐀")[0][1] == "HanaMinA-ext"  # Ext A: Micro Hei has none of it
    assert runs("a\ufe00b") == [("ab", "WQYMicroHei")]  # a variation selector picks a glyph: nothing to draw


def test_an_unprintable_character_refuses_the_document_naming_person_and_character(rare_names) -> None:
    ws, _ = rare_names
    with pytest.raises(UnprintableError) as caught:
        para("张\U000F0001", styles()["cell"], what="员工 张？（工号 3001）")  # a private-use plane character
    message = str(caught.value)
    assert "工号 3001" in message and "U+F0001" in message
    add_staff(ws, ("3001", "张\U000F0001"))
    recorder = Recorder(ws, actor="tester")
    from inspector_app.core.checklists import ChecklistLibrary

    other = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001",
                                         started_at=local_time(2025, 6, 12, 9)),
                           ChecklistLibrary.load().get(ASSESSMENT)).id
    recorder.record(other, NewDeduction("A3", ["3001"], recorded_at=local_time(2025, 6, 12, 9, 5)))
    recorder.finish(other, finished_at=local_time(2025, 6, 12, 10))
    with pytest.raises(UnprintableError) as caught:
        render_sheet(ws, other, "T-4")
    assert "被扣分人“张\U000F0001（3001）”" in str(caught.value) and "U+F0001" in str(caught.value)
