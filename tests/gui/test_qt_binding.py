"""The Qt binding the app runs on keeps Python's reference counts: PySide6 6.12.0 dropped a reference to None
on every call that returns nothing, so after a few thousand calls (an hour of a ward round) Python 3.11 aborted
with "none_dealloc" or crashed in whatever ran next (pyproject.toml pins below it)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox, QLineEdit


def test_calls_that_return_nothing_keep_none_alive(qtbot) -> None:
    field, combo = QLineEdit(), QComboBox()
    qtbot.addWidget(field)
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for _ in range(2000):
        field.setText("x")
        combo.clear()
    assert sys.getrefcount(None) - before > -100  # 4,000 calls: 6.12.0 lost 4,000 references here


def test_importing_a_module_reads_no_source(monkeypatch, tmp_path) -> None:
    """shiboken's import hook read each new module's whole source (for `__feature__`, unused here): slow at
    start-up and a crash when a worker thread imported while the GUI thread worked. inspector_app.gui turns the
    scan off, as a frozen build (no sources) has it."""
    import inspect

    import inspector_app.gui  # noqa: F401

    read = []
    monkeypatch.setattr(inspect, "getsource", lambda obj: read.append(obj) or "")
    (tmp_path / "freshly_imported_module.py").write_text("VALUE = 'PySide6'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import freshly_imported_module  # noqa: F401

    sys.modules.pop("freshly_imported_module", None)
    assert read == []
