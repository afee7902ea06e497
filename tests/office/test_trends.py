"""Trends over the central database (issue #14 part 5), two laptops merged, on SQLite and PostgreSQL: each month's
department figures are the central summary's, and the most frequent problems and inspections per inspector
equal a hand count from the laptops' own stores."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.trends import DepartmentMonth, month_span, trends
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital
from tests.helpers.office_quarter import (
    ALL_MONTHS,
    RawEntry,
    RawInspection,
    plan,
    raw,
    record,
)

SEED = 11


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory,
             demo_template: Path) -> tuple[list[Path], list, list[RawInspection], list[RawEntry]]:
    root = tmp_path_factory.mktemp("trends")
    office, laptops = found_hospital(root, demo_template, ["T001", "T002"])
    share = root / "share"
    share.mkdir()
    bundles, inspections, entries = [], [], []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            record(ws, plan(SEED, n, extra=20))
            found = raw(ws)
            inspections += found[0]
            entries += found[1]
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            bundles.append(report.bundle)
    return bundles, [load_office_certificate(office)], inspections, entries


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            recorded: tuple) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path_factory.mktemp("central"), recorded[0], recorded[1]) as found:
        yield found


def test_departments_month_over_month_are_the_central_summarys(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    found = trends(db, len(ALL_MONTHS))
    assert found.months == list(ALL_MONTHS)  # ends with the newest month merged
    assert trends(db, 2, to="2026-02").months == ["2026-01", "2026-02"]
    listed = {d.code: d for d in found.departments}
    for index, month in enumerate(ALL_MONTHS):
        summary = central_summary(db, month)
        expected = {d.code: DepartmentMonth(month, d.inspections, d.occurrences, d.total_points, d.own_points,
                                            d.staff_points, d.scored_inspections, d.average_score, d.failed, d.rank)
                    for d in summary.departments}
        got = {code: trend.months[index] for code, trend in listed.items()}
        assert {c: f for c, f in got.items() if c in expected} == expected
        assert all(f == DepartmentMonth(month) for c, f in got.items() if c not in expected)
        total = found.totals[index]
        assert (total.inspections, total.occurrences, total.points) == (summary.inspections, summary.occurrences,
                                                                       summary.total_points)
    for trend in found.departments:
        assert trend.change == round(trend.months[-1].points - trend.months[-2].points, 4)


def test_problems_and_inspectors_are_the_laptops_hand_count(central: tuple[CentralDB, str], recorded: tuple) -> None:
    db, _ = central
    _, _, inspections, entries = recorded
    span = ["2026-01", "2026-02", "2026-03"]
    found = trends(db, 3, to="2026-03", top=1000)
    occurrences: Counter = Counter()
    rows: Counter = Counter()
    departments: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for e in entries:
        if e.live and e.month in span:
            occurrences[(e.checklist, e.item)] += e.count
            rows[(e.checklist, e.item)] += 1
            departments[(e.checklist, e.item)][e.department] += e.count
    assert {(p.checklist_id, p.item_code): (p.occurrences, p.entries, {c: n for c, _, n in p.departments})
            for p in found.problems} == {key: (n, rows[key], dict(departments[key])) for key, n in occurrences.items()}
    assert [p.occurrences for p in found.problems] == sorted(occurrences.values(), reverse=True)
    assert all(p.text for p in found.problems)
    top = trends(db, 3, to="2026-03", top=3).problems
    assert top == found.problems[:3]
    per = Counter((i.inspector, i.month) for i in inspections if i.month in span)
    assert {t.name: t.months for t in found.inspectors} == {
        name: [per[(name, month)] for month in span] for name in {n for n, _ in per}}
    assert [t.total for t in found.inspectors] == sorted((t.total for t in found.inspectors), reverse=True)


def test_the_command(central: tuple[CentralDB, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, url = central
    run = cli_runner(tmp_path / "data", capsys)
    code, out, err = run("office", "trends", "--central", url, "--months", "3", "--to", "2026-03", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["problems"] == json.loads(json.dumps(trends(db, 3, to="2026-03", lang="en")
                                                                .to_dict()))["problems"]
    code, out, err = run("office", "trends", "--central", url, "--months", "5", lang="zh")
    assert code == 0, err
    assert "2025-12" in out and "2026-04" in out and "督查员T001" in out
    code, out, err = run("office", "trends", "--central", url, "--months", "0")
    assert code != 0 and "36" in err
    code, out, err = run("office", "trends", "--central", url, "--to", "2026/03")
    assert code != 0 and "YYYY-MM" in err


def test_an_empty_database_and_the_span(tmp_path: Path) -> None:
    db = open_central(default_url(tmp_path))
    try:
        assert trends(db, 6).months == []
    finally:
        db.close()
    assert month_span("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    with pytest.raises(InputError):
        month_span("2026-02", 37)


def test_a_closed_month_is_shown_as_closed(tmp_path: Path, recorded: tuple) -> None:
    """A closed month's figures are its frozen summary (the bulletin's), not a fresh sum of the rows."""
    from datetime import date

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from inspector_app.core.merge import models as m
    from inspector_app.office.month import close_month

    db = open_central(default_url(tmp_path))
    try:
        assert merge_files(db, recorded[0], recorded[1], tmp_path / "files").clean
        close_month(db, "2026-01", closed_by="王主任", today=date(2026, 2, 3), force=True)
        before = trends(db, 2, to="2026-02")
        code = next(d.code for d in before.departments if d.months[0].inspections)

        def edit(session: Session) -> None:  # as if the month had been closed with other figures
            close = session.get(m.MonthClose, "2026-01")
            summary = dict(close.summary)
            summary["departments"] = [dict(d, total_points=99.5) if d["code"] == code else d
                                      for d in summary["departments"]]
            close.summary = summary

        db.transaction(edit)
        after = trends(db, 2, to="2026-02")
        shown = {d.code: d for d in after.departments}[code]
        assert shown.months[0].points == 99.5
        assert [d.months[1] for d in after.departments] == [d.months[1] for d in before.departments]  # open
        with db.read() as session:
            assert session.scalar(select(m.MonthClose.month)) == "2026-01"
    finally:
        db.close()
