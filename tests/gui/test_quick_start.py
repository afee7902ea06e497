"""Cold start in two steps: the quick start window from the snapshot, then the real window takes over."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from inspector_app.core.inspections import InspectionFilter, list_inspections
from inspector_app.core.start_snapshot import read_snapshot, write_snapshot
from inspector_app.gui.geometry import default_geometry, free_area
from inspector_app.gui.quick_start import QuickStartWindow, WorkspaceLoader, menu_titles


def _quick_window(qtbot, ws):
    snapshot = read_snapshot(ws.data_dir, "zh")
    assert snapshot is not None
    quick = QuickStartWindow(snapshot, None)
    qtbot.addWidget(quick)
    quick.show()
    qtbot.waitExposed(quick)
    return quick


def test_main_window_leaves_a_snapshot_the_quick_window_shows(main_window, qtbot):
    main_window.close()  # closing writes the snapshot for the next start
    quick = _quick_window(qtbot, main_window.ctx.ws)
    page, real = quick.start_page, main_window.start_page
    assert [page.checklist.itemText(i) for i in range(page.checklist.count())] == \
           [real.checklist.itemText(i) for i in range(real.checklist.count())]
    page.checklist.setCurrentIndex(page.checklist.findData("svc-001-assessment"))
    real.checklist.setCurrentIndex(real.checklist.findData("svc-001-assessment"))
    assert [page.department.itemData(i) for i in range(page.department.count())] == \
           [real.department.itemData(i) for i in range(real.department.count())]
    assert page.inspector.text() == real.inspector.text() == "测试督查员（T001）"
    titles = [action.text() for action in main_window.menuBar().actions()]
    assert menu_titles() == [t for t in titles if t in menu_titles()]
    assert [a.text() for a in quick.menuBar().actions()] == menu_titles()


def test_unfinished_inspections_show_the_checklist_title_compactly_or_a_plain_line(gui_workspace, open_window,
                                                                                   qtbot):
    window = open_window(gui_workspace)
    page = window.start_page
    assert page.drafts.count() == 0 and page.drafts.isHidden() and page.resume.isHidden()
    assert not page.no_drafts.isHidden() and page.no_drafts.text() == "没有未完成的督查"  # no empty white box
    page.checklist.setCurrentIndex(page.checklist.findData("svc-001-assessment"))
    page.department.setCurrentIndex(page.department.findData("W-REG"))
    page.start()
    page.refresh_drafts()
    assert page.drafts.count() == 1 and not page.drafts.isHidden() and page.no_drafts.isHidden()
    label = page.drafts.item(0).text()
    parts = label.split(" · ")
    assert parts[2] == "优质服务提升行动考核" and "svc-001" not in label  # the title, without its explanation
    assert parts[3] == "0 条" and len(parts) == 4
    assert page.drafts.item(0).toolTip() == label  # cut with "…" when narrow, whole on hover
    assert page.drafts.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    write_snapshot(gui_workspace.data_dir, page.current_snapshot())  # the quick window shows the same label
    quick = _quick_window(qtbot, gui_workspace)
    assert quick.start_page.drafts.item(0).text() == label and quick.start_page.no_drafts.isHidden()


def test_a_start_asked_for_in_the_quick_window_happens_in_the_real_one(gui_workspace, open_window, qtbot):
    first = open_window(gui_workspace)
    write_snapshot(gui_workspace.data_dir, first.start_page.current_snapshot())
    quick = _quick_window(qtbot, gui_workspace)
    page = quick.start_page
    page.checklist.setCurrentIndex(page.checklist.findData("svc-001-assessment"))
    page.department.setCurrentIndex(2)  # not the first: the choice itself must carry over
    code, label = page.department.currentData(), page.department.currentText()
    page.location.setText("门诊一楼")
    page.covert_mode.setChecked(True)
    with qtbot.waitSignal(page.waiting):
        page.start()  # before the workspace is open: remembered, nothing recorded yet
    assert list_inspections(gui_workspace, InspectionFilter(status="draft")) == []
    assert "Opening" in quick.statusBar().currentMessage() or "正在" in quick.statusBar().currentMessage()

    first.start_page.take_over(page.form())
    qtbot.waitUntil(lambda: first.inspect.currentWidget() is first.record_page)
    [draft] = list_inspections(gui_workspace, InspectionFilter(status="draft"))
    assert draft.checklist_id == "svc-001-assessment" and label.startswith(draft.department)
    assert first.start_page.department.currentData() == code
    state = first.record_page.state
    assert state.location == "门诊一楼" and state.mode == "covert"


def test_loader_opens_the_workspace_on_a_thread_and_delivers_it(tmp_path, qtbot):
    delivered: list = []
    loader = WorkspaceLoader(tmp_path / "data", delivered.append, delivered.append)
    with qtbot.waitSignal(loader._delivery.ready, timeout=30_000):
        loader.start()
    [ws] = delivered
    try:
        assert ws.data_dir == tmp_path / "data"
    finally:
        ws.close()


def test_loader_reports_a_busy_data_folder(gui_workspace, qtbot):
    from inspector_app.core.errors import DataFolderBusy

    failures: list = []
    loader = WorkspaceLoader(gui_workspace.data_dir, lambda ws: ws.close(), failures.append)
    with qtbot.waitSignal(loader._delivery.failed, timeout=30_000):
        loader.start()
    assert isinstance(failures[0], DataFolderBusy)


def _start(data_dir) -> list[str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INSPECTOR_APP_STARTUP_MARKS": "1"}
    result = subprocess.run([sys.executable, "-c", "from inspector_app.cli.main import main; raise SystemExit(main())",
                             "--data-dir", str(data_dir), "--smoke-test"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("startup ")]


def test_the_app_starts_quickly_once_a_snapshot_exists(tmp_path):
    data = tmp_path / "data"
    assert _start(data) == ["interactive", "ready"]  # first start: the ordinary path, which leaves the snapshot
    assert (data / "cache" / "start.json").is_file()
    assert _start(data) == ["quick", "interactive", "ready"]


def test_the_rare_character_faces_wait_unless_the_first_screen_needs_them(qapp) -> None:
    from inspector_app.gui.fonts import install_font, needs_rare_faces

    install_font(qapp, 11)
    assert not needs_rare_faces("示例市人民医院 王明（1001） 优质服务 挂号收费窗口 abc")
    assert needs_rare_faces("王𠮷（1001）")
    assert needs_rare_faces("欧阳𫖯 · 草稿")


# What the real start has loaded when its first screen is usable (`startup interactive`), then it exits.
_AT_FIRST_SCREEN = """
import os, sys

