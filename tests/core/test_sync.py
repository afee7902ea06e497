"""Pushing signed batches to the share and the office's checks, with real files, zips and keys (no mocks)."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector_app.core.demo import generate
from inspector_app.core.errors import AppError
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    certs,
    load_signing_identity,
    storage,
    trusted_office_certs,
)
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.store.audit import canonical
from inspector_app.core.store.models import Deduction, Inspection
from inspector_app.core.sync import (
    Limits,
    Quarantine,
    Share,
    open_bundle,
    push,
    quarantine,
)
from inspector_app.core.sync.bundle_format import DATA, MANIFEST, SIGNATURE, SIGNER
from inspector_app.core.sync.signing import sign_bytes
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT, FAST


@pytest.fixture
def demo(demo_workspace: Workspace) -> Workspace:
    generate(demo_workspace, 3, seed=7, sign_sheets=True)
    return demo_workspace


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


@pytest.fixture
def bundle(demo: Workspace, share: Path) -> Path:
    report = push(demo, share, DEMO_PASSPHRASE)
    assert report.bundle is not None
    return report.bundle


def finished_ids(ws: Workspace, training: bool = False) -> list[str]:
    with ws.db.read() as session:
        return list(session.scalars(Inspection.__table__.select().with_only_columns(Inspection.id)
                                    .where(Inspection.status == "finished", Inspection.training.is_(training))))


def finish_one(ws: Workspace, *, training: bool = False) -> str:
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(checklist_id=ASSESSMENT, department="W-REG",
                                              inspector_name="演示督查员", training=training))
    recorder.finish(inspection.id)
    return inspection.id


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rewrite(source: Path, target: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    content = members(source)
    edit(content)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in content.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return target


def reason(path: Path, ws: Workspace, **kwargs: object) -> str:
    with pytest.raises(Quarantine) as caught:
        open_bundle(path, trusted_office_certs(ws), **kwargs)  # type: ignore[arg-type]
    return caught.value.reason_code


# -- push ------------------------------------------------------------------------------------------------
def test_push_sends_one_bundle_with_every_finished_inspection(demo: Workspace, share: Path) -> None:
    report = push(demo, share, DEMO_PASSPHRASE)
    assert report.bundle is not None and report.inspections == 3
    assert sorted(p.name for p in (share / "incoming").iterdir()) == [report.bundle.name]
    assert {"incoming", "published", "archive", "quarantine"} <= {p.name for p in share.iterdir()}
    names = set(members(report.bundle))
    assert {MANIFEST, DATA, SIGNATURE, SIGNER} <= names
    assert any(n.startswith("documents/") and n.endswith(".pdf") for n in names)  # the signed sheets
    manifest = json.loads(members(report.bundle)[MANIFEST])
    assert sorted(manifest["inspection_ids"]) == sorted(finished_ids(demo))
    assert {m["name"] for m in manifest["members"]} == names - {MANIFEST, SIGNATURE}
    assert report.bundle.name == f"batch-{demo.device_id.replace('-', '')[:8]}-{report.batch_id}.zip"

    again = push(demo, share, DEMO_PASSPHRASE)
    assert again.nothing_to_send and again.bundle is None and again.message()
    assert len(list((share / "incoming").iterdir())) == 1

    new_id = finish_one(demo)
    third = push(demo, share, DEMO_PASSPHRASE)
    assert third.inspections == 1 and third.batch_id != report.batch_id
    assert json.loads(members(third.bundle)[MANIFEST])["inspection_ids"] == [new_id]  # type: ignore[arg-type]


def test_training_inspections_are_never_sent(demo: Workspace, share: Path) -> None:
    training_id = finish_one(demo, training=True)
    report = push(demo, share, DEMO_PASSPHRASE)
    assert training_id not in json.loads(members(report.bundle)[MANIFEST])["inspection_ids"]  # type: ignore[arg-type]
    assert push(demo, share, DEMO_PASSPHRASE).nothing_to_send


def test_unreachable_share_changes_nothing(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(AppError):
        push(demo, tmp_path / "not-mounted", DEMO_PASSPHRASE)
    assert not (tmp_path / "not-mounted").exists()
    assert not (demo.data_dir / "outbox").exists()


def test_a_crash_before_the_rename_resends_the_same_batch(demo: Workspace, share: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    crashed = []

    def crash_once(src: object, dst: object) -> None:
        if Path(str(dst)).parent.name == "incoming" and not crashed:
            crashed.append(dst)
            raise OSError("the stick was pulled out")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", crash_once)
    with pytest.raises(AppError, match="中断"):  # a plain message, not an OSError traceback
        push(demo, share, DEMO_PASSPHRASE)
    assert crashed and not [p for p in (share / "incoming").iterdir() if p.name.endswith(".zip")]
    crashed_name = Path(str(crashed[0])).name

    report = push(demo, share, DEMO_PASSPHRASE)
    assert report.bundle is not None and report.bundle.name == crashed_name and report.batches[0].resent
    assert len(report.batches) == 1 and report.inspections == 3
    open_bundle(report.bundle, trusted_office_certs(demo))


# -- the office's checks -----------------------------------------------------------------------------------
def test_a_good_bundle_round_trips(demo: Workspace, bundle: Path) -> None:
    verified = open_bundle(bundle, trusted_office_certs(demo))
    assert verified.manifest.inspector.staff_no == demo.settings.inspector.staff_no
    with demo.db.read() as session:
        for record in verified.inspections:
            stored = session.get(Inspection, record.inspection.id)
            assert stored is not None and record.inspection.seq == stored.seq
            rows = {d.id: d for d in session.query(Deduction).filter_by(inspection_id=stored.id)}
            assert {d.id for d in record.deductions} == set(rows)
            for d in record.deductions:
                assert (d.points, d.note, d.count) == (rows[d.id].points, rows[d.id].note, rows[d.id].count)
            for doc in record.documents:
                assert doc.member and verified.read(doc.member).startswith(b"%PDF")


def test_unreadable_bundles(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    assert reason(corrupt, demo) == "corrupt_zip"
    (tmp_path / "text.zip").write_text("not a zip")
    assert reason(tmp_path / "text.zip", demo) == "corrupt_zip"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "photos\\..\\x", "C:/x", "photos/../../x"])
def test_unsafe_member_names(demo: Workspace, bundle: Path, tmp_path: Path, name: str) -> None:
    bad = rewrite(bundle, tmp_path / "bad.zip", lambda m: m.__setitem__(name, b"x"))
    assert reason(bad, demo) == "unsafe_name"


def test_symlink_member(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    bad = tmp_path / "link.zip"
    bad.write_bytes(bundle.read_bytes())
    with zipfile.ZipFile(bad, "a") as zf:
        info = zipfile.ZipInfo("photos/link")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    assert reason(bad, demo) == "unsafe_name"


def test_size_limits(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    assert reason(bundle, demo, limits=Limits(max_members=3)) == "too_many_members"
    assert reason(bundle, demo, limits=Limits(max_member_bytes=1000)) == "too_large"
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(bundle.read_bytes())
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("photos/zeros.bin", b"\0" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < bundle.stat().st_size + 100_000
    assert reason(bomb, demo) == "zip_bomb"


def test_a_header_that_understates_the_size_is_caught_while_reading(demo: Workspace, bundle: Path,
                                                                     tmp_path: Path) -> None:
    raw = bytearray(bundle.read_bytes())
    entry = raw.find(b"PK\x01\x02", raw.rfind(b"PK\x01\x02", 0, raw.find(DATA.encode(), raw.find(b"PK\x01\x02"))))
    assert raw[entry + 46:entry + 46 + len(DATA)] == DATA.encode()
    raw[entry + 24:entry + 28] = (10).to_bytes(4, "little")  # central directory: "10 bytes uncompressed"
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(raw))
    # reading stops at the declared 10 bytes; the CRC of the cut-short stream then fails
    assert reason(liar, demo) in {"too_large", "corrupt_zip"}


def test_member_checks(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    def tamper(m: dict[str, bytes]) -> None:
        pdf = next(n for n in m if n.startswith("documents/"))
        m[pdf] = m[pdf] + b"%changed"

    assert reason(rewrite(bundle, tmp_path / "a.zip", tamper), demo) == "member_mismatch"
    extra = rewrite(bundle, tmp_path / "b.zip", lambda m: m.__setitem__("photos/extra.jpg", b"x"))
    assert reason(extra, demo) == "unlisted_member"
    missing = rewrite(bundle, tmp_path / "c.zip", lambda m: m.pop(DATA))
    assert reason(missing, demo) == "missing_member"


def test_signature_checks(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    unsigned = rewrite(bundle, tmp_path / "a.zip", lambda m: m.pop(SIGNATURE))
    assert reason(unsigned, demo) == "missing_signature"

    def flip(m: dict[str, bytes]) -> None:
        data = bytearray(m[MANIFEST])
        data[len(data) // 2] ^= 0x01
        m[MANIFEST] = bytes(data)

    assert reason(rewrite(bundle, tmp_path / "b.zip", flip), demo) == "bad_signature"


def test_unknown_inspector(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    key = certs.new_key()
    stranger = certs.self_signed(key, certs.Person("冒名者", "D001"))

    def resign(m: dict[str, bytes]) -> None:
        m[SIGNATURE] = sign_bytes(key, m[MANIFEST])
        m[SIGNER] = storage.cert_pem(stranger)

    # the signer.pem is listed in the manifest, so only an unknown signer (not a hash mismatch) must be reported
    assert reason(rewrite(bundle, tmp_path / "a.zip", resign), demo) == "unknown_signer"


def test_staff_number_must_match_the_certificate(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    identity = load_signing_identity(demo, DEMO_PASSPHRASE)

    def other_number(m: dict[str, bytes]) -> None:
        manifest = json.loads(m[MANIFEST])
        manifest["inspector"]["staff_no"] = "9999"
        m[MANIFEST] = canonical(manifest).encode("utf-8")
        m[SIGNATURE] = sign_bytes(identity.private_key, m[MANIFEST])

    assert reason(rewrite(bundle, tmp_path / "a.zip", other_number), demo) == "staff_no_mismatch"


def test_bad_data_schema(demo: Workspace, bundle: Path, tmp_path: Path) -> None:
    import hashlib

    identity = load_signing_identity(demo, DEMO_PASSPHRASE)

    def bad_data(m: dict[str, bytes]) -> None:
        m[DATA] = b'{"format": "inspector-app/batch-data", "version": 1, "inspections": [{"x": 1}]}'
        manifest = json.loads(m[MANIFEST])
        for member in manifest["members"]:
            if member["name"] == DATA:
                member.update(sha256=hashlib.sha256(m[DATA]).hexdigest(), size=len(m[DATA]))
        m[MANIFEST] = canonical(manifest).encode("utf-8")
        m[SIGNATURE] = sign_bytes(identity.private_key, m[MANIFEST])

    assert reason(rewrite(bundle, tmp_path / "a.zip", bad_data), demo) == "bad_data"


def test_quarantine_moves_the_bundle_and_writes_the_reason(demo: Workspace, bundle: Path, share: Path) -> None:
    refusal = Quarantine("bad_signature", "test")
    moved = quarantine(Share(share), bundle, refusal)
    assert not bundle.exists() and moved.parent == share / "quarantine" and moved.is_file()
    record = json.loads((share / "quarantine" / f"{moved.name}.reason.json").read_text(encoding="utf-8"))
    assert record["reason_code"] == "bad_signature" and record["message"] == "test" and record["quarantined_at"]


def test_share_reachability(tmp_path: Path) -> None:
    assert not Share(tmp_path / "missing").reachable()
    (tmp_path / "file").write_text("x")
    assert not Share(tmp_path / "file").reachable()
    assert Share(tmp_path).reachable() and list(tmp_path.iterdir()) == [tmp_path / "file"]


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_always_end_in_quarantine(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("random") / "batch.zip"
    path.write_bytes(data)
    with pytest.raises(Quarantine):
        open_bundle(path, [])


@FAST
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=255))
def test_damaged_zip_bytes_end_in_quarantine(tmp_path_factory: pytest.TempPathFactory, where: int, value: int) -> None:
    folder = tmp_path_factory.mktemp("damaged")
    path = folder / "batch.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, b"{}" * 500)
        zf.writestr(DATA, b"[]" * 2000)
    raw = bytearray(path.read_bytes())
    raw[where % len(raw)] = value
    path.write_bytes(bytes(raw))
    with pytest.raises(Quarantine):
        open_bundle(path, [])
