"""Windows file semantics (issue #18), simulated by tests/helpers/windows.py on this machine.

On Windows a file another program has open (the antivirus scanning a new file, Explorer's preview, Excel)
cannot be renamed, replaced or deleted for a while; there is no fcntl; two office PCs may merge one share
at once. Each test here failed on the code before issue #18: a PermissionError stopped the write, the
push, the publication or the merge half-way; a held probe file made the share "unreachable"; two merges
quarantined one bundle twice, one of them crashing with FileNotFoundError and leaving an orphan reason file.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector_app.core import files
from inspector_app.core.demo import generate
from inspector_app.core.files import copy_atomic, write_atomic
from inspector_app.core.identity import DEMO_PASSPHRASE, trusted_office_certs
from inspector_app.core.merge import default_url, merge_share, open_central
from inspector_app.core.merge.archive import month_of
from inspector_app.core.merge import share as merge_share_module
from inspector_app.core.sync import Quarantine, Share, push
from inspector_app.core.sync.quarantine import Gone, quarantine
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import open_demo_workspace
from tests.helpers.windows import WindowsSim


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same retry loop with shorter pauses (a held file lets go after a few attempts here)."""
    monkeypatch.setattr(files, "RETRY_DELAYS", (0.01, 0.02, 0.04, 0.08))


