"""The notice's seal and date stand on the page of the body's last lines (GB/T 9704 7.3.5), whatever the
number of problems and the language: read back page by page with pdftotext, the page with the date of issue
also holds the annex note (附件：…), the body's last paragraph."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from inspector_app.core.documents.notice import render_notice
from inspector_app.core.documents.official import issuer_name
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from tests.helpers.fixtures import ASSESSMENT, TZ8, local_time, open_demo_workspace

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

ISSUED = date(2025, 9, 15)
NOTES = ["Badge not worn at the counter", "Away from the window while patients queued " * 6]


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


@pytest.mark.parametrize("entries", [1, 2, 5, 9])
def test_the_seal_and_date_stand_with_the_annex_note(entries: int, tmp_path: Path, bundled_library) -> None:
    ws = open_demo_workspace(tmp_path / "data")
    try:
        recorder = Recorder(ws, actor="tester")
        inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001",
                                                  started_at=local_time(2025, 6, 10, 9, 0)),
                                    bundled_library.get(ASSESSMENT))
        for k in range(entries):
            recorder.record(inspection.id, NewDeduction(["A2", "A3", "A4"][k % 3], [f"100{1 + k % 9}"],
                                                        note=NOTES[k % 2],
                                                        recorded_at=local_time(2025, 6, 10, 9, 1 + k)))
        recorder.finish(inspection.id, finished_at=local_time(2025, 6, 10, 11, 0))
        for lang, annex_note, dated in (("zh", "附件：", "2025年9月15日"), ("en", "Annexes:", "15 September 2025")):
            pdf = tmp_path / f"notice-{lang}.pdf"
            pdf.write_bytes(render_notice(ws, inspection.id, None, "院办督改〔2025〕7号", lang=lang, today=ISSUED,
                                          created=datetime(2025, 9, 15, 10, tzinfo=TZ8)))
            pages = _pages(pdf)
            seal = f"{ws.settings.hospital}{ws.settings.inspector.office} {dated}"  # 署名 over 成文日期
            with_note = [n for n, page in enumerate(pages) if annex_note in page]
            with_seal = [n for n, page in enumerate(pages) if seal in page]
            assert len(with_note) == 1 and with_seal == with_note, (lang, entries, pages)
    finally:
        ws.close()


def test_an_office_named_with_its_hospital_prints_the_hospital_once(tmp_path: Path, bundled_library) -> None:
    """Offices often enter their full name (示例市人民医院综合办公室): the letterhead and the seal's name are
    hospital + office only when the office's name does not already begin with the hospital's."""
    assert issuer_name("示例医院", "综合办公室") == "示例医院综合办公室"
    assert issuer_name("示例医院", "示例医院综合办公室") == "示例医院综合办公室"
    assert issuer_name("", "综合办公室") == "综合办公室"
    ws = open_demo_workspace(tmp_path / "data")
    try:
        hospital = ws.settings.hospital
        ws.update_settings(inspector={**ws.settings.inspector.model_dump(), "office": f"{hospital}综合办公室"})
        recorder = Recorder(ws, actor="tester")
        inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001",
                                                  started_at=local_time(2025, 6, 10, 9, 0)),
                                    bundled_library.get(ASSESSMENT))
        recorder.record(inspection.id, NewDeduction("A2", ["1001"], recorded_at=local_time(2025, 6, 10, 9, 1)))
        recorder.finish(inspection.id, finished_at=local_time(2025, 6, 10, 11, 0))
        pdf = tmp_path / "notice.pdf"
        pdf.write_bytes(render_notice(ws, inspection.id, None, "院办督改〔2025〕8号", today=ISSUED,
                                      created=datetime(2025, 9, 15, 10, tzinfo=TZ8)))
        text = "".join(_pages(pdf))
        assert f"{hospital}{hospital}" not in text.replace(" ", "")
        assert f"{hospital}综合办公室 2025年9月15日" in text  # the seal's name over the date
    finally:
        ws.close()
