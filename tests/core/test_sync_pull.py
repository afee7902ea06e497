"""The office publishes, laptops pull: real keys, real files on a share folder, and every refusal keeping the
old version (bad signature, wrong hash, unknown signer, broken payload, an older index replayed)."""

from __future__ import annotations

import importlib
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    ensure_demo_identity,
    office_init,
)
from inspector_app.core.identity.storage import default_office_dir
from inspector_app.core.rectification import list_rectifications
from inspector_app.core.store.audit import verify
from inspector_app.core.store.models import AuditEvent, Rectification, Staff
from inspector_app.core.sync import published_format as fmt
from inspector_app.core.sync.publish import publish
from inspector_app.core.sync.pull import load_received, pull
from inspector_app.core.sync.run import sync_with_share
from inspector_app.core.sync.status import sync_status
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT, REPO

FORM = REPO / "forms" / "001-assessment.yaml"
BUNDLED = int(re.search(r"^version: (\d+)$", FORM.read_text(encoding="utf-8"), re.MULTILINE).group(1))


@pytest.fixture
def laptop(demo_workspace: Workspace) -> Workspace:
    ensure_demo_identity(demo_workspace)  # enrolled by the demo office, which the laptop trusts
    return demo_workspace


@pytest.fixture
def office(laptop: Workspace) -> Path:
    return default_office_dir(laptop.data_dir)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


def v(n: int) -> int:
    """The n-th version of the assessment checklist, counting the bundled one as the first."""
    return n + BUNDLED - 1


def checklist_v2(tmp_path: Path, version: int = 2, title: str = "考核细则（修订）") -> Path:
    text = FORM.read_text(encoding="utf-8").replace(f"version: {BUNDLED}\n", f"version: {v(version)}\n", 1)
    text = text.replace("zh: 优质服务提升行动考核（扣分细则）", f"zh: {title}", 1)
    path = tmp_path / "office-forms" / f"assessment-v{version}-{abs(hash(title))}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def roster_without(tmp_path: Path, ws: Workspace, staff_no: str) -> Path:
    from inspector_app.core.roster_store import current_roster

    roster = current_roster(ws).model_dump(mode="json")
    roster["staff"] = [s for s in roster["staff"] if s["staff_no"] != staff_no]
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(roster, ensure_ascii=False), encoding="utf-8")
    return path


def index_of(share: Path) -> dict:
    return json.loads((share / "published" / fmt.INDEX).read_text(encoding="utf-8"))


def item_path(share: Path, kind: str) -> Path:
    index = index_of(share)
    item = next(i for i in index["items"] if i["kind"] == kind)
    return share / "published" / index["folder"] / item["name"]


def test_publish_then_pull_installs_checklist_and_roster(laptop, office, share, tmp_path):
    with laptop.db.read() as session:
        staff_no = session.scalars(select(Staff.staff_no).order_by(Staff.staff_no).limit(1)).one()
    report = publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)],
                     roster=roster_without(tmp_path, laptop, staff_no))
    assert report.version == 1 and {i.kind for i in report.items} == {"checklist", "roster", "certificate"}
    assert not list((share / "published").glob(".*.part"))
    pulled = pull(laptop, share)
    assert not pulled.refused, pulled.refused
    assert laptop.library.get(ASSESSMENT).version == v(2)  # the bundled v1 is superseded
    with laptop.db.read() as session:
        assert session.scalar(select(Staff.active).where(Staff.staff_no == staff_no)) is False
        assert session.scalar(select(AuditEvent).where(AuditEvent.actor.like("%综合办公室%")).limit(1)) is not None
        assert verify(session).ok
    assert load_received(laptop).version == 1
    again = pull(laptop, share)
    assert again.up_to_date and not again.installed and not again.refused
    reopened = Workspace.open(laptop.data_dir, exclusive=False)  # a restart still finds the pulled checklist
    try:
        assert reopened.library.get(ASSESSMENT).version == v(2)
    finally:
        reopened.close()


