"""GUI benchmarks, each against a same-run baseline (a bare Qt window or widget doing the least work).

Peak memory is VmHWM of the probe process (ru_maxrss would include the benchmark process it was forked from).

Heavy setups (100k deductions, 100k inspections) are built once into a template data folder and copied.
Subprocess probes measure whole processes (start-up, memory) so nothing from this process leaks in.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

from bench_core import _fill
from benchlib import Figure

from inspector_app.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str) -> tuple[float, str]:
    """Wall time of a fresh interpreter running `code` (offscreen), and its output."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                            cwd=ROOT, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                                           "PYTHONPATH": str(ROOT)}, timeout=300)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return elapsed, result.stdout


BARE_WINDOW = """
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    window = QMainWindow()
    window.resize(1280, 760)
    window.show()
    app.processEvents()
    print("startup interactive", flush=True)
    print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))  # peak RSS, kB
"""

APP_WINDOW = """
    import sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from inspector_app.core.workspace import Workspace
    from inspector_app.gui.app import create_main_window
    ws = Workspace.open(Path(sys.argv[1]))
    window = create_main_window(ws)
    window.show()
    app.processEvents()
    page = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if page:
        window.nav.setCurrentRow(page)
        for _ in range(3):
            app.processEvents()
    print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))  # peak RSS, kB
    window.ctx.ops.wait()
    ws.close()
"""


APP_MARKED = """
    import sys
    from inspector_app.cli.main import main
    raise SystemExit(main(["--data-dir", sys.argv[1], "--smoke-test"]))
"""


def _marks(code: str, *args: str) -> dict[str, float]:
    """Seconds from launching a fresh interpreter until each `startup <stage>` line it prints (the app's real
    start-up path: `inspector-app --data-dir D`, with INSPECTOR_APP_STARTUP_MARKS set)."""
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "INSPECTOR_APP_STARTUP_MARKS": "1"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    marks: dict[str, float] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("startup "):
            marks.setdefault(line.split()[1], time.perf_counter() - start)
    if process.wait(timeout=300) != 0:
        raise RuntimeError(process.stderr.read() if process.stderr else "failed")
    return marks


