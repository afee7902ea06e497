"""Hostile batches signed with a real enrolled key, merged beside an honest one (issue #13).

Each example takes a real pushed bundle, puts hostile values into one to three places of its data (numbers
past every column's range, dates in year 1 and 9999, month strings longer than their column, NaN and
infinities, wrong types, NUL characters, huge text), re-signs it with the laptop's own key and merges it
together with an honest bundle into SQLite and into a real PostgreSQL. Always: no exception escapes the
merge, the honest bundle is merged, and the hostile one is either quarantined with a reason and leaves no
row behind, or merged whole. CI runs a few dozen examples; INSPECTOR_FAULT_TRIALS=N runs N random ones
(figures in docs/threat-model.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from inspector_app.core.identity import DEMO_PASSPHRASE, load_signing_identity, trusted_office_certs
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge import models as cm
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import push
from inspector_app.core.sync.bundle_format import DATA, MANIFEST, SIGNATURE
from inspector_app.core.sync.signing import sign_bytes
from tests.faults.hostile import hostile_values, leaves, replaced, time_limit
from tests.faults.scale import fuzz
from tests.helpers.fixtures import open_demo_workspace
from tests.helpers.hospital import members

EDGES = st.sampled_from([
    2**31, 2**63, 2**70, -1, -(2**63) - 1, 10**400, 1e308, -0.0, float("nan"), float("inf"), float("-inf"),
    "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "0001-01-01", "9999-12-31", "2026-13-45",
    "2026-01" * 40, "x" * 70, "x" * 300, "a\u0000b", "\ud800", "", " ", "person", "D002", "../../etc/passwd",
])
VALUES = st.one_of(EDGES, hostile_values)


class Laptop:
    def __init__(self, root: Path):
        self.ws = open_demo_workspace(root / "data")
        from inspector_app.core.demo import generate

        share = root / "share"
        share.mkdir()
        self.bundles = []
        for seed in (5, 6):
            generate(self.ws, 2, seed=seed, days=20)
            report = push(self.ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            self.bundles.append(report.bundle)
        self.key = load_signing_identity(self.ws, DEMO_PASSPHRASE).private_key
        self.trusted = trusted_office_certs(self.ws)


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    made = Laptop(tmp_path_factory.mktemp("hostile-merge"))
    yield made
    made.ws.close()


@pytest.fixture(scope="module")
def honest_counts(laptop: Laptop, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    folder = tmp_path_factory.mktemp("reference")
    central = open_central(default_url(folder / "office"))
    try:
        assert merge_files(central, [laptop.bundles[1]], laptop.trusted, folder / "files").clean
        return counts(central)
    finally:
        central.close()


def counts(central: CentralDB) -> dict[str, int]:
    with central.read() as session:
        return {table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
                for table in (cm.Batch, *cm.CONTENT_TABLES)}


def hostile_bundle(laptop: Laptop, folder: Path, edits: list[tuple[tuple, Any]]) -> Path:
    import uuid
    import zipfile

    content = members(laptop.bundles[0])
    body = json.loads(content[DATA])
    for where, value in edits:
        try:
            body = replaced(body, where, value)
        except (TypeError, KeyError, IndexError):
            continue  # an earlier edit replaced the container this place was in
    content[DATA] = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")
    manifest = json.loads(content[MANIFEST])
    manifest["batch_id"] = str(uuid.uuid4())
    for entry in manifest["members"]:
        if entry["name"] == DATA:
            entry.update(sha256=hashlib.sha256(content[DATA]).hexdigest(), size=len(content[DATA]))
    content[MANIFEST] = canonical(manifest).encode("utf-8")
    content[SIGNATURE] = sign_bytes(laptop.key, content[MANIFEST])  # the laptop's real enrolled key
    path = folder / f"batch-00000000-{manifest['batch_id']}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in content.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data)
    return path


@fuzz(12)
@given(st.data())
def test_hostile_signed_batches_never_stop_the_merge(laptop: Laptop, honest_counts: dict[str, int],
                                                     postgres_cluster: Any,
                                                     tmp_path_factory: pytest.TempPathFactory,
                                                     data: st.DataObject) -> None:
    body = json.loads(members(laptop.bundles[0])[DATA])
    places = [place for place in leaves(body) if place]  # the root itself: one refusal, tried by test_tamper
    rows = [place for place in places if "body" not in place]  # the checklist body is most of the places
    where = st.sampled_from(rows) | st.sampled_from(rows) | st.sampled_from(rows) | st.sampled_from(places)
    edits = [(data.draw(where), data.draw(VALUES)) for _ in range(data.draw(st.integers(1, 3)))]
    folder = tmp_path_factory.mktemp("hostile")
    hostile = hostile_bundle(laptop, folder, edits)
    for url in (default_url(folder / "office"), postgres_cluster.new_database()):
        central = open_central(url)
        try:
            with time_limit(60):
                report = merge_files(central, [hostile, laptop.bundles[1]], laptop.trusted, folder / "files")
            bad, good = report.outcomes
            event(f"hostile batch {bad.status} {bad.reason_code}".strip())
            assert good.status == "merged", (good, edits)
            after = counts(central)
            if bad.status == "merged":
                assert bad.result is not None and after["batches"] == 2
            else:
                assert bad.reason_code and bad.message, (bad, edits)
                assert after == honest_counts, f"a refused batch left rows behind: {edits}"
        finally:
            central.close()