def test_publishing_only_a_roster_keeps_the_checklists(laptop, office, share, tmp_path):
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)])
    second = publish(office, share, DEMO_PASSPHRASE, roster=roster_without(tmp_path, laptop, "none"))
    assert second.version == 2 and "checklist" in {i.kind for i in second.items}
    assert "checklist:" + ASSESSMENT not in second.new
    assert sorted(p.name for p in (share / "published").iterdir() if p.name.startswith("v")) == ["v000001",
                                                                                                  "v000002"]
    publish(office, share, DEMO_PASSPHRASE)  # the oldest folder goes; the previous stays for laptops reading it
    assert sorted(p.name for p in (share / "published").iterdir() if p.name.startswith("v")) == ["v000002",
                                                                                                  "v000003"]
    assert not pull(laptop, share).refused
    assert laptop.library.get(ASSESSMENT).version == v(2)


def test_a_bad_checklist_publishes_nothing(laptop, office, share, tmp_path):
    bad = checklist_v2(tmp_path)
    bad.write_text(bad.read_text(encoding="utf-8").replace("quote: 每月", "quote: 不在标准里的话每月", 1), encoding="utf-8")
    from inspector_app.core.errors import InputError

    with pytest.raises(InputError) as caught:
        publish(office, share, DEMO_PASSPHRASE, checklists=[bad])
    assert str(bad) in str(caught.value)
    assert not (share / "published" / fmt.INDEX).exists()


def _published(laptop, office, share, tmp_path) -> None:
    """Version 1 pulled (checklist v2), then version 2 published with checklist v3, not yet pulled."""
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)])
    assert not pull(laptop, share).refused
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 3, "第三版")])


def _refused_keeps_v2(laptop, share, words: str, seen: int = 1) -> None:
    """`seen`: the publication version remembered afterwards (2 when the index itself was signed and only an
    item was refused: a partial pull still raises the floor against older indexes)."""
    report = pull(laptop, share)
    assert report.refused and words in " ".join(p.reason for p in report.refused), report.refused
    assert laptop.reload_library().get(ASSESSMENT).version == v(2)
    assert load_received(laptop).version == seen and load_received(laptop).complete == (seen == 1)


def test_bad_index_signature_is_refused(laptop, office, share, tmp_path, english):
    _published(laptop, office, share, tmp_path)
    index = index_of(share)
    index["published_at"] = "2020-01-01T00:00:00Z"  # any change breaks the signature
    (share / "published" / fmt.INDEX).write_text(json.dumps(index), encoding="utf-8")
    _refused_keeps_v2(laptop, share, "altered")


def test_wrong_hash_is_refused(laptop, office, share, tmp_path, english):
    _published(laptop, office, share, tmp_path)
    path = item_path(share, "checklist")
    path.write_bytes(path.read_bytes().replace("第三版".encode(), "第四版".encode()))
    _refused_keeps_v2(laptop, share, "does not match the publication index", seen=2)


def test_bad_item_signature_is_refused(laptop, office, share, tmp_path, english):
    _published(laptop, office, share, tmp_path)
    sig = Path(str(item_path(share, "checklist")) + ".sig")
    sig.write_bytes(Path(str(item_path(share, "certificate")) + ".sig").read_bytes())
    _refused_keeps_v2(laptop, share, "signature over this file", seen=2)


def test_unknown_signer_is_refused(laptop, share, tmp_path, english):
    publish(default_office_dir(laptop.data_dir), share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)])
    assert not pull(laptop, share).refused
    stranger = tmp_path / "stranger-office"
    office_init(stranger, "冒名办公室", DEMO_PASSPHRASE)
    shutil.rmtree(share / "published")
    publish(stranger, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 3, "第三版")])
    _refused_keeps_v2(laptop, share, "unknown signer")


def test_broken_payload_is_refused_even_when_signed(laptop, office, share, tmp_path, english, monkeypatch):
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)])
    assert not pull(laptop, share).refused
    # the office's own tool could write a roster the app cannot load: signed, hashed, and still refused
    publishing = importlib.import_module("inspector_app.core.sync.publish")  # the module, not the function

    monkeypatch.setattr(publishing, "roster_payload", lambda path: publishing.Payload(
        "roster", "roster", "roster.yaml", b"departments: [unclosed"))
    publish(office, share, DEMO_PASSPHRASE, roster=tmp_path / "ignored.yaml")
    report = pull(laptop, share)
    assert report.refused and "roster.yaml" in report.refused[0].file and "YAML" in report.refused[0].reason
    assert load_received(laptop).version == 2 and not load_received(laptop).complete
    assert laptop.library.get(ASSESSMENT).version == v(2)