def bench_cold_start(runs: int = 7) -> list[Figure]:
    """`interactive`: the start page usable (choices shown, typing and Start accepted); `ready`: the full
    main window over the open workspace. Both from process launch, as is the bare window."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        ws = Workspace.open(data)
        from inspector_app.core.demo import generate

        generate(ws, 50, seed=3)
        ws.close()
        _marks(APP_MARKED, str(data))  # the first start writes the start snapshot and warms the file cache
        _marks(BARE_WINDOW)
        interactive, ready, bare = [], [], []
        for _ in range(runs):
            marks = _marks(APP_MARKED, str(data))
            interactive.append(marks["interactive"])
            ready.append(marks["ready"])
            bare.append(_marks(BARE_WINDOW)["interactive"])
    base = statistics.median(bare) * 1000
    first, full = statistics.median(interactive) * 1000, statistics.median(ready) * 1000
    return [Figure("cold start to an interactive main window (start page usable)", first, "ms", base,
                   "bare PySide6 QMainWindow start", target="ratio ≤ 1.3", met=first / base <= 1.3),
            Figure("cold start until the whole main window is loaded", full, "ms", base,
                   "bare PySide6 QMainWindow start", target="-", met=None)]


def _big_checklist(items: int = 200):  # noqa: ANN202
    from inspector_app.core.checklists import ChecklistLibrary

    base = ChecklistLibrary.load().get("svc-001-assessment").model_dump(mode="json")
    template = base["sections"][0]["items"][1]
    sections = []
    for s in range(10):
        rows = []
        for i in range(items // 10):
            item = dict(template)
            item["code"] = f"S{s}I{i}"
            item["keywords"] = [f"关键词{s}{i}", "胸牌"]
            rows.append(item)
        sections.append({"code": f"S{s}", "title": {"zh": f"第{s}部分"}, "items": rows})
    base.update(id="bench-200", sections=sections)
    from inspector_app.core.checklists.models import Checklist

    return Checklist.model_validate(base)


def bench_open_checklist(repeats: int = 7) -> list[Figure]:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTreeView

    from inspector_app.core.recording import NewInspection, Recorder
    from inspector_app.gui.app import create_main_window

    app = QApplication.instance() or QApplication([])
    checklist = _big_checklist()
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.open(Path(folder) / "data")
        window = create_main_window(ws)
        window.show()
        inspection = Recorder(ws).start(NewInspection(checklist.id, "W-REG", "基准"), checklist)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            window.open_inspection(inspection.id)
            app.processEvents()
            times.append(time.perf_counter() - start)
        window.ctx.ops.wait()
        window.close()
        ws.close()
    baseline = []
    texts = [item.text.zh for item in checklist.items()]
    for _ in range(repeats):
        start = time.perf_counter()
        model, view = QStandardItemModel(), QTreeView()
        for text in texts:
            model.appendRow([QStandardItem(text)])
        view.setModel(model)
        view.show()
        app.processEvents()
        baseline.append(time.perf_counter() - start)
        view.close()
    value, base = statistics.median(times), statistics.median(baseline)
    return [Figure("open a 200-item checklist", value * 1000, "ms", base * 1000,
                   "bare QTreeView filled with the 200 item texts", target="≤ 100 ms", met=value <= 0.1)]


def bench_keypress_to_visible(samples: int = 60) -> list[Figure]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QTableView

    from inspector_app.core.recording import NewInspection, Recorder
    from inspector_app.gui.app import create_main_window

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.open(Path(folder) / "data")
        _fill(ws, 100_000)
        window = create_main_window(ws)
        window.show()
        inspection = Recorder(ws).start(NewInspection("svc-001-assessment", "W-REG", "基准"))
        window.open_inspection(inspection.id)
        page = window.record_page
        times = []
        for index in range(samples):
            page.items.search.setText("A2")
            page.charge_department.setChecked(True)
            page.note.setText(f"样本 {index}")
            app.processEvents()
            start = time.perf_counter()
            QTest.keyClick(page.note, Qt.Key.Key_Return)
            app.processEvents()  # the new row painted
            times.append(time.perf_counter() - start)
            assert page.entries_model.rowCount() == index + 1
        window.ctx.ops.wait()
        window.close()
        db = ws.db.path
        ws.close()
        baseline = []
        connection = sqlite3.connect(db, isolation_level=None)
        connection.execute("PRAGMA synchronous=FULL")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(deductions)")]
        template = list(connection.execute(f"SELECT {', '.join(columns)} FROM deductions LIMIT 1").fetchone())
        model, view = QStandardItemModel(), QTableView()
        view.setModel(model)
        view.show()
        for index in range(samples):
            row = list(template)
            row[columns.index("id")], row[columns.index("seq")] = str(uuid.uuid4()), 20_000_000 + index
            start = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(f"INSERT INTO deductions VALUES ({', '.join('?' for _ in columns)})", row)
            connection.execute("COMMIT")
            model.appendRow([QStandardItem(str(v)) for v in row[:8]])
            app.processEvents()
            baseline.append(time.perf_counter() - start)
        view.close()
        connection.close()
    value, base = statistics.median(times), statistics.median(baseline)
    return [Figure("keypress to visible deduction, 100k stored", value * 1000, "ms", base * 1000,
                   "raw sqlite3 insert + append to a bare QTableView", target="≤ 10 ms", met=value <= 0.01)]


def bench_history_memory(rows: int = 100_000) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        ws = Workspace.open(data)
        from inspector_app.core.demo import generate

        generate(ws, 50, seed=5)
        ws.close()
        _clone_inspections(data / "inspector.db", rows)
        _, app_out = _python(APP_WINDOW, str(data), "1")
        _, bare_out = _python(BARE_WINDOW)
    app_mb, bare_mb = int(app_out.split()[-1]) / 1024, int(bare_out.split()[-1]) / 1024
    return [Figure(f"peak memory with the {rows // 1000}k-row history open", app_mb, "MB", bare_mb,
                   "bare PySide6 QMainWindow process", target="≤ 250 MB RSS", met=app_mb <= 250)]


def _clone_inspections(db: Path, target: int) -> None:
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    columns = [row[1] for row in connection.execute("PRAGMA table_info(inspections)")]
    template = connection.execute(f"SELECT {', '.join(columns)} FROM inspections").fetchall()
    have = len(template)
    id_at, seq_at = columns.index("id"), columns.index("seq")
    rows = []
    for index in range(target - have):
        row = list(template[index % have])
        row[id_at], row[seq_at] = str(uuid.uuid4()), 1_000_000 + index
        rows.append(row)
    connection.executemany(f"INSERT INTO inspections ({', '.join(columns)}) VALUES "
                           f"({', '.join('?' for _ in columns)})", rows)
    connection.execute("COMMIT")
    connection.close()


ALL = [bench_cold_start, bench_open_checklist, bench_keypress_to_visible, bench_history_memory]
__all__ = ["ALL", "shutil"]
