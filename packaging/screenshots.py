"""Screenshots of every screen in Chinese and English, with demo data, for people to look at.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py --out artifacts/screens

Runs the real app on a real X server (Xvfb) at laptop size (1366×768) in a throwaway data folder: the main
pages, the review and shortcut sheets, the first-run wizard (every page), the Office menu's merge dialog
with a report, training mode with its drill, result and calibration screens, the About box and the quick
start window. A window larger than the screen is reported on stderr.
"""

from __future__ import annotations

import argparse
import json
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
    parser.add_argument("--font-size", type=int, default=None, help="the font size setting (11–16)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from inspector_app.core.demo import generate
    from inspector_app.core.i18n import set_language
    from inspector_app.core.workspace import Workspace
    from inspector_app.gui.app import create_main_window
    from inspector_app.gui.desktop import brand_application

    app = QApplication.instance() or QApplication(sys.argv[:1])
    brand_application(app)  # the icon, as in the real app (the About box shows it)
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
            if args.font_size:
                ws.update_settings(font_size=args.font_size)
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
            shoot_about(shots, window)
            shoot_training(shots, window, Path(folder))
            shoot_office(shots, window, Path(folder))
            window.ctx.ops.wait()
            window.close()  # closing writes the start snapshot the quick start window shows
            shoot_quick_start(shots, ws, width, height)
            ws.close()
        with tempfile.TemporaryDirectory() as folder:
            shoot_wizard(shots, Path(folder))
    print(f"screenshots in {out}")
    return 0


ROSTER_CSV = ["工号,姓名,科室,是否科室负责人", "5001,王一,挂号收费处,是", "5002,李二,挂号收费处,否",
              "5003,,药剂科,否", "5004,赵四,药剂科,否"]  # row 4 has no name: the report lists a problem


def shoot_wizard(shots: Shooter, folder: Path) -> None:
    """Every page of the first-run wizard over a data folder never set up; Cancel at the end keeps nothing."""
    from inspector_app.core.workspace import Workspace
    from inspector_app.gui.first_run import FirstRunWizard

    ws = Workspace.open(folder / "fresh")
    wizard = FirstRunWizard(ws)
    wizard.show()
    shots.take(wizard, "10-wizard-language")
    wizard.next()
    profile = wizard.profile_page
    profile.name.setText("王督查" if shots.lang == "zh" else "Wang Li")
    profile.staff_no.setText("D001")
    profile.passphrase.setText("abc")
    shots.take(wizard, "11-wizard-profile-weak")
    profile.passphrase.setText("correct horse 督查")
    profile.repeat.setText("correct horse 督查")
    shots.take(wizard, "12-wizard-profile")
    wizard.next()
    wizard.share_page.folder.setText(str(Path.home() / "share"))
    shots.take(wizard, "13-wizard-share")
    wizard.next()
    roster = folder / "花名册.csv"
    roster.write_text("\r\n".join(ROSTER_CSV), encoding="utf-8")
    wizard.roster_page.read_file(str(roster))
    wizard.ops.wait()
    shots.take(wizard, "14-wizard-roster")
    wizard.reject()
    ws.close()


def shoot_office(shots: Shooter, window, folder: Path) -> None:
    """The merge dialog after merging three batches from this laptop and one broken file."""
    from inspector_app.core.demo import generate
    from inspector_app.core.identity import DEMO_PASSPHRASE
    from inspector_app.core.sync import push
    from inspector_app.gui.office_dialog import OfficeDialog

    ws = window.ctx.ws
    share = folder / "share"
    share.mkdir()
    for seed in (21, 22, 23):
        generate(ws, 3, seed=seed, days=5)
        push(ws, share, DEMO_PASSPHRASE)
    (share / "incoming" / "batch-00000000-00000000-0000-0000-0000-000000000000.zip").write_bytes(b"not a zip")
    dialog = OfficeDialog(window.ctx, window)
    dialog.share.setText(str(share))
    dialog.show()
    reports = []
    dialog.merged.connect(reports.append)
    dialog.start()
    window.ctx.ops.wait()
    while not reports and dialog.operation is not None:
        shots.app.processEvents()
    shots.take(dialog, "15-office-merge")
    dialog.close()


def _attempts(path: Path, trainee: str, a2: str, extra: bool) -> Path:
    data = [{"trainee": trainee, "pack": "drill-001-assessment", "scenario": "a2-late",
             "deductions": [{"item": "A2", "charged_to": a2}]},
            {"trainee": trainee, "pack": "drill-001-assessment", "scenario": "a3-no-badge",
             "deductions": [{"item": "A3", "charged_to": "T301"}]
             + ([{"item": "A4", "charged_to": "T302"}] if extra else [])}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def shoot_training(shots: Shooter, window, folder: Path) -> None:
    """Training mode's window with its banner, a drill, its result screen and the calibration screen."""
    from inspector_app.gui.training import open_calibration, open_drill

    window.training.switch(True)
    shots.take(window, "16-training")
    dialog = open_drill(window)
    dialog.choose("drill-001-assessment", "head-late-and-badge")
    dialog.items.select("A2")
    dialog.who.tick("T1101")
    dialog.record()
    dialog.items.select("A6")
    dialog.who.tick("T1102")
    dialog.record()
    dialog.items.select("A3")
    shots.take(dialog, "17-drill")
    dialog.submit()
    shots.take(dialog, "18-drill-result")
    dialog.accept()
    calibration = open_calibration(window)
    names = ("张敏", "李强") if shots.lang == "zh" else ("Zhang Min", "Li Qiang")
    calibration.add_files([_attempts(folder / "a.json", names[0], "T201", False),
                           _attempts(folder / "b.json", names[1], "T202", True)])
    shots.take(calibration, "19-calibration")
    calibration.accept()
    window.training.switch(False)


def shoot_about(shots: Shooter, window) -> None:
    """The About box is modal: shot from a timer while it is open, then closed."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def grab() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, grab)
            return
        shots.take(box, "20-about")
        box.close()

    QTimer.singleShot(100, grab)
    window._about()


def shoot_quick_start(shots: Shooter, ws, width: int, height: int) -> None:
    """The light window shown at the next start from the snapshot the main window left (cache/start.json)."""
    from inspector_app.core.i18n import language
    from inspector_app.core.start_snapshot import read_snapshot
    from inspector_app.gui.quick_start import QuickStartWindow

    snapshot = read_snapshot(ws.data_dir, language())
    if snapshot is None:
        print("no start snapshot: the quick start window was not shot", file=sys.stderr)
        return
    quick = QuickStartWindow(snapshot, None)
    quick.resize(width, height)
    quick.show()
    shots.take(quick, "21-quick-start")
    quick.close()


class Shooter:
    def __init__(self, app, out: Path, lang: str):
        self.app, self.out, self.lang = app, out, lang

    def take(self, widget, name: str) -> None:
        for _ in range(5):
            self.app.processEvents()
        path = self.out / f"{name}-{self.lang}.png"
        widget.grab().save(str(path))
        screen = self.app.primaryScreen().availableGeometry()
        frame = widget.frameGeometry()
        if frame.width() > screen.width() or frame.height() > screen.height():
            print(f"{path}: {frame.width()}×{frame.height()} does not fit the screen "
                  f"{screen.width()}×{screen.height()}", file=sys.stderr)
        print(path, f"{widget.width()}×{widget.height()}")


if __name__ == "__main__":
    raise SystemExit(main())
