"""The share's archive/: a folder per laptop and month, and pruning that deletes only what the central database
holds (issue #18: a FAT32 stick holds about 10,900 long names in one folder and fills up over the years)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from inspector_app.core.demo import generate
from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE, trusted_office_certs
from inspector_app.core.merge import CentralDB, default_url, merge_share, open_central
from inspector_app.core.merge.archive import archive_bundle, archive_folder, cutoff_month, prune_archive
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.sync import Share, push
from tests.helpers.fixtures import ASSESSMENT, open_demo_workspace


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Path], list]]:
    """Four bundles one demo laptop pushed, and the certificates that trust them."""
    root = tmp_path_factory.mktemp("archive-laptop")
    ws = open_demo_workspace(root / "data")
    generate(ws, 1, seed=3)
    share, made = root / "share", []
    share.mkdir()
    for n in range(4):
        if n:
            recorder = Recorder(ws, actor="tester")
            recorder.finish(recorder.start(NewInspection(checklist_id=ASSESSMENT, department="W-REG",
                                                         inspector_name="演示督查员")).id)
        report = push(ws, share, DEMO_PASSPHRASE)
        assert report.bundle is not None
        made.append(Path(shutil.copy2(report.bundle, root / report.bundle.name)))
    trusted = trusted_office_certs(ws)
    ws.close()
    yield made, trusted


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralDB]:
    db = open_central(default_url(tmp_path / "office"))
    yield db
    db.close()


def _archived(share: Path) -> list[str]:
    return sorted(str(p.relative_to(share / "archive")) for p in (share / "archive").rglob("*.zip"))


def test_a_merged_bundle_is_archived_under_its_laptop_and_the_month(bundles: tuple[list[Path], list],
                                                                     central: CentralDB, tmp_path: Path) -> None:
    made, trusted = bundles
    share = Share(tmp_path / "share")
    share.incoming.mkdir(parents=True)
    shutil.copy2(made[0], share.incoming)
    report = merge_share(central, share.path, trusted, tmp_path / "files")
    assert [o.status for o in report.outcomes] == ["merged"]
    (found,) = (share.archive).rglob("*.zip")
    device8 = made[0].name.split("-")[1]
    assert found.parent.parent == share.archive / device8
    assert len(found.parent.name) == 7 and found.parent.name[4] == "-"  # YYYY-MM
    assert archive_folder(share, made[0].name, "2026-03") == share.archive / device8 / "2026-03"


def test_prune_deletes_only_old_bundles_the_central_database_merged(bundles: tuple[list[Path], list],
                                                                    central: CentralDB, tmp_path: Path) -> None:
    made, trusted = bundles
    share = Share(tmp_path / "share")
    share.incoming.mkdir(parents=True)
    for bundle in made[:3]:
        shutil.copy2(bundle, share.incoming)
    merge_share(central, share.path, trusted, tmp_path / "files")  # archived this month
    device8 = made[0].name.split("-")[1]
    # lay them out as if merged over the past year, plus the older flat layout and one never merged
    first, second, third = (next(share.archive.rglob(b.name)) for b in made[:3])
    (share.archive / device8 / "2025-11").mkdir(parents=True)
    first.rename(share.archive / device8 / "2025-11" / first.name)
    (share.archive / device8 / "2026-05").mkdir(parents=True)
    second.rename(share.archive / device8 / "2026-05" / second.name)
    flat = share.archive / device8 / third.name
    third.rename(flat)  # archived before month folders existed: its file time says when
    old = datetime(2026, 1, 10, 12, 0).timestamp()
    os.utime(flat, (old, old))
    archive_bundle(share, shutil.copy2(made[3], tmp_path / made[3].name), "2025-12")  # never merged centrally
    before = _archived(share.path)

    dry = prune_archive(share, central, keep_months=6, today=date(2026, 6, 15), dry_run=True)
    assert dry.cutoff == "2026-01" and _archived(share.path) == before
    assert [p.name for p in dry.removed] == [first.name]  # 2025-11 only: the flat one is of January
    assert [p.name for p in dry.not_merged] == [made[3].name]

    report = prune_archive(share, central, keep_months=4, today=date(2026, 6, 15))
    assert report.cutoff == "2026-03"
    assert sorted(p.name for p in report.removed) == sorted([first.name, third.name])
    assert report.freed_bytes == made[0].stat().st_size + made[2].stat().st_size
    assert [p.name for p in report.not_merged] == [made[3].name]  # kept: the office has no copy of these bytes
    assert _archived(share.path) == sorted([f"{device8}/2026-05/{second.name}", f"{device8}/2025-12/{made[3].name}"])
    assert not (share.archive / device8 / "2025-11").exists()  # an emptied month folder goes too


def test_keep_months_must_keep_the_current_month() -> None:
    assert cutoff_month(date(2026, 1, 31), 1) == "2026-01"
    assert cutoff_month(date(2026, 1, 31), 2) == "2025-12"
    assert cutoff_month(date(2026, 12, 1), 12) == "2026-01"
    with pytest.raises(InputError):
        cutoff_month(date(2026, 6, 1), 0)
