"""SIGKILL at random moments while recording: every acknowledged entry survives, the store stays sound.

A fork server (crash_runner.py) starts one child per trial; the child records with the real Recorder and
prints `ack` after each call returns. The test kills it with SIGKILL either after a random delay (which can
land while the store is being opened) or a random instant after it announced a chosen operation (start,
record, photo, void, finish), then checks from outside: every acknowledged start, entry, photo, void and
finish is in the store, `PRAGMA integrity_check` is ok, the audit chain verifies, and the next child opens
the folder and goes on. CI runs 20 trials; INSPECTOR_FAULT_TRIALS=1000 runs the long version.
"""

from __future__ import annotations

import hashlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store import audit
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.workspace import Workspace
from tests.faults.scale import trials
from tests.helpers.fixtures import (
    REPO,
    child_env,
    make_image,
    open_demo_workspace,
    sqlite_rows,
)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL and fork")
OPS = ("start", "record", "photo", "void", "finish")
VERIFY_EVERY = 25  # the full audit verification, besides the quick checks after every trial


class Runner:
    """The fork server: one Python start-up for all trials; lines arrive through a reader thread."""

    def __init__(self, data_dir: Path, photo: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.crash_runner", str(data_dir), str(photo)], cwd=REPO,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        assert self.next(60) == "ready", self.process.stderr.read() if self.process.stderr else ""

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("eof")

    def next(self, timeout: float) -> str:
        line = self.lines.get(timeout=timeout)
        assert line != "eof", "the crash runner died"
        return line

    def trial(self, seed: int) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"trial {seed}\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@dataclass
class Tally:
    acked: dict[str, set[str]] = field(default_factory=lambda: {op: set() for op in OPS})
    kills: int = 0
    kills_during: Counter[str] = field(default_factory=Counter)  # killed after `begin OP`, before its ack
    completed: int = 0
    lost: list[str] = field(default_factory=list)


def run_trial(runner: Runner, seed: int, tally: Tally) -> dict[str, set[str]]:
    """One child, one kill (or a clean finish when the chosen moment never came); returns its acks."""
    rng = random.Random(seed)
    by_time = rng.random() < 0.3
    deadline = time.monotonic() + rng.uniform(0.0, 0.4) if by_time else None
    target, nth, delay = rng.choice(OPS), rng.randint(1, 3), rng.uniform(0.0, 0.004)
    acks: dict[str, set[str]] = {op: set() for op in OPS}
    runner.trial(seed)
    line = runner.next(30)
    assert line.startswith("child "), line
    pid = int(line.split()[1])
    pending: str | None = None  # the operation begun and not acknowledged
    seen, killed = 0, False
    while True:
        timeout = 30.0 if deadline is None or killed else max(0.0, deadline - time.monotonic())
        try:
            line = runner.next(timeout)
        except queue.Empty:
            assert deadline is not None and not killed, "the child hangs"
            _kill(pid)
            killed = True
            continue
        kind, _, rest = line.partition(" ")
        if kind == "begin":
            pending = rest
            if not killed and deadline is None and rest == target:
                seen += 1
                if seen == nth:
                    time.sleep(delay)  # a random instant inside the operation (or just after it)
                    _kill(pid)
                    killed = True
        elif kind == "ack":
            op, entry = rest.split()
            acks[op].add(entry)
            pending = None
        elif kind == "error":
            pytest.fail(f"trial {seed}: the child failed: {rest}")
        elif kind == "exit":
            status = int(rest.split()[1])
            if status == -signal.SIGKILL:
                tally.kills += 1
                if pending:
                    tally.kills_during[pending] += 1
            else:
                assert status == 0, f"trial {seed}: child exit status {status}"
                tally.completed += 1
            return acks
        elif kind == "done":
            pending = None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had already finished


def check_store(data_dir: Path, acks: dict[str, set[str]], tally: Tally) -> None:
    """From outside the app: the acknowledged work of this trial is there and the file is sound."""
    connection = sqlite3.connect(data_dir / DB_FILE)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        def present(sql: str, ids: set[str]) -> set[str]:
            found = set()
            for chunk in _chunks(sorted(ids)):
                marks = ", ".join("?" for _ in chunk)
                found |= {row[0] for row in connection.execute(sql.format(marks=marks), chunk)}
            return found

        entries = acks["record"] | acks["photo"]
        for name, sql, ids in (
            ("start", "SELECT id FROM inspections WHERE id IN ({marks})", acks["start"]),
            ("entry", "SELECT id FROM deductions WHERE id IN ({marks})", entries),
            ("void", "SELECT id FROM deductions WHERE voided_at IS NOT NULL AND id IN ({marks})", acks["void"]),
            ("finish", "SELECT id FROM inspections WHERE status = 'finished' AND id IN ({marks})", acks["finish"]),
        ):
            tally.lost += [f"{name} {i}" for i in sorted(ids - present(sql, ids))]
        for entry in acks["photo"]:
            rows = connection.execute("SELECT path, sha256 FROM photos WHERE deduction_id = ?", (entry,)).fetchall()
            if len(rows) != 1:
                tally.lost.append(f"photo of {entry}")
                continue
            path, digest = rows[0]
            stored = data_dir / path
            if not stored.is_file() or hashlib.sha256(stored.read_bytes()).hexdigest() != digest:
                tally.lost.append(f"photo file {path}")
    finally:
        connection.close()


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def verify_audit(data_dir: Path) -> None:
    with Workspace.open(data_dir) as ws:
        assert ws.db.integrity_check() == "ok"
        with ws.db.read() as session:
            report = audit.verify(session)
        assert report.ok, report.problems[:5]


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_work(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_demo_workspace(data_dir).close()
    photo = make_image(tmp_path / "photo.png", size=(320, 240))
    count = trials(20)
    tally = Tally()
    started = time.monotonic()
    runner = Runner(data_dir, photo)
    try:
        for trial in range(count):
            seed = 8_000_000 + trial
            acks = run_trial(runner, seed, tally)
            for op, ids in acks.items():
                tally.acked[op] |= ids
            check_store(data_dir, acks, tally)
            assert not tally.lost, f"trial {seed}: acknowledged work lost: {tally.lost[:5]}"
            if (trial + 1) % VERIFY_EVERY == 0:
                verify_audit(data_dir)
    finally:
        runner.close()
    # the whole history again at the end: nothing acknowledged in any trial went missing later
    check_store(data_dir, tally.acked, tally)
    verify_audit(data_dir)
    with Workspace.open(data_dir) as ws:  # the next process opens the folder and carries on
        recorder = Recorder(ws)
        draft = recorder.start(NewInspection("svc-001-assessment", "W-REG", "测试督查员"))
        [entry] = recorder.record(draft.id, NewDeduction("A2", ["1002"], note="after the trials"))
        recorder.finish(draft.id)
    assert sqlite_rows(data_dir, "SELECT count(*) FROM deductions WHERE id = ?", (entry,)) == [(1,)]
    entries = len(tally.acked["record"]) + len(tally.acked["photo"])
    print(f"\ncrash trials: {count}, kills: {tally.kills} (during an operation: {dict(tally.kills_during)}), "
          f"clean runs: {tally.completed}, acknowledged: {entries} entries, {len(tally.acked['photo'])} with "
          f"photos, {len(tally.acked['void'])} voids, {len(tally.acked['finish'])} finishes, "
          f"{len(tally.acked['start'])} starts; lost: {len(tally.lost)}; {time.monotonic() - started:.1f} s")
    assert not tally.lost
    assert tally.kills >= count // 2  # the trials really killed, not just ran
