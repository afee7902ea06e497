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
from inspector_app.core.identity import DEMO_PASSPHRASE, office_init
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.rectification import RectificationView, list_rectifications
from inspector_app.core.store.audit import verify
from inspector_app.core.store.models import Rectification
from inspector_app.core.sync import published_format as fmt
from inspector_app.core.sync import push
from inspector_app.core.sync.publish import publish
from inspector_app.core.sync.pull import pull
from inspector_app.core.todo import todo_list
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
    assert [(s.id, s.status, s.decision) for s in body.items] == sorted([
        (target.id, "verified", "verified"), (reopen.id, "open", "reopened"), (mine[1].id, "open", "extended")])
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


def _laptop_b(hospital: Hospital, tmp_path: Path) -> tuple[Path, set[str]]:
    """A copy of the second laptop (the module's stays as it was sent) and the items it holds."""
    copy = tmp_path / "laptop-b"
    shutil.copytree(hospital.laptops[1], copy)
    with Workspace.open(copy) as ws, ws.db.read() as session:
        return copy, set(session.scalars(select(Rectification.id)))


def _state(folder: Path, today: date) -> tuple[dict[str, RectificationView], set[str], list[tuple]]:
    """What the laptop shows on `today`: its list, the items on its to-do page, and its rows as stored."""
    with Workspace.open(folder) as ws:
        views = {v.id: v for v in list_rectifications(ws, today=today)}
        due = {t.rectification_id for t in todo_list(ws, today) if t.kind == "reinspect"}
        with ws.db.read() as session:
            rows = sorted((r.id, r.status, r.deadline, r.office_decision, r.office_deadline, r.updated_at)
                          for r in session.scalars(select(Rectification)))
    return views, due, rows


def _extend_and_waive(db: CentralDB, mine: set[str]) -> tuple[LedgerItem, LedgerItem, date]:
    """The office extends one of laptop B's overdue items and waives another (laptop A's items are untouched)."""
    overdue = [i for i in ledger(db, status="overdue", today=TODAY) if i.id in mine]
    extended, waived = overdue[0], overdue[1]
    deadline = TODAY + timedelta(days=20)
    decide(db, extended.id, "extended", decided_by="办公室王", deadline=deadline, note="科室申请延期：设备待到货",
           now=NOW)
    decide(db, waived.id, "waived", decided_by="办公室王", note="该岗位已撤销", now=NOW + timedelta(minutes=1))
    return extended, waived, deadline


def test_extended_and_waived_reach_a_laptop_that_pulls(central, hospital: Hospital, tmp_path: Path) -> None:
    db, url = central
    laptop, mine = _laptop_b(hospital, tmp_path)
    extended, waived, deadline = _extend_and_waive(db, mine)
    body = status_file(db)
    assert body.version == 2
    assert {(s.id, s.decision, s.deadline, s.decided_by) for s in body.items} == {
        (extended.id, "extended", deadline, "办公室王"), (waived.id, "waived", None, "办公室王")}
    share = tmp_path / "share"
    share.mkdir()
    publish(hospital.office, share, DEMO_PASSPHRASE, central_url=url)  # `office publish --rectifications-from`
    published = json.loads(next((share / "published").glob("v*/rectifications.json")).read_text(encoding="utf-8"))
    assert published["version"] == 2
    views, due, _ = _state(laptop, TODAY)
    assert views[extended.id].status == views[waived.id].status == "overdue" and {extended.id, waived.id} <= due
    with Workspace.open(laptop) as ws:
        report = pull(ws, share)
    assert not report.refused and report.installed
    views, due, _ = _state(laptop, TODAY)
    shown = views[extended.id]
    assert (shown.status, shown.deadline, shown.decision, shown.decided_by, shown.decision_note) == (
        "open", deadline, "extended", "办公室王", "科室申请延期：设备待到货")
    assert shown.decided_at == NOW
    assert (views[waived.id].status, views[waived.id].decision_note) == ("waived", "该岗位已撤销")
    assert extended.id not in due and waived.id not in due  # no longer overdue, nothing to do yet
    others = [v for i, v in views.items() if i not in (extended.id, waived.id)]
    assert all(v.decision is None for v in others)
    # the day after the new deadline the extended item is overdue again and due; the waived one never is
    after, due_after, _ = _state(laptop, deadline + timedelta(days=1))
    assert after[extended.id].status == "overdue" and extended.id in due_after
    assert after[waived.id].status == "waived" and waived.id not in due_after
    assert {i.id: i.deadline for i in ledger(db, today=TODAY) if i.id == extended.id} == {extended.id: deadline}
    with Workspace.open(laptop) as ws, ws.db.read() as session:
        assert verify(session).ok  # the change is on the laptop's audit trail


