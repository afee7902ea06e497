"""The audit trail anchored at the office (issue #13).

The attack: with the laptop's database file in hand, change a sent deduction's points, fix its audit event
and recompute every later hash. The chain alone then verifies (reproduced below). The anchor catches it on
the laptop (`audit verify` compares with the signed head it sent) and at the office (a later batch's trail
disagrees with the head the office holds: quarantined, an honest batch beside it merges).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspector_app.core.demo import generate
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.identity.storage import cert_path, load_own_certificate
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.store import audit
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.store.models import AuditEvent
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync import open_bundle, push
from inspector_app.core.sync.anchor import check_sent_heads
from inspector_app.core.workspace import Workspace
from tests.helpers.hospital import found_hospital, members


def rewrite_history(folder: Path, new_points: float = 0.0) -> str:
    """Change the first deduction's points in the database file, fix its audit event and recompute every
    later hash, as a forger with the file (and no passphrase) would. Returns the deduction's id."""
    with Workspace.open(folder) as ws, ws.db.read() as session:
        events = [(e.seq, e.at.isoformat(), e.actor, e.action, e.entity, e.entity_id, e.payload)
                  for e in session.query(AuditEvent).order_by(AuditEvent.seq)]
    connection = sqlite3.connect(folder / DB_FILE, isolation_level=None)
    try:
        connection.execute("DROP TRIGGER IF EXISTS audit_no_update")
        target = next(e for e in events if e[4] == "deduction")
        deduction_id = target[5]
        connection.execute("UPDATE deductions SET points = ? WHERE id = ?", (new_points, deduction_id))
        prev = audit.GENESIS
        for seq, at, actor, action, entity, entity_id, payload in events:
            if entity == "deduction" and entity_id == deduction_id:
                data = json.loads(payload)
                data["points"] = new_points
                payload = audit.canonical(data)
            digest = audit.event_hash(prev, seq, at, actor, action, entity, entity_id, payload)
            connection.execute("UPDATE audit_events SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                               (payload, prev, digest, seq))
            prev = digest
    finally:
        connection.close()
    return deduction_id


@dataclass
class Hospital:
    root: Path
    laptops: list[Path]
    trusted: list
    share: Path


@pytest.fixture
def hospital(tmp_path: Path, demo_template: Path) -> Iterator[Hospital]:
    office, laptops = found_hospital(tmp_path, demo_template, ["L001", "L002"])
    share = tmp_path / "share"
    share.mkdir()
    yield Hospital(tmp_path, laptops, [load_office_certificate(office)], share)


def _push(folder: Path, share: Path, seed: int) -> Path:
    with Workspace.open(folder) as ws:
        generate(ws, 2, seed=seed, days=20)
        report = push(ws, share, DEMO_PASSPHRASE)
    assert report.bundle is not None
    return report.bundle


def _verify(folder: Path) -> tuple[audit.AuditReport, object, list[str]]:
    with Workspace.open(folder) as ws, ws.db.read() as session:
        return (audit.verify(session),
                *check_sent_heads(session, load_own_certificate(cert_path(folder))))  # type: ignore[return-value]


def test_each_batch_carries_the_trails_head_and_audit_verify_names_the_last_sent(hospital: Hospital) -> None:
    folder = hospital.laptops[0]
    first = _push(folder, hospital.share, 1)
    second = _push(folder, hospital.share, 2)
    anchors = [fmt.AuditAnchor.model_validate_json(members(b)[fmt.AUDIT]) for b in (first, second)]
    assert anchors[0].base_seq == 0 and anchors[1].base_seq == anchors[0].head_seq < anchors[1].head_seq
    assert anchors[1].base_hash == anchors[0].head_hash
    assert fmt.AUDIT in {m.name for m in open_bundle(second, hospital.trusted).manifest.members}  # signed
    report, last, problems = _verify(folder)
    assert report.ok and problems == []
    assert last is not None and (last.seq, last.hash) == (anchors[1].head_seq, anchors[1].head_hash)


def test_a_recomputed_rewrite_passes_the_chain_but_not_the_sent_head(hospital: Hospital, english: None) -> None:
    folder = hospital.laptops[0]
    _push(folder, hospital.share, 1)
    rewrite_history(folder)
    report, last, problems = _verify(folder)
    assert report.ok, "the attack: the recomputed chain alone verifies"
    assert last is not None
    assert problems and "rewritten after it was sent" in problems[0]


def test_the_cli_says_so(hospital: Hospital, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers.fixtures import cli_runner

    folder = hospital.laptops[0]
    _push(folder, hospital.share, 1)
    run = cli_runner(folder, capsys)
    code, out, _ = run("audit", "verify")
    assert code == 0 and "Last audit head sent to the office: event" in out
    rewrite_history(folder)
    code, out, _ = run("audit", "verify")
    assert code == 1 and "rewritten after it was sent" in out


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_office_quarantines_a_batch_from_a_rewritten_trail(hospital: Hospital, backend: str,
                                                              request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("postgres_url")() if backend == "postgresql" else default_url(hospital.root / "o")
    central = open_central(url)
    try:
        first = _push(hospital.laptops[0], hospital.share, 1)
        assert merge_files(central, [first], hospital.trusted, hospital.root / "files").clean
        rewrite_history(hospital.laptops[0], new_points=0.0)  # a sent entry now counts nothing on the laptop
        after = _push(hospital.laptops[0], hospital.share, 2)  # signed with the real key, as ever
        honest = _push(hospital.laptops[1], hospital.share, 3)
        report = merge_files(central, [after, honest], hospital.trusted, hospital.root / "files")
        assert [(o.status, o.reason_code) for o in report.outcomes] == [("refused", "history_rewritten"),
                                                                        ("merged", "")]
        again = merge_files(central, [first], hospital.trusted, hospital.root / "files")
        assert all(o.result is not None and o.result.already_merged for o in again.outcomes)
    finally:
        central.close()