class Marks:
    def __init__(self, out):
        self.out = out

    def write(self, text):
        if text.startswith("startup interactive"):
            import PySide6.QtCore, PySide6.QtGui
            from inspector_app.core import i18n
            made = sorted(name for module in (PySide6.QtCore, PySide6.QtGui) for name in vars(module))
            catalogs_read = i18n.catalog.cache_info().currsize
            self.out.write(repr((sorted(sys.modules), made, catalogs_read)) + "\\n")
            self.out.flush()
            os._exit(0)
        return len(text)

    def flush(self):
        pass

sys.stdout = Marks(sys.stdout)
from inspector_app.cli.main import main
main(["--data-dir", sys.argv[1], "--smoke-test"])
"""


def test_the_first_screen_waits_for_nothing_it_does_not_show(tmp_path):
    """The quick start's first screen loads neither the store, the models, the documents nor the commands, and
    makes none of the Qt classes it can do without (each costs a bare window's start a few per cent), and
    reads no translation catalog: the snapshot carries the translations the last start looked up."""
    import ast
    import os
    import subprocess
    import sys

    from tests.helpers.fixtures import child_env

    data = tmp_path / "data"
    assert _start(data) == ["interactive", "ready"]  # the first start leaves the snapshot
    # the second is a quick one: its snapshot also has the quick window's own texts ("Opening your data…")
    assert _start(data) == ["quick", "interactive", "ready"]
    env = {**child_env(), "INSPECTOR_APP_STARTUP_MARKS": "1"}
    result = subprocess.run([sys.executable, "-c", _AT_FIRST_SCREEN, str(data)], capture_output=True, text=True,
                            check=False, env=env, timeout=120, cwd=os.getcwd())
    assert result.returncode == 0, result.stderr
    modules, qt_classes, catalogs_read = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert catalogs_read == 0
    assert "inspector_app.gui.quick_start" in modules  # the quick start it was
    heavy = ("sqlalchemy", "alembic", "pydantic", "pypinyin", "reportlab", "yaml", "cryptography", "openpyxl",
             "logging.handlers", "dataclasses", "inspector_app.core.errors", "inspector_app.core.workspace",
             "inspector_app.core.logs", "inspector_app.gui.main_window")
    assert [m for m in modules if m.split(".")[0] in heavy or m in heavy] == []
    assert [m for m in modules if m.startswith("inspector_app.cli.commands")] == []
    # a showEvent in Python (QShowEvent, QEvent.Type), the icon, Qt's catalogue, the geometry's QByteArray, the
    # raw font that checks a name for rare characters (the demo's names have none)
    assert [c for c in ("QShowEvent", "QEvent", "QIcon", "QTranslator", "QByteArray", "QRawFont")
            if c in qt_classes] == []


def test_the_bundled_face_has_every_character_of_the_ranges_it_is_trusted_with(qapp):
    """fonts.BUNDLED_COVERS lets a first screen skip opening the font file: true only while the file has them."""
    from PySide6.QtGui import QFont, QRawFont

    from inspector_app.gui import fonts

    fonts.install_font(qapp, 11, rare=False)
    face = QRawFont.fromFont(QFont(fonts._families[1]))
    missing = [hex(code) for low, high in fonts.BUNDLED_COVERS for code in range(low, high + 1)
               if not face.supportsCharacter(code)]
    assert missing == []
    assert fonts.needs_rare_faces("王𠮷") and not fonts.needs_rare_faces("钟红霞（1002）挂号收费窗口")


def test_the_quick_window_takes_the_saved_geometry(gui_workspace, open_window, qtbot):
    first = open_window(gui_workspace)
    write_snapshot(gui_workspace.data_dir, first.start_page.current_snapshot())
    snapshot = read_snapshot(gui_workspace.data_dir, "zh")
    assert snapshot is not None
    first.resize(700, 500)
    geometry = bytes(first.saveGeometry().toBase64()).decode("ascii")  # as the main window saves it
    restored = (first.width(), first.height())  # (700 × 500, or the window's minimum)
    made = default_geometry(free_area(first), QSize())[0].size()  # what the main window makes for the screen
    made = (made.width(), made.height())
    assert restored != made
    for saved, size in ((geometry, restored), ("not base64!", made), (None, made)):
        quick = QuickStartWindow(snapshot, saved)
        qtbot.addWidget(quick)
        assert (quick.width(), quick.height()) == size, saved