def test_replayed_older_index_is_refused(laptop, office, share, tmp_path, english):
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)])
    old = share.parent / "old-published"
    shutil.copytree(share / "published", old)
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 3, "第三版")])
    assert not pull(laptop, share).refused
    assert laptop.library.get(ASSESSMENT).version == v(3)
    shutil.rmtree(share / "published")
    shutil.copytree(old, share / "published")  # an old copy of the share (or a stick from last month)
    report = pull(laptop, share)
    assert report.refused and "older than the one already received" in report.refused[0].reason
    assert laptop.reload_library().get(ASSESSMENT).version == v(3) and load_received(laptop).version == 2


class _Rosters:
    """Rosters R1, R2, ... each leaving out one more of the laptop's staff, and the published share's copies."""

    def __init__(self, laptop: Workspace, share: Path, tmp_path: Path):
        from inspector_app.core.roster_store import current_roster

        self.laptop, self.share, self.tmp_path = laptop, share, tmp_path
        self.full = current_roster(laptop).model_dump(mode="json")
        self.staff_nos = [s["staff_no"] for s in self.full["staff"]][:4]

    def roster(self, n: int) -> Path:
        """R<n>: the first n staff left out."""
        roster = dict(self.full, staff=[s for s in self.full["staff"] if s["staff_no"] not in self.staff_nos[:n]])
        path = self.tmp_path / f"roster-r{n}.json"
        path.write_text(json.dumps(roster, ensure_ascii=False), encoding="utf-8")
        return path

    def installed(self) -> int:
        """n of the roster R<n> on the laptop (how many of the first staff are inactive)."""
        with self.laptop.db.read() as session:
            active = [session.scalar(select(Staff.active).where(Staff.staff_no == no)) for no in self.staff_nos]
        n = active.index(True) if True in active else len(active)
        assert all(active[n:]), active  # R<n> leaves out exactly the first n
        return n

    def keep(self, name: str) -> Path:
        """A copy of the published folder as it is now (an old copy of the share, a stick from last month)."""
        copy = self.tmp_path / name
        shutil.copytree(self.share / "published", copy)
        return copy

    def replay(self, copy: Path) -> None:
        shutil.rmtree(self.share / "published")
        shutil.copytree(copy, self.share / "published")

    def break_checklist_signature(self) -> None:
        """The new checklist's signature replaced by another item's: hashed and indexed, but refused."""
        sig = Path(str(item_path(self.share, "checklist")) + ".sig")
        sig.write_bytes(Path(str(item_path(self.share, "certificate")) + ".sig").read_bytes())


def test_partial_pull_remembers_its_version_and_an_older_index_is_refused(laptop, office, share, tmp_path,
                                                                          english):
    rosters = _Rosters(laptop, share, tmp_path)
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)], roster=rosters.roster(1))
    assert not pull(laptop, share).refused and rosters.installed() == 1
    v1 = rosters.keep("published-v1")
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 3, "第三版")], roster=rosters.roster(2))
    good_sig = Path(str(item_path(share, "checklist")) + ".sig").read_bytes()
    rosters.break_checklist_signature()
    partial = pull(laptop, share)  # the roster is taken, the checklist refused
    assert [p.reason for p in partial.refused] and "signature over this file" in partial.refused[0].reason
    assert rosters.installed() == 2 and laptop.reload_library().get(ASSESSMENT).version == v(2)
    assert load_received(laptop).version == 2 and not load_received(laptop).complete
    v2 = rosters.keep("published-v2")

    rosters.replay(v1)  # the attack: v1's index and items, all validly signed
    report = pull(laptop, share)
    assert not report.installed and not report.up_to_date
    assert [p.reason for p in report.refused] == [
        ("this publication (version 1) is older than the one already received (version 2); "
         "an old copy of the share cannot replace it")]
    assert rosters.installed() == 2 and laptop.reload_library().get(ASSESSMENT).version == v(2)
    assert load_received(laptop).version == 2 and not load_received(laptop).complete

    rosters.replay(v2)  # the same v2 again, its checklist signature repaired: the refused item is retried
    Path(str(item_path(share, "checklist")) + ".sig").write_bytes(good_sig)
    retried = pull(laptop, share)
    assert not retried.refused and retried.installed and laptop.reload_library().get(ASSESSMENT).version == v(3)
    assert rosters.installed() == 2 and load_received(laptop).version == 2 and load_received(laptop).complete
    assert pull(laptop, share).up_to_date


