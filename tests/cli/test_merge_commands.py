"""`inspector-app merge` end to end: real bundles, a real office folder, exit codes and the report."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector_app.core.identity import storage
from tests.core.test_merge import Laptop


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    made = Laptop(tmp_path_factory.mktemp("laptop"))
    yield made
    made.ws.close()


def test_merge_a_share(laptop: Laptop, run, tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    for bundle in laptop.bundles[:2]:
        shutil.copy2(bundle, share / "incoming")
    central = f"sqlite:///{tmp_path / 'office' / 'central.db'}"
    office = str(storage.default_office_dir(laptop.ws.data_dir))
    code, out, err = run("merge", "--central", central, "--share", str(share), "--office-dir", office)
    assert code == 0, err
    assert out.count(": merged: ") == 2 and "2 of 2 batch(es) merged, 0 quarantined or refused, 0 conflict(s)." in out
    assert (tmp_path / "office" / "files").is_dir() and len(list((share / "archive").rglob("*.zip"))) == 2

    (share / "incoming" / laptop.bundles[2].name).write_bytes(b"broken")
    code, out, _ = run("merge", "--central", central, "--share", str(share), "--office-dir", office)
    assert code == 1 and "quarantined (corrupt_zip)" in out and "1 quarantined or refused" in out

    # office prune-archive: an old month's merged bundle goes, this month's stays (the dry run deletes nothing)
    first = next((share / "archive").rglob(laptop.bundles[0].name))
    (first.parent.parent / "2000-01").mkdir()
    first.rename(first.parent.parent / "2000-01" / first.name)
    code, out, err = run("office", "prune-archive", "--central", central, "--share", str(share), "--keep-months",
                         "1", "--dry-run")
    assert code == 0, err
    assert "Would delete 1 archived batches" in out and len(list((share / "archive").rglob("*.zip"))) == 2
    code, out, err = run("office", "prune-archive", "--central", central, "--share", str(share), "--keep-months",
                         "1")
    assert code == 0 and "Deleted 1 archived batches" in out, err
    assert [p.name for p in (share / "archive").rglob("*.zip")] == [laptop.bundles[1].name]


def test_merge_files_with_a_conflict(laptop: Laptop, run, tmp_path: Path) -> None:
    cert = tmp_path / "office.pem"
    cert.write_bytes(storage.cert_pem(*laptop.trusted))
    central = f"sqlite:///{tmp_path / 'central.db'}"
    code, out, err = run("merge", "--central", central, "--trust", str(cert), str(laptop.bundles[0]),
                         str(laptop.conflict))
    assert code == 1, err
    assert f"conflict: deductions {laptop.changed}" in out and "1 conflict(s)." in out
    assert laptop.bundles[0].exists() and laptop.conflict.exists()  # named files are never moved
    code, out, _ = run("merge", "--central", central, "--trust", str(cert), str(laptop.bundles[0]))
    assert code == 0 and "merged before, nothing changed" in out


def test_usage_errors(laptop: Laptop, run, tmp_path: Path) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    code, _, err = run("merge", "--central", central, str(laptop.bundles[0]))
    assert code == 1 and "--office-dir DIR or --trust CERT.pem" in err
    code, _, err = run("merge", "--central", central, "--trust", "x.pem")
    assert code == 1 and "--share PATH or batch files" in err
    cert = tmp_path / "office.pem"
    cert.write_bytes(storage.cert_pem(*laptop.trusted))
    code, _, err = run("merge", "--central", "nonsense://x", "--files", str(tmp_path / "f"), "--trust", str(cert),
                       str(laptop.bundles[0]))
    assert code == 1 and "central database URL" in err
    assert not (tmp_path / "central.db").exists()


def test_central_summary_of_a_month(laptop: Laptop, run, tmp_path: Path) -> None:
    import json

    cert = tmp_path / "office.pem"
    cert.write_bytes(storage.cert_pem(*laptop.trusted))
    central = f"sqlite:///{tmp_path / 'central.db'}"
    code, _, err = run("merge", "--central", central, "--trust", str(cert), *map(str, laptop.bundles))
    assert code == 0, err
    month = _first_month(laptop)
    code, out, err = run("merge", "--central", central, "--summary", month, "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["month"] == month and summary["departments"]
    assert any(d["rank"] == 1 or d["score_rank"] == 1 for d in summary["departments"])
    code, out, _ = run("merge", "--central", central, "--summary", month)
    assert code == 0 and f"Central summary {month}" in out and "Points ranking" in out
    code, _, err = run("merge", "--central", central, "--summary", "2026-13")
    assert code == 1 and "YYYY-MM" in err


def _first_month(laptop: Laptop) -> str:
    from sqlalchemy import select

    from inspector_app.core.store.models import Inspection

    with laptop.ws.db.read() as session:
        return min(session.scalars(select(Inspection.local_month)))
