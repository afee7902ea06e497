"""Screenshots of every main screen in Chinese and English, with demo data, for people to look at.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py --out artifacts/screens

Runs the real app on a real X server (Xvfb) at laptop size (1366×768) in a throwaway data folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="artifacts/screens")
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from inspector_app.core.demo import generate
    from inspector_app.core.i18n import set_language
    from inspector_app.core.workspace import Workspace
    from inspector_app.gui.app import create_main_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    width, height = (int(v) for v in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        set_language(lang)
        with tempfile.TemporaryDirectory() as folder:
            ws = Workspace.open(Path(folder))
            generate(ws, 80, seed=4, days=75)
            ws.update_settings(language=lang, inspector={"name": "王督查" if lang == "zh" else "Wang",
                                                         "staff_no": "D001"})
            window = create_main_window(ws)
            window.resize(width, height)
            window.show()
            shots = Shooter(app, out, lang)
            shots.take(window, "1-start")
            page = window.start_page
            page.checklist.setCurrentIndex(page.checklist.findData("svc-001-assessment"))
            page.department.setCurrentIndex(page.department.findData("W-REG"))
            page.location.setText("门诊一楼挂号大厅")
            page.start()
            record = window.record_page
            for query, staff, note in (("xp", "1002", "未佩戴胸牌"), ("推诿", "1001", "患者询问医保报销，答复“不归我管”"),
                                       ("A6", "1003", "上班时间玩手机")):
                record.items.search.setText(query)
                for row in range(record.staff.count()):
                    item = record.staff.item(row)
                    if item.data(Qt.ItemDataRole.UserRole + 1) == staff:
                        item.setCheckState(Qt.CheckState.Checked)
                record.note.setText(note)
                record.record()
            record.items.search.setText("tw")
            shots.take(window, "2-record")
            from inspector_app.core.inspection_state import load_state
            from inspector_app.gui.pages.review_dialog import ReviewDialog

            dialog = ReviewDialog(load_state(ws, record.state.id), window)
            dialog.show()
            shots.take(dialog, "3-review")
            dialog.close()
            for index, name in ((1, "4-history"), (2, "5-rectification"), (3, "6-summary"), (4, "7-settings")):
                window.nav.setCurrentRow(index)
                if name == "6-summary":
                    summary = window.summary_page
                    summary.month.setDate(date.today().replace(day=1))
                    summary.show_summary()
                    window.ctx.ops.wait()
                    app.processEvents()
                shots.take(window, name)
            from inspector_app.gui.shortcuts import ShortcutSheet

            sheet = ShortcutSheet(window)
            sheet.show()
            shots.take(sheet, "8-shortcuts")
            sheet.close()
            window.ctx.ops.wait()
            window.close()
            ws.close()
    print(f"screenshots in {out}")
    return 0


class Shooter:
    def __init__(self, app, out: Path, lang: str):  # noqa: ANN001
        self.app, self.out, self.lang = app, out, lang

    def take(self, widget, name: str) -> None:  # noqa: ANN001
        for _ in range(5):
            self.app.processEvents()
        path = self.out / f"{name}-{self.lang}.png"
        widget.grab().save(str(path))
        print(path)


if __name__ == "__main__":
    raise SystemExit(main())
