"""An enrolled inspector's key vouches for that inspector's own work only (issue #13).

Two laptops of one hospital, inspectors L001 and L002 enrolled by one office. L002's honest batch is
merged; then L001 — a compromised laptop with its real key — re-signs crafted batches that credit an
inspection to L002, hang an entry on L002's inspection, or send L002's inspection again with one more
entry. Each is quarantined with its reason, on SQLite and PostgreSQL, while an honest batch beside it
merges and L002's record stays as L002 sent it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.sync import open_bundle, push
from inspector_app.core.workspace import Workspace
from tests.helpers.hospital import found_hospital, members, resigned


@dataclass
class Pair:
    ws: Workspace  # L001's laptop: the attacker's key
    own: list[Path]  # L001's honest batches (two)
    victim: Path  # L002's honest batch
    victim_data: dict[str, Any]
    trusted: list[Any]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[Pair]:
    import json

    root = tmp_path_factory.mktemp("two-laptops")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    pushed: dict[str, list[Path]] = {}
    for number, data in zip(("L001", "L002"), laptops, strict=True):
        ws = Workspace.open(data)
        for seed in (1, 2):
            generate(ws, 2, seed=seed if number == "L001" else seed + 10, days=30)
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            pushed.setdefault(number, []).append(report.bundle)
        if number == "L001":
            attacker = ws
        else:
            ws.close()
    victim = pushed["L002"][0]
    made = Pair(attacker, pushed["L001"], victim, json.loads(members(victim)["data/inspections.json"]),
                [load_office_certificate(office)])
    yield made
    attacker.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CentralDB]:
    url = request.getfixturevalue("postgres_url")() if request.param == "postgresql" else default_url(tmp_path / "o")
    db = open_central(url)
    yield db
    db.close()


def _victims_inspection(pair: Pair) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in pair.victim_data["inspections"] if r["deductions"]))


def credit_to_l002(pair: Pair) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["inspections"][0]["inspection"]["inspector_no"] = "L002"
    return edit


def hang_on_l002(pair: Pair) -> Callable[[dict[str, Any]], None]:
    target = _victims_inspection(pair)["inspection"]["id"]

    def edit(data: dict[str, Any]) -> None:
        record = next(r for r in data["inspections"] if r["deductions"])
        record["deductions"][0]["inspection_id"] = target  # nested under L001's record, pointing at L002's
    return edit


def resend_l002_with_one_more(pair: Pair) -> Callable[[dict[str, Any]], None]:
    theirs = _victims_inspection(pair)

    def edit(data: dict[str, Any]) -> None:
        extra = copy.deepcopy(theirs["deductions"][0])
        extra["id"] = str(uuid.uuid4())
        extra["rectification"], extra["photos"] = None, []
        theirs["deductions"].append(extra)
        data["inspections"] = [theirs]  # L002's own inspection, unchanged, plus one entry of L001's making
    return edit


@pytest.mark.parametrize(("attack", "reason"), [
    (credit_to_l002, "not_author"), (hang_on_l002, "misplaced_row"), (resend_l002_with_one_more, "not_author"),
], ids=["inspection-credited-to-another", "entry-hung-on-another's-inspection", "another's-inspection-resent"])
def test_an_inspector_cannot_write_another_inspectors_record(pair: Pair, central: CentralDB, tmp_path: Path,
                                                             attack: Callable[[Pair], Any], reason: str) -> None:
    first = merge_files(central, [pair.victim], pair.trusted, tmp_path / "files")
    assert first.clean
    before = _rows_of(central, pair)
    crafted = resigned(pair.ws, pair.own[0], tmp_path, attack(pair), list_inspections=True)  # L001's real key
    assert open_bundle(crafted, pair.trusted).manifest.inspector.staff_no == "L001"
    report = merge_files(central, [crafted, pair.own[1]], pair.trusted, tmp_path / "files")
    assert [(o.status, o.reason_code) for o in report.outcomes] == [("refused", reason), ("merged", "")]
    assert "L002" in report.outcomes[0].message or reason == "misplaced_row"
    assert _rows_of(central, pair) == before  # L002's inspection: not one row more or changed


def _rows_of(central: CentralDB, pair: Pair) -> tuple[int, list[str]]:
    ids = [r["inspection"]["id"] for r in pair.victim_data["inspections"]]
    with central.read() as session:
        deductions = session.scalar(select(func.count()).select_from(m.Deduction)
                                    .where(m.Deduction.inspection_id.in_(ids)))
        hashes = sorted(session.scalars(select(m.Inspection.content_hash).where(m.Inspection.id.in_(ids))))
    return deductions or 0, hashes


def test_the_authors_own_batches_still_merge_in_any_order(pair: Pair, central: CentralDB, tmp_path: Path) -> None:
    report = merge_files(central, [pair.own[1], pair.victim, pair.own[0]], pair.trusted, tmp_path / "files")
    assert report.clean
    again = merge_files(central, [pair.own[0], pair.victim], pair.trusted, tmp_path / "files")
    assert all(o.result is not None and o.result.already_merged for o in again.outcomes)


def test_a_staff_no_beside_a_department_entry_charges_nobody(pair: Pair, central: CentralDB,
                                                               tmp_path: Path) -> None:
    """A department-charged entry that also carries a 工号 (c0006): the central staff_no column stays NULL, so
    the month's staff table (read from ix_deductions_month_staff alone) never lists that person for it."""
    from inspector_app.core.merge.summary import central_summary

    marked: list[tuple[str, str]] = []

    def edit(data: dict[str, Any]) -> None:
        for record in data["inspections"]:
            for deduction in record["deductions"]:
                if deduction["charged_to"] == "department":
                    deduction["staff_no"], deduction["staff_name"] = "L999", "不该计入"
                    marked.append((deduction["id"], deduction["local_month"]))

    source = _with_department_entries(pair, tmp_path)
    crafted = resigned(pair.ws, source, tmp_path, edit)
    assert marked
    assert merge_files(central, [crafted], pair.trusted, tmp_path / "files").clean
    with central.read() as session:
        staff = session.scalars(select(m.Deduction.staff_no).where(
            m.Deduction.id.in_([key for key, _ in marked]))).all()
    assert staff and set(staff) == {None}
    for month in {month for _, month in marked}:
        assert "L999" not in {p.staff_no for p in central_summary(central, month).persons}


_SOURCE: dict[str, Path] = {}


def _with_department_entries(pair: Pair, tmp_path: Path) -> Path:
    """One more batch of L001's, with entries charged to departments (made once per module)."""
    import json
    import shutil

    if "path" not in _SOURCE:
        (tmp_path / "share").mkdir(exist_ok=True)
        for seed in range(30, 40):
            generate(pair.ws, 6, seed=seed, days=30)
            report = push(pair.ws, tmp_path / "share", DEMO_PASSPHRASE)
            assert report.bundle is not None
            data = json.loads(members(report.bundle)["data/inspections.json"])
            if any(d["charged_to"] == "department" for r in data["inspections"] for d in r["deductions"]):
                keep = Path(tmp_path.parent / "with-department-entries.zip")
                shutil.copy(report.bundle, keep)
                _SOURCE["path"] = keep
                break
    return _SOURCE["path"]
