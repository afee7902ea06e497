"""The pay list for the 审计科 from the central database (issue #14): two laptops merged, on SQLite and PostgreSQL.

Its per-person and per-department totals are the central summary's, and the entries behind them add up to
those totals (points exactly; pay share up to the 100% cap), each with its item, clause and inspector.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.periods import keys_covering, months_of
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.pay_list import pay_list, write_pay_list_xlsx
from tests.helpers.central import merged_central
from tests.helpers.fixtures import cli_runner
from tests.helpers.hospital import found_hospital


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[list[Path], list]:
    root = tmp_path_factory.mktemp("pay-list")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    sent = []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 25, seed=40 + n, days=40)
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            sent.append(report.bundle)
    return sent, [load_office_certificate(office)]


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path,
            bundles: tuple[list[Path], list]) -> Iterator[tuple[CentralDB, str]]:
    with merged_central(request, tmp_path, *bundles) as found:
        yield found


def _months(db: CentralDB) -> list[str]:
    with db.read() as session:
        return sorted(set(session.scalars(select(m.Deduction.local_month))))


def test_pay_list_totals_are_the_central_summarys(central: tuple[CentralDB, str]) -> None:
    db, _ = central
    months = _months(db)
    assert months
    for month in months:
        pay = pay_list(db, month)
        summary = central_summary(db, month)
        assert pay.summary.to_dict() | {"generated_at": ""} == summary.to_dict() | {"generated_at": ""}
        with db.read() as session:
            live = session.scalar(select(func.count()).select_from(m.Deduction).where(
                m.Deduction.local_month == month, m.Deduction.voided_at.is_(None)))
        assert len(pay.lines) == live  # every live entry of the month, none twice
        points: dict[str, float] = defaultdict(float)
        share: dict[str, float] = defaultdict(float)
        for line in pay.lines:
            if line.staff_no:
                points[line.staff_no] += line.points
                share[line.staff_no] += line.pay_percent
            assert line.item_text and line.clause and line.inspector
            # dated in its month, or (a quarterly or half-yearly rule) in an earlier month of its period: the
            # charge counts in the period's last month (core/periods.py)
            half = months_of(keys_covering(month)[2])
            assert line.date[:7] in half[:half.index(month) + 1]
        for person in summary.persons:
            assert round(points[person.staff_no], 4) == person.points
            assert min(100.0, round(share[person.staff_no], 4)) == person.pay_percent


def test_the_command_writes_the_workbook(central: tuple[CentralDB, str], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db, url = central
    month = max(_months(db), key=lambda mo: len(central_summary(db, mo).persons))
    run = cli_runner(tmp_path / "data", capsys)
    target = tmp_path / "绩效扣减明细.xlsx"
    code, out, err = run("office", "pay-list", "--central", url, "--month", month, "-o", str(target))
    assert code == 0, err
    assert str(target) in out
    staff, departments, entries, corrections = load_workbook(target).worksheets
    summary = central_summary(db, month)
    rows = list(staff.iter_rows(min_row=2, values_only=True))
    expected = {p.staff_no: (p.points, p.pay_percent) for p in summary.persons}
    assert {row[0]: (row[5], row[6]) for row in rows} == expected
    assert entries.max_row - 1 == len(pay_list(db, month).lines)
    assert corrections.max_row == 1  # no month closed: nothing carried
    code, _, err = run("office", "pay-list", "--central", url, "--month", month, "-o", str(tmp_path / "x.pdf"))
    assert code != 0 and "not closed" in err  # only a closed month's pay list is issued on paper
    code, _, err = run("office", "pay-list", "--central", url, "--month", month, "-o", str(tmp_path / "x.csv"))
    assert code != 0 and ".xlsx" in err


def test_write_refuses_other_formats(central: tuple[CentralDB, str], tmp_path: Path) -> None:
    from inspector_app.core.errors import AppError

    db, _ = central
    with pytest.raises(AppError):
        write_pay_list_xlsx(pay_list(db, _months(db)[0]), tmp_path / "x.csv")


def test_the_closing_day_is_the_offices_own(central: tuple[CentralDB, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A month closed at 01:30 in Beijing (17:30 UTC the day before) says it was closed that Beijing day."""
    import dataclasses
    import subprocess
    import time
    from datetime import datetime, timezone

    from inspector_app.office.pay_list_pdf import render_pay_list

    db, _ = central
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        closed = dataclasses.replace(pay_list(db, _months(db)[0]),
                                     closed_at=datetime(2025, 6, 30, 17, 30, tzinfo=timezone.utc))
        pdf = render_pay_list(closed, hospital="示例市人民医院", office="综合办公室")
    finally:
        monkeypatch.undo()
        time.tzset()
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                                  check=True).stdout.decode().split())
    assert "2025年7月1日" in text and "2025年6月30日" not in text
