"""Generation time of the official documents against reportlab alone drawing the same text.

The baseline takes the notice's own text (pdftotext of the rendered PDF, line by line) and draws it with a
bare reportlab canvas in the same face, one line after another, page by page: the cost of the typesetting
itself, without tables, wrapping, fallback runs or the scoring figures.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from benchlib import Figure, best_of

from inspector_app.core.checklists import ChecklistLibrary
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from tests.helpers.fixtures import ASSESSMENT, TZ8, open_demo_workspace

STAFF = ["1001", "1002", "1003", "1004"]
ITEMS = ["A2", "A3", "A4", "A5", "A6"]


def _baseline(text: str, font: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for page in text.split("\f"):
        y = 760.0
        for line in page.splitlines():
            canvas.setFont(font, 12)
            canvas.drawString(80, y, line)
            y -= 16
            if y < 80:
                canvas.showPage()
                y = 760.0
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _text_of(pdf: bytes, folder: Path) -> str:
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def bench_documents(entries: int = 60) -> list[Figure]:
    """The notice (60 entries), the sheet of the same inspection and a demo month's bulletin."""
    from inspector_app.core.demo import generate
    from inspector_app.core.documents import render_bulletin, render_sheet
    from inspector_app.core.documents.fonts import FONT, face
    from inspector_app.core.documents.notice import render_notice

    folder = Path(tempfile.mkdtemp())
    ws = open_demo_workspace(folder / "data")
    try:
        generate(ws, 40, seed=3, end=datetime(2025, 6, 28, 18, tzinfo=TZ8))
        recorder = Recorder(ws, actor="bench")
        started = datetime(2025, 6, 12, 9, tzinfo=TZ8)
        inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "督查员", inspector_no="D001",
                                                  started_at=started), ChecklistLibrary.load().get(ASSESSMENT)).id
        with recorder.batch():
            for i in range(entries):
                note = f"第 {i + 1} 次：" + "工作时间玩手机，经提醒后仍未改正。" * (1 + i % 3)
                recorder.record(inspection, NewDeduction(ITEMS[i % 5], [STAFF[i % 4]], note=note,
                                                         recorded_at=started + timedelta(minutes=i)))
        recorder.finish(inspection)
        issued = datetime(2025, 6, 20, 10, tzinfo=TZ8)
        documents = {
            f"rectification notice, {entries} entries": (lambda: render_notice(
                ws, inspection, "W-REG", "督改〔2025〕1001号", today=date(2025, 6, 20), created=issued),
                face("fangsong")),
            f"inspection sheet, {entries} entries": (lambda: render_sheet(ws, inspection, "T-1"), FONT),
            "monthly bulletin, 40 demo inspections": (lambda: render_bulletin(ws, "2025-06", "T-2",
                                                                              today=date(2025, 6, 30)), FONT),
            # English: Latin line breaking (words, not characters) and the wider English columns
            f"rectification notice in English, {entries} entries": (lambda: render_notice(
                ws, inspection, "W-REG", "督改〔2025〕1001号", lang="en", today=date(2025, 6, 20), created=issued),
                face("fangsong")),
            "monthly bulletin in English, 40 demo inspections": (lambda: render_bulletin(
                ws, "2025-06", "T-2", lang="en", today=date(2025, 6, 30)), FONT),
        }
        figures = []
        for name, (render, font) in documents.items():
            text = _text_of(render(), folder)  # warm: fonts registered, checklist parsed
            made = best_of(render)
            bare = best_of(lambda text=text, font=font: _baseline(text, font))
            figures.append(Figure(name, made, "s", bare, "reportlab canvas drawing the same text", "≤ 2 s",
                                  made <= 2.0))
    finally:
        ws.close()
        shutil.rmtree(folder, ignore_errors=True)
    return figures


ALL = [bench_documents]

if __name__ == "__main__":
    for figure in bench_documents():
        print(figure.line())
