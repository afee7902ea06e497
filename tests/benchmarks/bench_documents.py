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


def bench_notice(entries: int = 60) -> list[Figure]:
    from inspector_app.core.documents.fonts import face
    from inspector_app.core.documents.notice import render_notice

    folder = Path(tempfile.mkdtemp())
    ws = open_demo_workspace(folder / "data")
    try:
        recorder = Recorder(ws, actor="bench")
        started = datetime(2025, 6, 12, 9, tzinfo=TZ8)
        inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "督查员", inspector_no="D001",
                                                  started_at=started), ChecklistLibrary.load().get(ASSESSMENT)).id
        with recorder.batch():
            for i in range(entries):
                recorder.record(inspection, NewDeduction(ITEMS[i % 5], [STAFF[i % 4]],
                                                         note=f"第 {i + 1} 次：" + "工作时间玩手机，经提醒后仍未改正。" * (1 + i % 3),
                                                         recorded_at=started + timedelta(minutes=i)))
        recorder.finish(inspection)
        issued = datetime(2025, 6, 20, 10, tzinfo=TZ8)

        def render() -> bytes:
            return render_notice(ws, inspection, "W-REG", "督改〔2025〕1001号", today=date(2025, 6, 20), created=issued)

        pdf = render()  # warm: fonts registered, checklist parsed
        path = folder / "notice.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        font = face("fangsong")
        notice = best_of(render)
        bare = best_of(lambda: _baseline(text, font))
    finally:
        ws.close()
        shutil.rmtree(folder, ignore_errors=True)
    return [Figure(f"rectification notice, {entries} entries", notice, "s", bare,
                   "reportlab canvas drawing the same text", "≤ 2 s", notice <= 2.0)]


ALL = [bench_notice]

if __name__ == "__main__":
    for figure in bench_notice():
        print(figure.line())