def test_a_tampered_or_foreign_publication_changes_nothing(central, hospital: Hospital, tmp_path: Path,
                                                           english) -> None:
    db, url = central
    laptop, mine = _laptop_b(hospital, tmp_path)
    extended, _, _ = _extend_and_waive(db, mine)
    share = tmp_path / "share"
    share.mkdir()
    publish(hospital.office, share, DEMO_PASSPHRASE, central_url=url)
    item = next((share / "published").glob("v*/rectifications.json"))
    item.write_bytes(item.read_bytes().replace(b'"extended"', b'"waived"'))  # a waiver nobody decided
    before = _state(laptop, TODAY)
    with Workspace.open(laptop) as ws:
        report = pull(ws, share)
    assert [p.file for p in report.refused] == [str(item)]
    assert "does not match the publication index" in report.refused[0].reason
    assert _state(laptop, TODAY) == before

    stranger = tmp_path / "stranger-office"
    office_init(stranger, "冒名办公室", DEMO_PASSPHRASE)
    foreign = tmp_path / "foreign-share"
    foreign.mkdir()
    publish(stranger, foreign, DEMO_PASSPHRASE, central_url=url)  # the same decisions, someone else's key
    with Workspace.open(laptop) as ws:
        report = pull(ws, foreign)
    assert report.refused and "unknown signer" in report.refused[0].reason
    assert _state(laptop, TODAY) == before
    assert before[0][extended.id].status == "overdue"


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


def test_the_status_file_keeps_reading_version_1_and_states_its_schema(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    decided = {"id": "r1", "status": "open", "updated_at": "2025-06-20T10:00:00+00:00", "decision": "extended",
               "deadline": "2025-07-10", "decided_by": "办公室王", "decided_at": "2025-06-20T10:00:00+00:00",
               "decision_note": "延期"}
    path = tmp_path / "status.json"

    def load(version: int, *items: dict) -> fmt.RectificationStatusFile:
        path.write_text(json.dumps({"format": fmt.STATUS_FORMAT, "version": version, "items": list(items)}),
                        encoding="utf-8")
        return load_model(path, fmt.RectificationStatusFile)

    old = {k: decided[k] for k in ("id", "status", "updated_at")}
    assert load(1, old).items[0].decision is None  # what offices published before still loads
    assert load(2, decided).items[0].deadline == date(2025, 7, 10)
    for version, item, words in ((1, decided, "version 1"), (2, decided | {"deadline": None}, "new deadline"),
                                 (2, decided | {"decision": "waived", "decision_note": " "}, "reason"),
                                 (2, old | {"decided_by": "x"}, "without a decision")):
        with pytest.raises(InputError, match=words):
            load(version, item)
    run = cli_runner(tmp_path / "data", capsys)
    code, out, err = run("office", "publish", "--schema")
    assert code == 0, err
    schemas = json.loads(out)
    status = schemas["rectification-status.json"]
    assert status["properties"]["version"]["enum"] == [1, 2]
    assert {"decision", "deadline", "decided_by", "decided_at", "decision_note"} <= set(
        status["$defs"]["RectificationStatus"]["properties"])
    assert "signature" in schemas[fmt.INDEX]["required"]
    code, out, err = run("office", "publish")
    assert code != 0 and "--share" in err
