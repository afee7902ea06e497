"""Member names the office could not store on Windows (issue #13, item 7).

Attack found: a bundle signed with the inspector's real, enrolled key whose photo member is named e.g.
`photos/abc.jp?g` passed verification, and the office stored it under `files/<hash[:2]>/<hash>.jp?g`: on
Windows that fails (WinError 123) and stopped every later merge there. Now every member name is checked against
Windows' rules while the bundle is verified, before anything is written; such a bundle is refused with
`bad_member_name` (quarantined by merge_share) while an honest bundle beside it merges.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector_app.core.demo import generate
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    load_signing_identity,
    trusted_office_certs,
)
from inspector_app.core.merge import default_url, merge_files, merge_share, open_central
from inspector_app.core.merge import models as cm
from inspector_app.core.merge.rows import member_path
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import Quarantine, open_bundle, push
from inspector_app.core.sync.bundle_format import (
    DATA,
    MANIFEST,
    SIGNATURE,
    Member,
    bundle_name,
)
from inspector_app.core.sync.signing import sign_bytes
from inspector_app.core.sync.verify import member_name_problem
from tests.helpers.fixtures import ASSESSMENT, make_image, open_demo_workspace

BAD_NAMES = ["photos/abc.jp?g", "photos/CON.jpg", "photos/x.jpg.", "photos/a:b.jpg"]
WINDOWS_PATH = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z0-9]{1,8})?$")


class Laptop:
    """A demo laptop whose pushed bundle holds a photo (the member the attack renames)."""

    def __init__(self, root: Path):
        self.ws = open_demo_workspace(root / "data")
        generate(self.ws, 1, seed=5)
        recorder = Recorder(self.ws, actor="tester")
        started = recorder.start(NewInspection(checklist_id=ASSESSMENT, department="W-REG",
                                               inspector_name="演示督查员"))
        recorder.record(started.id, NewDeduction("A3", ["1002"], photos=[make_image(root / "in" / "badge.png")]))
        recorder.finish(started.id)
        share = root / "share"
        share.mkdir()
        report = push(self.ws, share, DEMO_PASSPHRASE)
        assert report.bundle is not None
        self.bundle = Path(shutil.copy2(report.bundle, root / report.bundle.name))
        self.trusted = trusted_office_certs(self.ws)
        self.key = load_signing_identity(self.ws, DEMO_PASSPHRASE).private_key
        with zipfile.ZipFile(self.bundle) as zf:
            self.content = {info.filename: zf.read(info) for info in zf.infolist()}
        [self.photo] = [name for name in self.content if name.startswith("photos/")]


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    made = Laptop(tmp_path_factory.mktemp("windows-names"))
    yield made
    made.ws.close()


def renamed(laptop: Laptop, folder: Path, new_name: str) -> Path:
    """The laptop's batch with its photo member renamed everywhere (zip entry, manifest, data), a new batch
    id, and the manifest re-signed with the inspector's real enrolled key: valid in every other respect."""
    content = {(new_name if name == laptop.photo else name): body for name, body in laptop.content.items()}
    data = json.loads(content[DATA])
    for record in data["inspections"]:
        for deduction in record["deductions"]:
            for photo in deduction["photos"]:
                if photo["member"] == laptop.photo:
                    photo["member"] = new_name
    content[DATA] = canonical(data).encode("utf-8")
    manifest = json.loads(content[MANIFEST])
    manifest["batch_id"] = str(uuid.uuid4())
    for member in manifest["members"]:
        if member["name"] == laptop.photo:
            member["name"] = new_name
        if member["name"] == DATA:
            member.update(sha256=hashlib.sha256(content[DATA]).hexdigest(), size=len(content[DATA]))
    content[MANIFEST] = canonical(manifest).encode("utf-8")
    content[SIGNATURE] = sign_bytes(laptop.key, content[MANIFEST])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / bundle_name(manifest["device_id"], manifest["batch_id"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in content.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return target


def stored_files(files: Path) -> list[str]:
    return sorted(p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file())


def test_the_crafted_bundles_are_otherwise_valid(laptop: Laptop, tmp_path: Path) -> None:
    """Control: the same re-signing with an honest new name verifies, so the refusals below are the name's."""
    other = renamed(laptop, tmp_path, f"photos/{hashlib.sha256(b'x').hexdigest()}.jpg")
    assert open_bundle(other, laptop.trusted).manifest.members


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_member_name_windows_cannot_store_is_refused_before_anything_is_written(laptop: Laptop, tmp_path: Path,
                                                                                  name: str) -> None:
    with pytest.raises(Quarantine) as caught:
        open_bundle(renamed(laptop, tmp_path, name), laptop.trusted)
    assert caught.value.reason_code == "bad_member_name"
    assert name in caught.value.message and "Windows" in caught.value.message


def test_bad_names_are_refused_while_an_honest_bundle_beside_them_merges(laptop: Laptop, tmp_path: Path) -> None:
    crafted = [renamed(laptop, tmp_path / "crafted", name) for name in BAD_NAMES]
    central = open_central(default_url(tmp_path / "office"))
    files = tmp_path / "files"
    try:
        report = merge_files(central, [*crafted, laptop.bundle], laptop.trusted, files)
        outcomes = {o.name: o for o in report.outcomes}
        assert [outcomes[p.name].reason_code for p in crafted] == ["bad_member_name"] * len(crafted)
        assert all(outcomes[p.name].status == "refused" and outcomes[p.name].message for p in crafted)
        assert outcomes[laptop.bundle.name].status == "merged"
        with central.read() as session:
            assert session.scalar(select(func.count()).select_from(cm.Batch)) == 1
            paths = list(session.scalars(select(cm.Photo.file_path)))
        assert len(paths) == 1 and all(WINDOWS_PATH.match(p) for p in paths)
        # only the honest bundle's files were stored, every one under a name Windows accepts
        stored = stored_files(files)
        assert paths[0] in stored and all(WINDOWS_PATH.match(p) for p in stored), stored
    finally:
        central.close()


def test_merge_share_quarantines_them_with_the_reason(laptop: Laptop, tmp_path: Path) -> None:
    share = tmp_path / "share"
    crafted = [renamed(laptop, share / "incoming", name) for name in BAD_NAMES]
    shutil.copy2(laptop.bundle, share / "incoming" / laptop.bundle.name)
    central = open_central(default_url(tmp_path / "office"))
    try:
        report = merge_share(central, share, laptop.trusted, tmp_path / "files")
    finally:
        central.close()
    assert sorted((o.name, o.status, o.reason_code) for o in report.outcomes) == sorted(
        [(p.name, "quarantined", "bad_member_name") for p in crafted] + [(laptop.bundle.name, "merged", "")])
    for bundle in crafted:
        reason = json.loads((share / "quarantine" / f"{bundle.name}.reason.json").read_text(encoding="utf-8"))
        assert reason["reason_code"] == "bad_member_name" and "Windows" in reason["message"]
    assert not list((share / "incoming").glob("*.zip"))


@pytest.mark.parametrize("name", [
    *BAD_NAMES, "photos/a|b.jpg", 'photos/a"b.jpg', "photos/a<b>.jpg", "photos/a*.jpg", "photos/nul",
    "photos/aux.tar.gz", "photos/com1.png", "photos/LPT9.pdf", "photos/Com\u00b9.jpg", "photos/x.jpg ",
    "photos./x.jpg", "photos /x.jpg", "photos/" + "a" * 252 + ".jpg", "d/" * 126 + "x.jpg",
    "photos/" + "\U0001F600" * 126 + ".jpg", "photos/a.照片", "photos/a.abcdefghi", "photos/a.jp-g"])
def test_windows_rules(name: str) -> None:
    problem = member_name_problem(name)
    assert problem is not None and problem.reason_code == "bad_member_name", name


@pytest.mark.parametrize("name", ["../x.jpg", "/etc/passwd", "C:/x", "c:x.jpg", "photos\\x.jpg", "photos/a\x01.jpg",
                                  "photos/"])
def test_escaping_paths_stay_unsafe_name(name: str) -> None:
    problem = member_name_problem(name)
    assert problem is not None and problem.reason_code == "unsafe_name", name


@pytest.mark.parametrize("name", [MANIFEST, DATA, SIGNATURE, "signature/signer.pem", "photos/" + "a" * 64 + ".jpeg",
                                  "photos/" + "b" * 64 + ".bin", "signatures/" + "c" * 64 + ".png",
                                  "documents/1002-ab12cd34-DC-0001.pdf", "documents/A.1.pdf", "photos/console.jpg",
                                  "photos/com10.jpg", "photos/名.jpg", "photos/x", "photos/.hidden"])
def test_honest_names_pass(name: str) -> None:
    assert member_name_problem(name) is None, name


@pytest.mark.parametrize(("name", "suffix"), [
    ("photos/a.JPG", ".jpg"), ("photos/a.jpeg", ".jpeg"), ("photos/a.abcdefgh", ".abcdefgh"), ("photos/a", ""),
    ("photos/abc.jp?g", ""), ("photos/a.照片", ""), ("photos/a.abcdefghi", ""), ("photos/x.jpg.", ""),
    ("photos/a.j g", ""), ("photos/a.\u212a", ".k")])
def test_member_path_keeps_only_a_plain_extension(name: str, suffix: str) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    path = member_path(Member(name=name, sha256=digest, size=1))
    assert path == f"{digest[:2]}/{digest}{suffix}" and WINDOWS_PATH.match(path)