def test_a_later_good_publication_installs_after_a_partial_pull(laptop, office, share, tmp_path, english):
    rosters = _Rosters(laptop, share, tmp_path)
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)], roster=rosters.roster(1))
    assert not pull(laptop, share).refused
    v1 = rosters.keep("published-v1")
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 3, "第三版")], roster=rosters.roster(2))
    rosters.break_checklist_signature()
    assert pull(laptop, share).refused and rosters.installed() == 2
    v2 = rosters.keep("published-v2")
    rosters.replay(v1)
    assert pull(laptop, share).refused and rosters.installed() == 2
    rosters.replay(v2)  # the office's share as it was, for the next publication
    # v3 carries the checklist refused in v2 forward, freshly signed: it is taken now, with the new roster
    third = publish(office, share, DEMO_PASSPHRASE, roster=rosters.roster(3))
    assert third.version == 3
    report = pull(laptop, share)
    assert not report.refused, report.refused
    assert rosters.installed() == 3 and laptop.reload_library().get(ASSESSMENT).version == v(3)
    state = load_received(laptop)
    assert state.version == 3 and state.complete and state.index_sha256
    assert pull(laptop, share).up_to_date


def test_two_partial_pulls_then_the_first_replayed_cannot_roll_the_roster_back(laptop, office, share, tmp_path,
                                                                                english):
    """Before: the remembered version stayed at the last complete pull (v1), so v2's signed index replayed
    after a partial v3 was "newer" and put roster R2 back over R3."""
    rosters = _Rosters(laptop, share, tmp_path)
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)], roster=rosters.roster(1))
    assert not pull(laptop, share).refused
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 3, "第三版")], roster=rosters.roster(2))
    rosters.break_checklist_signature()
    assert pull(laptop, share).refused and rosters.installed() == 2
    v2 = rosters.keep("published-v2")
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path, 4, "第四版")], roster=rosters.roster(3))
    rosters.break_checklist_signature()
    assert pull(laptop, share).refused and rosters.installed() == 3
    rosters.replay(v2)
    report = pull(laptop, share)
    assert rosters.installed() == 3 and not report.installed
    assert report.refused and "(version 2) is older than the one already received (version 3)" in \
        report.refused[0].reason
    assert load_received(laptop).version == 3
    assert laptop.reload_library().get(ASSESSMENT).version == v(2)


def test_rectification_status_is_applied_and_audited(laptop, office, share, tmp_path):
    generate(laptop, 12, seed=11)
    with laptop.db.read() as session:
        rect = session.scalars(select(Rectification).where(Rectification.status.in_(("open", "rectified")))
                               .limit(1)).one()
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    status_file = tmp_path / "status.json"
    status_file.write_text(json.dumps({"format": fmt.STATUS_FORMAT, "version": 1, "items": [
        {"id": rect.id, "status": "verified", "verified_at": later.isoformat(), "verified_by": "办公室复查",
         "updated_at": later.isoformat()},
        {"id": "no-such-item", "status": "verified", "updated_at": later.isoformat()}]}), encoding="utf-8")
    publish(office, share, DEMO_PASSPHRASE, rectifications=status_file)
    report = pull(laptop, share)
    assert not report.refused and report.installed
    views = {v.id: v for v in list_rectifications(laptop)}
    assert views[rect.id].status == "verified"
    with laptop.db.read() as session:
        assert session.get(Rectification, rect.id).verified_by == "办公室复查"
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == rect.id,
                                                          AuditEvent.action == "published_status")).all()
        assert len(events) == 1 and verify(session).ok


