"""The hospital's rectification ledger (整改台账) over the central database (issue #14), SQLite and PostgreSQL:
two laptops of one hospital merged; every item once with the status its laptop computes; the office's decisions
change it, bad ones are refused with nothing written; decisions reach a laptop through a publication."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.errors import InputError, StateError
from inspector_app.core.fileformat import load_model
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.rectification import RectificationView, list_rectifications
from inspector_app.core.store.models import Rectification
from inspector_app.core.sync import published_format as fmt
from inspector_app.core.sync import push
from inspector_app.core.sync.publish import publish
from inspector_app.core.sync.pull import pull
from inspector_app.core.workspace import Workspace
from inspector_app.office.ledger import (
    LedgerItem,
    decide,
    ledger,
    status_file,
    write_status_file,
)
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital

CST = timezone(timedelta(hours=8))
END = datetime(2025, 6, 20, 17, 0, tzinfo=CST)  # the demo inspections end here
TODAY = date(2025, 6, 20)
NOW = datetime(2025, 6, 20, 10, 0, tzinfo=timezone.utc)  # the office decides (18:00 in China)


@dataclass(frozen=True)
class Hospital:
    office: Path
    laptops: list[Path]
    bundles: list[Path]
    views: dict[str, tuple[str, RectificationView]]  # item id -> (laptop 工号, the laptop's own view on TODAY)


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Hospital:
    root = tmp_path_factory.mktemp("ledger")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    bundles, views = [], {}
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 25, seed=60 + n, days=40, end=END)
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            bundles.append(report.bundle)
            for view in list_rectifications(ws, today=TODAY):
                assert view.id not in views
                views[view.id] = (folder.name, view)
    return Hospital(office, laptops, bundles, views)


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path, hospital: Hospital) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, hospital.bundles, [load_office_certificate(hospital.office)]) as found:
        yield found


def _one(items: list[LedgerItem], **wanted: object) -> LedgerItem:
    return next(i for i in items if all(getattr(i, k) == v for k, v in wanted.items()))


def _written(db: CentralDB) -> tuple[int, int]:
    with db.read() as session:
        return (session.scalar(select(func.count()).select_from(m.RectificationDecision)) or 0,
                session.scalar(select(func.count()).select_from(m.OfficeEvent)) or 0)


def test_every_item_of_both_laptops_once_with_the_laptops_status(central, hospital: Hospital) -> None:
    db, _ = central
    items = ledger(db, today=TODAY)
    assert {i.inspector for i in items} == {"督查员L001（L001）", "督查员L002（L002）"}
    assert sorted(i.id for i in items) == sorted(hospital.views)  # each once, none missing
    for item in items:
        laptop, view = hospital.views[item.id]
        assert (item.status, item.deadline, item.department, item.item_code, item.person) == (
            view.status, view.deadline, view.department, view.item_code, view.person or "")
        expected = "overdue" if view.status in ("open", "overdue") and view.deadline < TODAY else view.status
        assert item.status == expected  # overdue worked out against the fixed day, never stored
        assert item.days_overdue == ((TODAY - item.deadline).days if expected == "overdue" else 0)
        assert item.inspector.endswith(f"（{laptop}）") and item.item_text and item.clause
        assert item.requirement == view.requirement and item.inspection_date <= TODAY.isoformat()
    statuses = {i.status for i in items}
    assert {"open", "overdue", "rectified", "verified"} <= statuses
    overdue = ledger(db, status="overdue", today=TODAY)
    assert [i.id for i in overdue] == [i.id for i in items if i.status == "overdue"]
    code = overdue[0].department_code
    assert {i.id for i in ledger(db, department=code, today=TODAY)} == {
        i.id for i in items if i.department_code == code}
    later = ledger(db, status="overdue", today=TODAY + timedelta(days=400))  # every open item is overdue by then
    assert {i.id for i in later} == {i.id for i in items if i.status in ("open", "overdue")}


def test_decisions_change_the_status_newest_wins(central) -> None:
    db, _ = central
    items = ledger(db, today=TODAY)
    late = _one(items, status="overdue")
    extended = decide(db, late.id, "extended", decided_by="王主任", note="科室申请", deadline=TODAY + timedelta(days=10),
                      now=NOW)
    assert (extended.status, extended.deadline, extended.days_overdue) == ("open", TODAY + timedelta(days=10), 0)
    assert (extended.decision, extended.decided_by, extended.decided_at, extended.decision_note) == (
        "extended", "王主任", NOW, "科室申请")
    def overdue_on(day: date) -> set[str]:
        return {i.id for i in ledger(db, status="overdue", today=day)}

    assert late.id not in overdue_on(TODAY + timedelta(days=10)) and late.id in overdue_on(TODAY + timedelta(days=11))
    verified = decide(db, late.id, "verified", decided_by="李督查", note="复查已改正", now=NOW + timedelta(hours=1))
    assert verified.status == "verified" and verified.decided_by == "李督查"
    reopened = decide(db, late.id, "reopened", decided_by="王主任", deadline=TODAY + timedelta(days=3),
                      now=NOW + timedelta(hours=2))
    assert (reopened.status, reopened.deadline) == ("open", TODAY + timedelta(days=3))
    done = _one(items, status="rectified")
    waived = decide(db, done.id, "waived", decided_by="王主任", note="窗口已撤销", now=NOW)
    assert waived.status == "waived" and [i.id for i in ledger(db, status="waived", today=TODAY)] == [done.id]
    # a decision made on a clock behind the newest one is still the newest
    again = decide(db, late.id, "verified", decided_by="李督查", now=NOW)
    assert again.status == "verified" and again.decided_at > NOW + timedelta(hours=2)
    assert _written(db) == (5, 5)
    with db.read() as session:
        events = session.scalars(select(m.OfficeEvent).order_by(m.OfficeEvent.id)).all()
    assert [(e.action, e.subject, e.detail["decision"], e.detail["before"], e.detail["after"]) for e in events] == [
        ("rectification_decision", late.id, "extended", "overdue", "open"),
        ("rectification_decision", late.id, "verified", "open", "verified"),
        ("rectification_decision", late.id, "reopened", "verified", "open"),
        ("rectification_decision", done.id, "waived", "rectified", "waived"),
        ("rectification_decision", late.id, "verified", "open", "verified")]


def test_bad_decisions_are_refused_and_nothing_is_written(central, english) -> None:
    db, _ = central
    items = ledger(db, today=TODAY)
    late, done = _one(items, status="overdue"), _one(items, status="verified")
    refused = [
        (InputError, "No rectification item with id nope", {"rectification_id": "nope", "decision": "verified"}),
        (InputError, "unknown decision approved", {"rectification_id": late.id, "decision": "approved"}),
        (InputError, "an extension needs the new deadline", {"rectification_id": late.id, "decision": "extended"}),
        (InputError, f"later than the current one ({late.deadline.isoformat()})",
         {"rectification_id": late.id, "decision": "extended", "deadline": late.deadline}),
        (InputError, "say why the item is waived", {"rectification_id": late.id, "decision": "waived"}),
        (InputError, "say who decides", {"rectification_id": late.id, "decision": "verified", "decided_by": " "}),
        (InputError, "only an extension or a reopening", {"rectification_id": late.id, "decision": "verified",
                                                              "deadline": TODAY}),
        (InputError, "cannot be in the past", {"rectification_id": done.id, "decision": "reopened",
                                                   "deadline": TODAY - timedelta(days=1)}),
        (StateError, "already verified", {"rectification_id": done.id, "decision": "verified"}),
        (StateError, "extend its deadline", {"rectification_id": late.id, "decision": "reopened"}),
        (StateError, "Only an open item's deadline", {"rectification_id": done.id, "decision": "extended",
                                                          "deadline": TODAY + timedelta(days=30)}),
    ]
    for error, words, kwargs in refused:
        kwargs.setdefault("decided_by", "王主任")
        with pytest.raises(error) as caught:
            decide(db, now=NOW, **kwargs)  # type: ignore[arg-type]
        assert words in str(caught.value), (words, str(caught.value))
    assert _written(db) == (0, 0)
    assert ledger(db, today=TODAY) == items


def test_a_central_verification_reaches_the_laptop(central, hospital: Hospital, tmp_path: Path) -> None:
    db, _ = central
    copy = tmp_path / "laptop"
    shutil.copytree(hospital.laptops[0], copy)  # the module's laptop stays as it was sent
    with Workspace.open(copy) as ws, ws.db.read() as session:
        rows = {r.id: r for r in session.scalars(select(Rectification))}
    mine = [i for i in ledger(db, status="overdue", today=TODAY) if i.id in rows]
    target, other = mine[0], ledger(db, status="verified", today=TODAY)
    reopen = next(i for i in other if i.id in rows)
    now = max(r.updated_at for r in rows.values()) + timedelta(minutes=1)  # after everything the laptop did
    decide(db, target.id, "verified", decided_by="办公室复查", now=now)
    decide(db, reopen.id, "reopened", decided_by="办公室复查", note="复查仍未改正", now=now)
    decide(db, mine[1].id, "extended", decided_by="办公室复查", deadline=TODAY + timedelta(days=30), now=now)
    body = status_file(db)
    assert [(s.id, s.status) for s in body.items] == sorted([(target.id, "verified"), (reopen.id, "open")])
    path = write_status_file(body, tmp_path / "status.json")
    assert load_model(path, fmt.RectificationStatusFile) == body  # what `office publish --rectifications` reads
    share = tmp_path / "share"
    share.mkdir()
    publish(hospital.office, share, DEMO_PASSPHRASE, rectifications=path)
    with Workspace.open(copy) as ws:
        report = pull(ws, share)
        assert not report.refused and report.installed
        views = {v.id: v for v in list_rectifications(ws, today=TODAY)}
        with ws.db.read() as session:
            verified_by = session.get(Rectification, target.id).verified_by
    assert views[target.id].status == "verified" and verified_by == "办公室复查"
    assert views[reopen.id].status == ("overdue" if reopen.deadline < TODAY else "open")


def test_the_commands(central, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, url = central
    run = cli_runner(tmp_path / "data", capsys)
    items = ledger(db, today=TODAY)  # the command runs on its own day: only what does not depend on it is compared
    code, out, err = run("office", "ledger", "--central", url, "--format", "json")
    assert code == 0, err
    assert [row["id"] for row in json.loads(out)] == [i.id for i in items]
    code, out, err = run("office", "ledger", "--central", url, lang="zh")
    assert code == 0, err
    assert "整改期限" in out and len(out.strip().splitlines()) == len(items) + 2
    target = next(i for i in items if i.status in ("open", "overdue"))
    code, out, err = run("office", "decide", "--central", url, "--item", target.id, "--decision", "extended",
                         "--by", "王主任")
    assert code == 1 and "an extension needs the new deadline" in err and _written(db) == (0, 0)
    with pytest.raises(SystemExit) as usage:
        run("office", "decide", "--central", url, "--item", target.id, "--decision", "approved", "--by", "王主任")
    assert usage.value.code == 2 and _written(db) == (0, 0)
    code, out, err = run("office", "decide", "--central", url, "--item", target.id, "--decision", "verified",
                         "--by", "王主任", "--note", "复查已改正")
    assert code == 0, err
    assert target.id in out and "verified" in out and _written(db) == (1, 1)
    book, status = tmp_path / "台账.xlsx", tmp_path / "status.json"
    code, out, err = run("office", "ledger", "--central", url, "--status", "verified", "-o", str(book),
                         "--publish-status", str(status))
    assert code == 0, err
    rows = list(load_workbook(book).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(i.id for i in items if i.status == "verified" or i.id == target.id)
    assert [s.id for s in load_model(status, fmt.RectificationStatusFile).items] == [target.id]
    code, out, err = run("office", "ledger", "--central", url, "-o", str(tmp_path / "x.csv"))
    assert code == 1 and ".xlsx" in err


def test_the_command_choices_are_the_modules() -> None:
    from inspector_app.cli import commands_office_ledger as cli
    from inspector_app.office import ledger as module

    assert (cli.STATUSES, cli.DECISIONS) == (module.STATUSES, module.DECISIONS)