# -- the simulation itself ---------------------------------------------------------------------------------
def test_the_simulation_refuses_what_windows_refuses(windows: WindowsSim, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    handle = path.open("rb")
    with pytest.raises(PermissionError) as caught:
        os.replace(tmp_path / "a.txt", tmp_path / "b.txt")
    assert caught.value.winerror == 32  # type: ignore[attr-defined]
    with pytest.raises(PermissionError):
        path.unlink()
    with pytest.raises(PermissionError):
        os.rename(tmp_path, tmp_path.with_name("moved"))  # a folder with an open file in it
    handle.close()
    os.replace(path, tmp_path / "b.txt")  # closed: works
    (tmp_path / "c.txt").write_text("y")
    with pytest.raises(FileExistsError):
        os.rename(tmp_path / "c.txt", tmp_path / "b.txt")  # rename never overwrites on Windows
    for bad in ("a?.txt", "CON.txt", "dot.", "x:y", "x" * 300):
        with pytest.raises(OSError):
            (tmp_path / bad).write_bytes(b"")
    import importlib

    with pytest.raises(ImportError):
        importlib.import_module("fcntl")
    raw = windows.console()
    print("督查 𠮷 䶮")
    assert raw.getvalue() == "督查 ? ?\r\n".encode("cp936")


def test_a_held_file_lets_go_after_the_given_attempts(windows: WindowsSim, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with windows.hold(path, times=2):
        for _ in range(2):
            with pytest.raises(PermissionError):
                path.unlink()
        path.unlink()
    assert windows.refusals == 2


# -- atomic writes ------------------------------------------------------------------------------------------
def test_write_and_copy_atomic_wait_for_the_antivirus(windows: WindowsSim, tmp_path: Path) -> None:
    target = tmp_path / "index.json"
    target.write_bytes(b"old")
    with windows.hold(target, times=3):  # a reader (a laptop pulling, the antivirus) has the old one open
        write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    source = tmp_path / "source.zip"
    source.write_bytes(b"zip")
    with windows.hold(tmp_path / ".copy.zip.*.part", times=2):  # scanned as it is closed
        copy_atomic(source, tmp_path / "copy.zip")
    assert (tmp_path / "copy.zip").read_bytes() == b"zip"
    assert windows.refusals == 5
    assert not list(tmp_path.glob(".*.part"))


def test_a_file_held_for_good_is_an_error_and_leaves_no_part_file(windows: WindowsSim, tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"
    target.write_bytes(b"old")
    with windows.hold(target), pytest.raises(PermissionError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.part"))
    assert windows.refusals == len(files.RETRY_DELAYS) + 1  # bounded: tried, then gave up


def test_a_real_permission_problem_is_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def denied(*_args: object) -> None:
        calls.append(1)
        raise PermissionError(13, "Permission denied")  # POSIX: no winerror, a read-only folder

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError):
        files.replace_file(tmp_path / "a", tmp_path / "b")
    assert calls == [1]


# -- the share ---------------------------------------------------------------------------------------------
def test_a_probe_file_the_antivirus_holds_does_not_make_the_share_unreachable(windows: WindowsSim,
                                                                              tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    with windows.hold(share / ".probe-*"):
        assert Share(share).reachable()
    assert Share(share).reachable()  # and the next probe clears the one left behind
    assert not list(share.glob(".probe-*"))


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, list[Path]]]:
    """A demo laptop and two bundles it pushed (kept outside any share; each test copies them in)."""
    root = tmp_path_factory.mktemp("win-laptop")
    ws = open_demo_workspace(root / "data")
    generate(ws, 2, seed=11)
    share = root / "share"
    share.mkdir()
    first = push(ws, share, DEMO_PASSPHRASE).bundle
    generate(ws, 1, seed=12)
    second = push(ws, share, DEMO_PASSPHRASE).bundle
    assert first is not None and second is not None
    kept = [Path(shutil.copy2(b, root / b.name)) for b in (first, second)]
    yield ws, kept
    ws.close()


def _share_with(tmp_path: Path, bundles: list[Path]) -> Path:
    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    for bundle in bundles:
        shutil.copy2(bundle, share / "incoming" / bundle.name)
    return share


def test_push_waits_for_the_antivirus_on_the_new_bundle(windows: WindowsSim, tmp_path: Path,
                                                        laptop: tuple[Workspace, list[Path]]) -> None:
    ws = open_demo_workspace(tmp_path / "data")
    try:
        generate(ws, 1, seed=3)
        share = tmp_path / "share"
        share.mkdir()
        with windows.hold(share / "incoming" / ".*.part", times=2):  # scanned once written, before the rename
            report = push(ws, share, DEMO_PASSPHRASE)
        assert report.bundle is not None and report.bundle.is_file()
        assert windows.refusals == 2
    finally:
        ws.close()


def test_merge_archives_a_bundle_the_antivirus_held_a_moment(windows: WindowsSim, tmp_path: Path,
                                                             laptop: tuple[Workspace, list[Path]]) -> None:
    ws, bundles = laptop
    share = _share_with(tmp_path, bundles)
    central = open_central(default_url(tmp_path / "office"))
    try:
        months = {month_of()}
        with windows.hold(share / "incoming" / bundles[0].name, times=3):
            report = merge_share(central, share, trusted_office_certs(ws), tmp_path / "files")
        months.add(month_of())  # the month it merged in (a run just before midnight may end after it)
        assert [o.status for o in report.outcomes] == ["merged", "merged"]
        assert sorted(p.name for p in (share / "archive").rglob("*.zip")) == sorted(b.name for b in bundles)
        # a folder per laptop and month (FAT32 holds about 10,900 long names in a folder): archive/<device8>/<YYYY-MM>/
        assert {p.parent.parent.name for p in (share / "archive").rglob("*.zip")} == {bundles[0].name.split("-")[1]}
        assert {p.parent.name for p in (share / "archive").rglob("*.zip")} <= months
    finally:
        central.close()


def test_a_bundle_held_for_good_stays_for_the_next_merge(windows: WindowsSim, tmp_path: Path,
                                                        laptop: tuple[Workspace, list[Path]]) -> None:
    """Excel or Explorer keeps it open: merged, left in incoming/, archived by the next run (a no-op merge)."""
    ws, bundles = laptop
    share = _share_with(tmp_path, bundles)
    held = share / "incoming" / bundles[0].name
    central = open_central(default_url(tmp_path / "office"))
    try:
        with windows.hold(held):
            report = merge_share(central, share, trusted_office_certs(ws), tmp_path / "files")
        assert [o.status for o in report.outcomes] == ["merged", "merged"]
        assert held.is_file()
        again = merge_share(central, share, trusted_office_certs(ws), tmp_path / "files")
        assert [o.status for o in again.outcomes] == ["already_merged"]
        assert not held.exists()
    finally:
        central.close()


def test_quarantine_waits_for_the_antivirus(windows: WindowsSim, tmp_path: Path) -> None:
    share = _share_with(tmp_path, [])
    bundle = share / "incoming" / "batch-x.zip"
    bundle.write_bytes(b"not a zip")
    with windows.hold(bundle, times=2):
        moved = quarantine(Share(share), bundle, Quarantine("unreadable", "damaged"))
    assert moved.is_file() and not bundle.exists()
    assert (share / "quarantine" / "batch-x.zip.reason.json").is_file()


def test_a_bundle_gone_during_quarantine_is_gone_without_an_orphan_reason(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Another merge takes the bundle between our look and our move: "gone", and no reason file of ours."""
    share = _share_with(tmp_path, [])
    bundle = share / "incoming" / "batch-x.zip"
    bundle.write_bytes(b"not a zip")
    module = sys.modules["inspector_app.core.sync.quarantine"]
    real_write = module.write_atomic

    def write_then_lose(path: Path, data: bytes) -> None:
        real_write(path, data)
        bundle.replace(tmp_path / "taken-by-the-other-merge.zip")

    monkeypatch.setattr(module, "write_atomic", write_then_lose)
    with pytest.raises(Gone):
        quarantine(Share(share), bundle, Quarantine("unreadable", "damaged"))
    assert list((share / "quarantine").iterdir()) == []


def test_the_merge_lock_holds_without_fcntl(windows: WindowsSim, tmp_path: Path) -> None:
    """Two merges (here two threads) refusing bundles at once: the second waits for the first's move."""
    share = Share(tmp_path / "share")
    share.path.mkdir()
    inside, order = threading.Event(), []

    def first() -> None:
        with merge_share_module._share_lock(share):
            inside.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(5)
    with merge_share_module._share_lock(share):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_two_merges_racing_for_one_refused_bundle(windows: WindowsSim, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  laptop: tuple[Workspace, list[Path]]) -> None:
    """The other merge moves the bundle while this one decides: reported gone, nothing left behind."""
    ws, _ = laptop
    share = _share_with(tmp_path, [])
    bundle = share / "incoming" / "batch-broken.zip"
    bundle.write_bytes(b"PK\x03\x04 broken")
    real = merge_share_module.quarantine

    def other_merge_first(share_: Share, path: Path, reason: Quarantine) -> Path:
        real(share_, path, reason)  # the other office PC quarantines it …
        return real(share_, path, reason)  # … just before this one does

    monkeypatch.setattr(merge_share_module, "quarantine", other_merge_first)
    central = open_central(default_url(tmp_path / "office"))
    try:
        report = merge_share(central, share, trusted_office_certs(ws), tmp_path / "files")
    finally:
        central.close()
    assert [o.status for o in report.outcomes] == ["gone"]
    assert sorted(p.name for p in (share / "quarantine").iterdir()) == ["batch-broken.zip",
                                                                        "batch-broken.zip.reason.json"]


def test_console_is_cp936_by_default_under_the_simulation(windows: WindowsSim) -> None:
    raw = windows.console()
    sys.stdout.write("ok\n")
    assert isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.encoding == "cp936"
    assert raw.getvalue() == b"ok\r\n"


# -- publish and pull --------------------------------------------------------------------------------------
def test_publish_and_pull_wait_for_the_antivirus(windows: WindowsSim, tmp_path: Path,
                                                 demo_workspace: Workspace) -> None:
    """The antivirus scans a signature in the new version folder as publish renames it, and the installed
    checklist as the laptop replaces it: both wait, nothing is refused."""
    from inspector_app.core.identity import ensure_demo_identity
    from inspector_app.core.identity.storage import default_office_dir
    from inspector_app.core.sync.publish import publish
    from inspector_app.core.sync.pull import pull
    from tests.core.test_sync_pull import checklist_v2, v

    ensure_demo_identity(demo_workspace)
    share = tmp_path / "share"
    share.mkdir()
    with windows.hold(share / "published" / "*.yaml.sig", times=2):  # scanned: the folder rename waits
        report = publish(default_office_dir(demo_workspace.data_dir), share, DEMO_PASSPHRASE,
                         checklists=[checklist_v2(tmp_path)])
    assert report.version == 1 and windows.refusals == 2
    with windows.hold(demo_workspace.data_dir / "published" / "forms" / "*.part", times=2):
        pulled = pull(demo_workspace, share)
    assert not pulled.refused and windows.refusals == 4
    assert demo_workspace.library.get("svc-001-assessment").version == v(2)  # the bundled one's successor


# -- merge --jobs N with the spawn start method ------------------------------------------------------------
def test_merge_jobs_work_with_spawn(windows: WindowsSim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    laptop: tuple[Workspace, list[Path]]) -> None:
    """Windows has only spawn: before issue #18 `merge --jobs 2` there silently ran no worker at all."""
    from concurrent.futures import ProcessPoolExecutor

    from inspector_app.core.merge import workers

    windows.spawn()
    pools: list[str] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, *args: object, mp_context: object = None, **kwargs: object) -> None:
            pools.append(mp_context.get_start_method())  # type: ignore[attr-defined]
            super().__init__(*args, mp_context=mp_context, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Recorded)
    ws, bundles = laptop
    share = _share_with(tmp_path, bundles)
    (share / "incoming" / "batch-broken.zip").write_bytes(b"not a zip")
    central = open_central(default_url(tmp_path / "office"))
    try:
        report = merge_share(central, share, trusted_office_certs(ws), tmp_path / "files", jobs=2)
    finally:
        central.close()
    assert pools == ["spawn"]
    assert sorted(o.status for o in report.outcomes) == ["merged", "merged", "quarantined"]
    assert workers.default_jobs() >= 1


# -- the log ------------------------------------------------------------------------------------------------
def test_the_log_goes_on_while_another_process_holds_it(windows: WindowsSim, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The window and a command both log: on Windows the full log cannot be renamed, which printed a
    logging error for every line before issue #18 (and lost the line)."""
    import logging

    from inspector_app.core import logs

    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    root = logging.getLogger()
    before = list(root.handlers)
    path = logs.setup_logging(tmp_path / "data")
    try:
        with windows.hold(path):
            for n in range(150):
                logging.getLogger("inspector_app.test").info("line %d %s", n, "x" * 40)
        for _ in range(logs.PUT_OFF + 1):
            logging.getLogger("inspector_app.test").info("after it was let go")
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                handler.close()
                root.removeHandler(handler)
    assert "Logging error" not in capsys.readouterr().err
    text = "".join(p.read_text(encoding="utf-8") for p in path.parent.glob("inspector-app.log*"))
    assert "line 149" in text and "after it was let go" in text
    assert path.with_name("inspector-app.log.1").exists()  # rotated, once the other process let go


def test_a_long_data_folder_path_still_takes_atomic_writes(windows: WindowsSim, tmp_path: Path) -> None:
    """The part file's longer name must not be what passes Windows' 259 characters (issue #18)."""
    folder = tmp_path / ("督查数据" * 10) / ("x" * 40)
    target = folder / ("y" * (250 - len(str(folder)) - 1))
    assert len(str(target)) == 250
    write_atomic(target, b"data")
    copy_atomic(target, target.with_name("z" * len(target.name)))
    assert target.read_bytes() == b"data" and not list(folder.glob(".*.part"))
    with pytest.raises(OSError):
        write_atomic(folder / ("y" * 300), b"too long for Windows itself")
