"""Interrupted sync: the push killed anywhere (mid-copy included), the share vanishing, a full disk.

Each case checks the same promise: incoming/ never shows a partial bundle (every visible .zip verifies), the
next push completes, and merging everything into a central database gives each inspection and entry once.
"""

from __future__ import annotations

import importlib
import random
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspector_app.core.errors import AppError
from inspector_app.core.identity import DEMO_PASSPHRASE, trusted_office_certs
from inspector_app.core.identity.demo import ensure_demo_identity
from inspector_app.core.merge import default_url, merge_share, open_central
from inspector_app.core.merge import models as central_models
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store.models import Deduction, Inspection
from inspector_app.core.sync import push
from inspector_app.core.sync.models import SyncBatch
from inspector_app.core.sync.verify import open_bundle
from inspector_app.core.workspace import Workspace
from tests.faults.scale import trials
from tests.helpers.fixtures import ASSESSMENT, REPO, child_env, open_demo_workspace

push_module = importlib.import_module("inspector_app.core.sync.push")  # the package re-exports the function
POINTS = [("build", 2), ("write", 1), ("write", 2), ("fsync", 1), ("replace", 1), ("renamed", 1)]


def noisy_photo(path: Path, seed: int) -> Path:
    """A photo that does not compress (random pixels): stored as a ~2 MB JPEG, two copy blocks of a batch."""
    rng = random.Random(seed)
    Image.frombytes("RGB", (1600, 1200), rng.randbytes(1600 * 1200 * 3)).save(path, format="PNG")
    return path


class Laptop:
    """A demo laptop enrolled by the demo office, closed between pushes (a child process may take it)."""

    def __init__(self, root: Path):
        self.root, self.data_dir, self.share = root, root / "data", root / "share"
        self.share.mkdir(parents=True)
        self.photos: list[Path] = []
        with open_demo_workspace(self.data_dir) as ws:
            ensure_demo_identity(ws)
            self.trusted = trusted_office_certs(ws)

    def photo(self, n: int) -> Path:
        while len(self.photos) <= n:  # made once each: a new photo is a new member of the batch
            self.photos.append(noisy_photo(self.root / f"photo-{len(self.photos)}.png", len(self.photos)))
        return self.photos[n]

    def finish_one(self, photos: int = 1) -> None:
        with Workspace.open(self.data_dir) as ws:
            recorder = Recorder(ws, actor="tester")
            started = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员"))
            for n in range(photos):
                recorder.record(started.id, NewDeduction("A2", ["1002"], note=f"照片 {n}", photos=(self.photo(n),)))
            recorder.record(started.id, NewDeduction("A3", [], note="科室"))
            recorder.finish(started.id)

    def push(self) -> None:
        with Workspace.open(self.data_dir) as ws:
            push(ws, self.share, DEMO_PASSPHRASE)

    def check_share(self) -> None:
        """Every bundle visible in incoming/ is whole and verifies; part files are hidden (dot) names."""
        for path in (self.share / "incoming").iterdir():
            if path.name.startswith("."):
                assert path.name.endswith(".part"), path
                continue
            open_bundle(path, self.trusted)

    def check_merge(self) -> None:
        """All sent, nothing left over, and the office gets every inspection and entry exactly once."""
        assert not list((self.share / "incoming").glob(".*.part")), "a killed copy's part file was left"
        with Workspace.open(self.data_dir) as ws, ws.db.read() as session:
            assert not session.scalars(select(SyncBatch).where(SyncBatch.sent_at.is_(None))).all()
            inspections = set(session.scalars(select(Inspection.id).where(Inspection.status == "finished")))
            entries = set(session.scalars(select(Deduction.id).join(Inspection)
                                          .where(Inspection.status == "finished")))
        central = open_central(default_url(self.root / "office"))
        try:
            report = merge_share(central, self.share, self.trusted, self.root / "office-files")
            assert report.clean, [(o.name, o.status, o.message) for o in report.outcomes]
            with central.read() as session:
                merged = session.scalars(select(central_models.Inspection.id)).all()
                merged_entries = session.scalars(select(central_models.Deduction.id)).all()
                assert session.scalar(select(func.count()).select_from(central_models.Conflict)) == 0
        finally:
            central.close()
        assert sorted(merged) == sorted(inspections) and sorted(merged_entries) == sorted(entries)


@pytest.fixture
def laptop(tmp_path: Path) -> Laptop:
    return Laptop(tmp_path)


def run_child(laptop: Laptop, point: str, nth: int, kill_after: float | None = None) -> int:
    child = subprocess.Popen([sys.executable, "-m", "tests.faults.push_runner", str(laptop.data_dir),
                              str(laptop.share), point, str(nth)], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=child_env())
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "pushing", child.stderr.read() if child.stderr else ""
        if kill_after is not None:
            time.sleep(kill_after)  # a random moment of the push
            child.send_signal(signal.SIGKILL)
        return child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()


