"""Nothing touches the share on the GUI thread (issue #18).

A UNC path or mapped drive that went away blocks each stat() for seconds on Windows; before issue #18 the
window looked at the share with is_dir()/stat() on its own thread at start, every 30 s and on every watcher
event, so it froze (未响应). Here the share's stat() blocks 10 s (tests/helpers/windows.py): the window opens at
once, keeps processing events (a timer fires on time) and its status bar says the share is being checked.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QTimer

from inspector_app.core.i18n import tr
from inspector_app.gui import sync_actions
from tests.helpers.windows import WindowsSim

SHOTS = "/work/notes/shots"


def test_the_window_stays_responsive_while_the_share_hangs(gui_workspace, open_window, qtbot, tmp_path,
                                                           windows: WindowsSim, monkeypatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    gui_workspace.update_settings(share_folder=str(share))
    monkeypatch.setattr(sync_actions, "PROBE_TIMEOUT_MS", 1500)
    windows.block_stat(share, 30)  # far longer than anything below may take, even on a loaded machine
    began = time.monotonic()
    window = open_window(gui_workspace)
    assert time.monotonic() - began < 15  # the window did not wait for the share (30 s)
    assert window.share_label.text() == tr("Share: checking…")
    if os.path.isdir(SHOTS) and os.environ.get("INSPECTOR_SHOTS"):
        window.grab().save(f"{SHOTS}/win-share-checking.png")

    fired: list[float] = []
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: fired.append(time.monotonic()))
    armed = time.monotonic()
    timer.start(200)
    window.share_timer.timeout.emit()  # the 30 s tick and a watcher event while the look still hangs
    window.syncing.check_share()
    qtbot.waitUntil(lambda: bool(fired), timeout=5000)
    assert fired[0] - armed < 2.0  # on time: the event loop was never blocked (the look hangs for 30 s)
    assert windows.blocked_calls >= 1  # the look really is hanging, off the thread
    assert window.share_label.text() == tr("Share: checking…")

    qtbot.waitUntil(lambda: window.share_label.text() == tr("Share: not answering (network?)"), timeout=10000)
    windows.release()  # the network path answers at last: it is not there
    qtbot.waitUntil(lambda: window.share_label.text() == tr("Share: not reachable"), timeout=10000)
    assert time.monotonic() - began < 25  # answered once released, well before the 30 s look would end


def test_a_reachable_share_is_shown_and_watched(gui_workspace, open_window, qtbot, tmp_path) -> None:
    share = tmp_path / "share"
    (share / "published").mkdir(parents=True)
    gui_workspace.update_settings(share_folder=str(share))
    window = open_window(gui_workspace)
    qtbot.waitUntil(lambda: window.share_label.text() == tr("Share: reachable"), timeout=5000)
    assert set(window.syncing.watcher.directories()) == {str(share), str(tmp_path), str(share / "published")}
    window.ctx.ops.wait()


def test_a_quick_republish_is_seen_on_fat(gui_workspace, open_window, qtbot, tmp_path) -> None:
    """FAT keeps modification times to 2 s: a second publication within them has the same mtime. Before
    issue #18 the window compared mtimes and never pulled it."""
    from inspector_app.core.identity import DEMO_PASSPHRASE, ensure_demo_identity
    from inspector_app.core.identity.storage import default_office_dir
    from inspector_app.core.sync.publish import publish

    ensure_demo_identity(gui_workspace)
    office, share = default_office_dir(gui_workspace.data_dir), tmp_path / "share"
    share.mkdir()
    publish(office, share, DEMO_PASSPHRASE)
    gui_workspace.update_settings(share_folder=str(share))
    window = open_window(gui_workspace)
    qtbot.waitUntil(lambda: window.share_label.text() == tr("Share: reachable"), timeout=5000)
    window.ctx.ops.wait()
    index = share / "published" / "index.json"
    stamp = index.stat().st_mtime_ns
    publish(office, share, DEMO_PASSPHRASE)
    os.utime(index, ns=(stamp, stamp))  # the same 2-second FAT time as the first
    with qtbot.waitSignal(window.syncing.synced, timeout=10000):
        window.syncing.check_share()
    window.ctx.ops.wait()


def test_a_file_open_in_excel_is_a_sentence_in_the_window(qtbot, english) -> None:
    """Background work whose output file Excel holds (PermissionError naming it) gets a plain sentence,
    not 'Something went wrong: [Errno 13] …'."""
    from inspector_app.gui.operations import Operations

    ops = Operations()
    errors: list[str] = []

    def work(progress):
        raise PermissionError(13, "The process cannot access the file", "D:\\汇总.xlsx")

    ops.run("export", work, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert errors == [tr("{path} cannot be written: it is open in another program (Excel, WPS…) or this account "
                         "may not write there. Close it and try again.", path="D:\\汇总.xlsx")]
    ops.wait()
