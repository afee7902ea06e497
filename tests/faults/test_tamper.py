"""Tampering: flipped bytes across a real signed sheet and a real bundle, replayed and re-signed bundles,
and crafted or re-signed hostile bundles (hypothesis). Every change to signed content is refused; a replay
changes nothing in the central database; a refused bundle merges nothing.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.documents.signing import verify_pdf
from inspector_app.core.errors import AppError
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    certs,
    load_signing_identity,
    storage,
    trusted_office_certs,
)
from inspector_app.core.merge import (
    CentralDB,
    default_url,
    merge_bundle,
    merge_share,
    open_central,
)
from inspector_app.core.merge import models as cm
from inspector_app.core.store.audit import canonical
from inspector_app.core.store.models import Document
from inspector_app.core.sync import Quarantine, open_bundle, push
from inspector_app.core.sync.bundle_format import DATA, MANIFEST, SIGNATURE, SIGNER
from inspector_app.core.sync.signing import sign_bytes
from tests.faults.hostile import hostile_values, leaves, replaced, time_limit
from tests.faults.scale import fuzz, trials
from tests.helpers.fixtures import open_demo_workspace

COUNTED = (cm.Inspection, cm.Deduction, cm.Rectification, cm.Photo, cm.Document, cm.Batch, cm.Conflict)


class Laptop:
    def __init__(self, root: Path):
        self.root = root
        self.ws = open_demo_workspace(root / "data")
        generate(self.ws, 2, seed=11, sign_sheets=True)
        share = root / "push"
        share.mkdir()
        report = push(self.ws, share, DEMO_PASSPHRASE)
        assert report.bundle is not None
        self.bundle = report.bundle
        self.trusted = trusted_office_certs(self.ws)
        self.key = load_signing_identity(self.ws, DEMO_PASSPHRASE).private_key
        with self.ws.db.read() as session:
            document = session.scalars(select(Document).where(Document.kind == "sheet")).first()
            assert document is not None
            self.pdf = (self.ws.data_dir / document.path).read_bytes()


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    made = Laptop(tmp_path_factory.mktemp("tamper"))
    yield made
    made.ws.close()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def write_zip(path: Path, content: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in content.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return path


def spread_positions(size: int, count: int, seed: int) -> list[int]:
    """One random position in each of `count` equal slices of the file: every region gets hit."""
    rng = random.Random(seed)
    step = size / count
    return [min(size - 1, int(i * step + rng.random() * step)) for i in range(count)]


def counts(central: CentralDB) -> dict[str, int]:
    with central.read() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in COUNTED}


# -- flipped bytes ---------------------------------------------------------------------------------------------
def test_flipped_bytes_anywhere_in_a_signed_sheet_are_refused(laptop: Laptop) -> None:
    assert verify_pdf(laptop.pdf, laptop.trusted).ok
    rng = random.Random(5)
    positions = spread_positions(len(laptop.pdf), trials(40), seed=5)
    accepted = []
    for position in positions:
        data = bytearray(laptop.pdf)
        data[position] ^= 1 << rng.randrange(8)
        if verify_pdf(bytes(data), laptop.trusted).ok:
            accepted.append(position)
    assert not accepted, f"changed bytes accepted at {accepted[:10]} of {len(laptop.pdf)}"


def test_an_untrusted_signer_is_refused_for_that_alone(laptop: Laptop) -> None:
    """Verified without the office certificate: the one reason is the missing trust, not also an alteration (the
    embedded office certificate, untrusted, used to fail the signature's shape)."""
    from inspector_app.core.i18n import set_language

    set_language("en")
    result = verify_pdf(laptop.pdf, [])
    assert not result.ok and result.intact
    assert result.problems == ["the signer's certificate does not chain to a trusted office certificate"]


def test_flipped_bytes_anywhere_in_a_bundle_never_pass_as_changed_content(laptop: Laptop, tmp_path: Path) -> None:
    """A flip is refused, or it hit zip bookkeeping no signed byte depends on (a member's time stamp, the
    "made by" version): then what verifies is byte for byte the original. (Found: a flip inside a deflate
    stream raised zlib.error out of open_bundle; it is now a corrupt_zip quarantine.)"""
    raw = laptop.bundle.read_bytes()
    original = members(laptop.bundle)
    rng = random.Random(6)
    refused = harmless = 0
    for position in spread_positions(len(raw), trials(80), seed=6):
        data = bytearray(raw)
        data[position] ^= 1 << rng.randrange(8)
        path = tmp_path / "flipped.zip"
        path.write_bytes(bytes(data))
        try:
            with time_limit(20):
                verified = open_bundle(path, laptop.trusted)
        except Quarantine:
            refused += 1
            continue
        assert {m.name: verified.read(m.name) for m in verified.manifest.members} == {
            m.name: original[m.name] for m in verified.manifest.members}, f"byte {position}: changed content passed"
        harmless += 1
    assert refused > harmless


# -- replays and foreign signatures --------------------------------------------------------------------------------
@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralDB]:
    db = open_central(default_url(tmp_path / "office"))
    yield db
    db.close()