@pytest.mark.slow
def test_push_killed_anywhere_leaves_no_partial_bundle_and_resends(laptop: Laptop) -> None:
    rng = random.Random(808)
    plan: list[tuple[str, int, float | None]] = [(p, n, None) for p, n in POINTS]
    plan += [("none", 0, rng.uniform(0.0, 0.4)) for _ in range(max(2, trials(2 + len(POINTS)) - len(POINTS)))]
    killed = 0
    for point, nth, delay in plan:
        laptop.finish_one()
        status = run_child(laptop, point, nth, delay)
        if point != "none":
            assert status == -signal.SIGKILL, f"{point} {nth}: the hook did not fire (exit {status})"
        killed += status == -signal.SIGKILL
        laptop.check_share()
        laptop.push()  # the next sync completes
        laptop.check_share()
    assert killed >= len(POINTS)
    laptop.check_merge()


def vanish_during_copy(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    """Make the share go away at the start of the copy (the stick pulled out after the checks passed)."""
    real_copy = push_module.copy_atomic

    def copy(source: Path, target: Path, *args: object, **kwargs: object) -> None:
        share = target.parent.parent
        if action == "renamed":  # unmounted: the mount point is gone
            share.rename(share.with_name("share-away"))
        elif action == "emptied":  # unmounted: an empty mount point stays behind
            share.rename(share.with_name("share-away"))
            share.mkdir()
        elif action == "incoming":  # the office removed incoming/ while we were copying
            (share / "incoming").rename(share / "incoming-away")
        real_copy(source, target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(push_module, "copy_atomic", copy)


@pytest.mark.parametrize("action", ["renamed", "emptied", "incoming"])
def test_share_vanishing_mid_sync(laptop: Laptop, monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    laptop.finish_one()
    with monkeypatch.context() as patch:
        vanish_during_copy(patch, action)
        with pytest.raises(AppError, match="interrupted|中断"):
            laptop.push()
    away = laptop.root / "share-away"
    if action == "emptied":
        assert not list(laptop.share.iterdir()), "the push wrote onto the local disk under the mount point"
        laptop.share.rmdir()
    if action == "incoming":
        (laptop.share / "incoming-away").rename(laptop.share / "incoming")
    else:
        away.rename(laptop.share)  # the share is back
    laptop.check_share()
    assert not list((laptop.share / "incoming").iterdir())  # nothing visible, not even a part file
    laptop.push()
    laptop.check_share()
    laptop.check_merge()


@pytest.fixture
def small_share(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs as the share (root only); skipped here when mounting is not permitted."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=False,
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a size-limited tmpfs here ({done.stderr.decode().strip()}); "
                    "the RLIMIT_FSIZE test covers the full disk")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_share_on_a_small_tmpfs(tmp_path: Path, small_share: Path) -> None:
    laptop = Laptop(tmp_path / "laptop")
    laptop.share.rmdir()
    laptop.share = small_share
    laptop.finish_one(photos=2)  # ~3 MB: more than the share holds
    with pytest.raises(AppError, match="disk is full|磁盘已满"):
        laptop.push()
    assert not list((small_share / "incoming").iterdir()), "a partial bundle or part file was left"
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_share)], check=True)  # space made
    laptop.push()
    laptop.check_share()
    laptop.check_merge()


FULL_DISK_CHILD = """
import resource, sys
from pathlib import Path
from inspector_app.core.errors import AppError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
ws = Workspace.open(Path(sys.argv[1]))
ws.take_sequence_ready()
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), resource.RLIM_INFINITY))
try:
    push(ws, Path(sys.argv[2]), DEMO_PASSPHRASE)
except AppError as exc:
    print("refused:", exc)
ws.close()
"""


@pytest.mark.parametrize("limit", [200_000, 1_200_000])  # the outbox bundle fails / part of the copy fails
def test_full_disk_by_file_size_limit(laptop: Laptop, limit: int) -> None:
    """A file-size limit (RLIMIT_FSIZE, no root needed) makes every large write fail with EFBIG."""
    laptop.finish_one(photos=1)
    done = subprocess.run([sys.executable, "-c", FULL_DISK_CHILD, str(laptop.data_dir), str(laptop.share),
                           str(limit)], check=False, cwd=REPO, capture_output=True, text=True, env=child_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and ("磁盘已满" in done.stdout or "disk is full" in done.stdout), done.stdout
    assert not [p for p in (laptop.data_dir / "outbox").glob(".*")], "a half bundle was left in the outbox"
    assert not list((laptop.share / "incoming").iterdir())
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == resource.RLIM_INFINITY  # only the child was limited
    laptop.push()
    laptop.check_share()
    laptop.check_merge()
