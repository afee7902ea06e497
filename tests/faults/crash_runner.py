"""A fork server for the crash trials: imports the app once, then forks one recording child per trial.

Run as `python -m tests.faults.crash_runner DATA_DIR PHOTO`. Each stdin line `trial SEED` forks a child that
opens the data folder with the real Workspace and Recorder and works through a seeded mix of starts,
deductions (some with a photo), voids and finishes. The protocol on stdout, one line each:

    child PID                  the child of the trial (printed before the child writes anything)
    begin OP                   the child is about to call OP (start, record, photo, void, finish)
    ack OP ID                  OP returned: it is acknowledged, so it must survive any kill from now on
    done                       the child finished its work (it then exits 0)
    exit PID STATUS            the child is gone (STATUS is -9 when it was killed)

Forking from a warm process makes a trial cost milliseconds instead of a Python start-up, so the long mode
can run thousands of kills; the child still opens the store itself, exactly as a restarted app does.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from sqlalchemy import select

from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store.models import Deduction, Inspection
from inspector_app.core.workspace import Workspace

CHECKLIST = "svc-001-assessment"
STAFF = ["1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"]
OPS_PER_CHILD = 40


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def work(data_dir: Path, photo: Path, seed: int) -> None:
    """The child's seeded workload; prints `ack` only after each call has returned (committed)."""
    rng = random.Random(seed)
    ws = Workspace.open(data_dir)
    recorder = Recorder(ws, actor="crash-trial")
    with ws.db.read() as session:
        drafts = list(session.scalars(select(Inspection.id).where(Inspection.status == "draft")))
        voidable = list(session.scalars(select(Deduction.id).join(Inspection)
                                        .where(Inspection.status == "draft", Deduction.voided_at.is_(None))))
    for _ in range(OPS_PER_CHILD):
        roll = rng.random()
        if not drafts or roll < 0.06:
            say("begin start")
            started = recorder.start(NewInspection(CHECKLIST, "W-REG", "测试督查员"))
            drafts.append(started.id)
            say(f"ack start {started.id}")
        elif roll < 0.12:
            target = drafts.pop(rng.randrange(len(drafts)))
            say("begin finish")
            recorder.finish(target)
            voidable = []  # entries of a finished inspection cannot be voided; forget them all (cheap)
            say(f"ack finish {target}")
        elif roll < 0.20 and voidable:
            target = voidable.pop(rng.randrange(len(voidable)))
            say("begin void")
            recorder.void(target, "crash trial")
            say(f"ack void {target}")
        else:
            with_photo = roll > 0.92
            op = "photo" if with_photo else "record"
            staff = rng.sample(STAFF, rng.choice((1, 1, 2)))
            say(f"begin {op}")
            ids = recorder.record(rng.choice(drafts), NewDeduction(
                "A2", staff, count=rng.randint(1, 3), note=f"trial {seed}", photos=(photo,) if with_photo else ()))
            voidable.extend(ids)
            for entry in ids:
                say(f"ack {op} {entry}")
    ws.close()
    say("done")


def main() -> None:
    data_dir, photo = Path(sys.argv[1]), Path(sys.argv[2])
    say("ready")
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command != "trial":
            break
        ready_read, ready_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: wait until the parent has announced it, then work
            os.close(ready_write)
            os.read(ready_read, 1)
            code = 0
            try:
                work(data_dir, photo, int(argument))
            except BaseException as exc:  # noqa: BLE001 - any failure is a finding: report it, never hide it
                say(f"error {type(exc).__name__}: {exc}")
                code = 1
            os._exit(code)
        os.close(ready_read)
        say(f"child {pid}")
        os.write(ready_write, b"g")
        os.close(ready_write)
        _, status = os.waitpid(pid, 0)
        say(f"exit {pid} {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