def test_a_replayed_bundle_changes_nothing(laptop: Laptop, central: CentralDB, tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    shutil.copy2(laptop.bundle, share / "incoming" / laptop.bundle.name)
    assert merge_share(central, share, laptop.trusted, tmp_path / "files").clean
    first = counts(central)
    # the same batch sent again: under its own name, renamed, and byte-identical copies at once
    for name in (laptop.bundle.name, "batch-00000000-replayed.zip", "batch-ffffffff-again.zip"):
        shutil.copy2(laptop.bundle, share / "incoming" / name)
    report = merge_share(central, share, laptop.trusted, tmp_path / "files")
    assert report.clean and {o.status for o in report.outcomes} == {"already_merged"}
    assert counts(central) == first


def test_bundles_signed_by_an_unenrolled_key_are_quarantined(laptop: Laptop, central: CentralDB,
                                                             tmp_path: Path) -> None:
    original = members(laptop.bundle)
    stranger_key = certs.new_key()
    person = certs.Person.from_name(load_signing_identity(laptop.ws, DEMO_PASSPHRASE).certificate.subject)
    enrolled_pem = original[SIGNER]
    variants = {
        # a key of its own with a self-signed certificate naming the same inspector
        "self-signed": (stranger_key, storage.cert_pem(certs.self_signed(stranger_key, person))),
        # the real, enrolled certificate, but signed with another key (a stolen certificate file)
        "stolen certificate": (stranger_key, enrolled_pem),
    }
    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    for n, (label, (key, pem)) in enumerate(variants.items()):
        content = dict(original)
        manifest = json.loads(content[MANIFEST])
        content[SIGNER] = pem
        for member in manifest["members"]:
            if member["name"] == SIGNER:
                member.update(sha256=hashlib.sha256(pem).hexdigest(), size=len(pem))
        content[MANIFEST] = canonical(manifest).encode("utf-8")
        content[SIGNATURE] = sign_bytes(key, content[MANIFEST])
        write_zip(share / "incoming" / f"batch-{n:08d}-{label.replace(' ', '-')}.zip", content)
    report = merge_share(central, share, laptop.trusted, tmp_path / "files")
    assert sorted(o.reason_code for o in report.outcomes) == ["bad_signature", "unknown_signer"]
    assert all(o.status == "quarantined" for o in report.outcomes)
    assert counts(central) == dict.fromkeys(counts(central), 0)


# -- fuzzing the bundle reader ----------------------------------------------------------------------------
names = st.one_of(st.sampled_from([MANIFEST, DATA, SIGNATURE, SIGNER, "../x", "/etc/passwd", "a/../../b", "C:/x",
                                   "photos\\x", "photos/", "photos/ok.jpg", "documents/a.pdf", "x" * 300, "a\x00b",
                                   "photos/名.jpg"]),
                  st.text(max_size=20))
member = st.tuples(names, st.binary(max_size=64) | st.sampled_from([b"\xff\xfe", b"{}", b"[]", b"null"]),
                   st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
                   st.sampled_from([0o100644, 0o120777, 0o040755, 0]))


@pytest.mark.filterwarnings("ignore:Duplicate name")
@fuzz(60)
@given(st.lists(member, max_size=6))
def test_crafted_zips_end_in_quarantine(tmp_path_factory: pytest.TempPathFactory, laptop: Laptop,
                                        entries: list[tuple[str, bytes, int, int]]) -> None:
    path = tmp_path_factory.mktemp("crafted") / "batch.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, body, method, mode in entries:
            info = zipfile.ZipInfo(name.replace("\x00", "0") or "x", (2026, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = method, mode << 16
            zf.writestr(info, body)
    with time_limit(20), pytest.raises(Quarantine):
        open_bundle(path, laptop.trusted)


@fuzz(40)
@given(st.data())
def test_signed_hostile_data_is_refused_or_merged_whole(laptop: Laptop, tmp_path_factory: pytest.TempPathFactory,
                                                        data: st.DataObject) -> None:
    """The inspector's own key signs hostile data (a compromised laptop): the reader refuses it or the merge
    stores it in one transaction; never an unexpected exception, never a partial merge."""
    content = members(laptop.bundle)
    body = json.loads(content[DATA])
    where = data.draw(st.sampled_from(list(leaves(body))))
    content[DATA] = canonical(replaced(body, where, data.draw(hostile_values))).encode("utf-8")
    manifest = json.loads(content[MANIFEST])
    for entry in manifest["members"]:
        if entry["name"] == DATA:
            entry.update(sha256=hashlib.sha256(content[DATA]).hexdigest(), size=len(content[DATA]))
    content[MANIFEST] = canonical(manifest).encode("utf-8")
    content[SIGNATURE] = sign_bytes(laptop.key, content[MANIFEST])
    folder = tmp_path_factory.mktemp("signed")
    path = write_zip(folder / "batch.zip", content)
    central = open_central(default_url(folder / "office"))
    try:
        with time_limit(30):
            try:
                verified = open_bundle(path, laptop.trusted)
            except Quarantine as refusal:
                assert refusal.message
                return
            before = counts(central)
            try:
                merge_bundle(central, verified, folder / "files")
            except AppError as refusal:
                assert str(refusal) and counts(central) == before, "a refused merge left rows behind"
    finally:
        central.close()