def test_sync_without_passphrase_only_pulls(laptop, office, share, tmp_path):
    generate(laptop, 2, seed=3)
    publish(office, share, DEMO_PASSPHRASE, checklists=[checklist_v2(tmp_path)])
    assert sync_status(laptop).last_sync is None
    report = sync_with_share(laptop, share, None)
    assert report.push is None and report.waiting == 2 and not report.pull.refused
    status = sync_status(laptop)
    assert status.last_sent is None and status.last_sync == status.last_received is not None
    assert not (share / "incoming").exists() or not list((share / "incoming").iterdir())
    report = sync_with_share(laptop, share, DEMO_PASSPHRASE)
    assert report.ok and report.push is not None and report.push.inspections == 2 and report.waiting == 0
    assert report.pull.up_to_date


# -- the office's revocations reach the laptops (issue #16) -----------------------------------------------------
def test_revocations_are_published_and_a_laptop_verifies_with_them(laptop: Workspace, office: Path, share: Path,
                                                                    tmp_path: Path, english: None) -> None:
    """After `office revoke`, the next publication carries the office's CRL; the laptop keeps it in its trust
    folder, where `verify` reads it; an older list replayed, or one no trusted office signed, is refused."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    from inspector_app.core.identity import certs, storage
    from inspector_app.core.identity.revocation import revoke
    from inspector_app.core.identity.trust import local_crls

    publish(office, share, DEMO_PASSPHRASE)  # nothing revoked yet: no list published
    assert not pull(laptop, share).refused and not list(storage.trust_dir(laptop.data_dir).glob("*.crl.pem"))
    staff_no = laptop.settings.inspector.staff_no
    done = revoke(office, DEMO_PASSPHRASE, staff_no, "superseded")
    first_list = (office / storage.CRL_FILE).read_bytes()
    report = publish(office, share, DEMO_PASSPHRASE)
    assert "revocations:crl" in report.new
    pulled = pull(laptop, share)
    assert not pulled.refused and any("Revocation list received: 1" in line for line in pulled.installed), pulled
    held = [crl for crl in local_crls(laptop.data_dir) if crl.get_revoked_certificate_by_serial_number(
        int(done[0].serial, 16)) is not None]
    assert held, "the laptop's verify does not see the revocation"

    # an older list brought back (the office folder restored from an old backup) takes nothing back
    _later_list(office)
    publish(office, share, DEMO_PASSPHRASE)
    assert not pull(laptop, share).refused
    (office / storage.CRL_FILE).write_bytes(first_list)
    publish(office, share, DEMO_PASSPHRASE)
    replayed = pull(laptop, share)
    assert replayed.refused and any("older than the one on this laptop" in p.reason for p in replayed.refused)

    # a list signed by some other key is never installed
    stranger = certs.new_key()
    forged = (x509.CertificateRevocationListBuilder()
              .issuer_name(x509.load_pem_x509_certificate((office / storage.OFFICE_CERT_FILE).read_bytes()).subject)
              .last_update(datetime.now(timezone.utc)).next_update(datetime.now(timezone.utc) + timedelta(days=30))
              .sign(stranger, hashes.SHA256()))
    (office / storage.CRL_FILE).write_bytes(forged.public_bytes(serialization.Encoding.PEM))
    publish(office, share, DEMO_PASSPHRASE)
    refused = pull(laptop, share)
    assert refused.refused and any("not signed by an office this laptop trusts" in p.reason for p in refused.refused)


def _later_list(office: Path) -> None:
    """The office's list written again a second later (as the next revocation would)."""
    import time

    from inspector_app.core.identity.office import unlock_office_root
    from inspector_app.core.identity.revocation import publish_crl

    time.sleep(1.1)
    root, root_key, _ = unlock_office_root(office, DEMO_PASSPHRASE)
    publish_crl(office, root_key, root)
