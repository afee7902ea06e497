"""The inspector's key sealed by Windows (DPAPI, current user) as well as the passphrase (issue #18), under the
simulated Windows of tests/helpers/windows.py: another user or computer, or no Windows at all, cannot use a
copied key file, wherever it was kept; an older unsealed key is sealed at its next unlock; the office's keys
stay movable; key folders get an owner-only ACL."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from inspector_app.core import files
from inspector_app.core.errors import AppError
from inspector_app.core.identity import (
    acl,
    change_passphrase,
    create_identity,
    identity_status,
    load_signing_identity,
    office_init,
    storage,
)
from inspector_app.core.workspace import Workspace
from tests.helpers.windows import WindowsSim

pytestmark = pytest.mark.usefixtures("english")
SECRET = "Zq7-inspector-passphrase"
ARMOUR = b"-----BEGIN INSPECTOR-APP DPAPI KEY-----"


def _inspector(data_dir: Path) -> Workspace:
    ws = Workspace.open(data_dir)
    ws.update_settings(inspector={"name": "张三", "staff_no": "1001", "office": "综合办公室"})
    return ws


def test_a_new_key_is_sealed_for_this_user_and_still_needs_the_passphrase(windows: WindowsSim,
                                                                          tmp_path: Path) -> None:
    ws = _inspector(tmp_path / "data")
    try:
        create_identity(ws, SECRET)
        key_file = storage.key_path(ws.data_dir)
        data = key_file.read_bytes()
        assert data.startswith(ARMOUR) and b"ENCRYPTED PRIVATE KEY" not in data
        assert identity_status(ws).key_sealed
        assert load_signing_identity(ws, SECRET).certificate is not None
        with pytest.raises(AppError, match="passphrase is wrong"):
            load_signing_identity(ws, SECRET + "x")
        change_passphrase(ws, SECRET, SECRET + "-2")
        assert key_file.read_bytes().startswith(ARMOUR)
        load_signing_identity(ws, SECRET + "-2")
    finally:
        ws.close()


def test_a_copied_key_file_is_useless_to_another_user_another_computer_or_off_windows(windows: WindowsSim,
                                                                                     tmp_path: Path) -> None:
    ws = _inspector(tmp_path / "data")
    create_identity(ws, SECRET)
    ws.close()
    copy = Path(shutil.copytree(tmp_path / "data", tmp_path / "copy"))
    for user, computer in (("another", "LAPTOP-1"), ("inspector", "OFFICE-PC")):
        windows.log_on(user, computer)
        other = Workspace.open(copy)
        try:
            with pytest.raises(AppError, match="sealed by Windows for another user or another computer"):
                load_signing_identity(other, SECRET)
        finally:
            other.close()
    windows.log_on("inspector", "LAPTOP-1")  # the owner, back on the laptop: it works again
    owner = Workspace.open(copy)
    try:
        load_signing_identity(owner, SECRET)
    finally:
        owner.close()


def test_a_sealed_key_on_a_machine_without_dpapi_names_the_reason(tmp_path: Path) -> None:
    with WindowsSim(tmp_path):
        ws = _inspector(tmp_path / "data")
        create_identity(ws, SECRET)
        ws.close()
    ws = Workspace.open(tmp_path / "data")  # the same folder, opened where there is no DPAPI
    try:
        with pytest.raises(AppError, match="sealed by Windows"):
            load_signing_identity(ws, SECRET)
    finally:
        ws.close()


def test_a_key_from_before_sealing_is_sealed_at_its_next_unlock_not_on_a_wrong_passphrase(tmp_path: Path) -> None:
    ws = _inspector(tmp_path / "data")
    create_identity(ws, SECRET)  # no Windows: passphrase only
    key_file = storage.key_path(ws.data_dir)
    before = key_file.read_bytes()
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in before and not identity_status(ws).key_sealed
    try:
        with WindowsSim(tmp_path):
            with pytest.raises(AppError, match="passphrase is wrong"):
                load_signing_identity(ws, "not-the-passphrase")
            assert key_file.read_bytes() == before  # nothing changed for a wrong passphrase
            load_signing_identity(ws, SECRET)
            assert key_file.read_bytes().startswith(ARMOUR) and identity_status(ws).key_sealed
            load_signing_identity(ws, SECRET)
    finally:
        ws.close()


def test_a_key_on_a_stick_is_sealed_too_and_the_office_keys_stay_movable(windows: WindowsSim, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "office"
    office_init(office, "示例市人民医院 综合办公室", "Kx9-office-passphrase")
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in (office / storage.OFFICE_KEY_FILE).read_bytes()  # restorable
    monkeypatch.setattr(files, "on_removable", lambda path: True)
    assert "only the passphrase" in (storage.key_storage_warning(office) or "")
    ws = _inspector(tmp_path / "stick")
    try:
        create_identity(ws, SECRET)
        assert storage.key_path(ws.data_dir).read_bytes().startswith(ARMOUR)  # a copy off the stick is useless
        assert "sealed for this Windows user" in (storage.key_storage_warning(ws.data_dir) or "")
    finally:
        ws.close()


# -- owner-only ACLs on the key folders (Windows) ----------------------------------------------------------------
def test_key_folders_get_an_owner_only_acl_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(acl, "sys", SimpleNamespace(platform="win32"))
    monkeypatch.setattr(acl, "_run", lambda command: calls.append(list(command)) or 0)
    monkeypatch.setenv("USERDOMAIN", "HOSPITAL")
    monkeypatch.setenv("USERNAME", "zhangsan")
    office_init(tmp_path / "office", "示例市人民医院 综合办公室", "Kx9-office-passphrase")
    ws = _inspector(tmp_path / "data")
    try:
        create_identity(ws, SECRET)
    finally:
        ws.close()
    assert [c[1] for c in calls] == [str(tmp_path / "office"), str(tmp_path / "data" / "identity")]
    assert calls[0] == ["icacls", str(tmp_path / "office"), "/inheritance:r", "/grant:r",
                        "HOSPITAL\\zhangsan:(OI)(CI)F", "*S-1-5-18:(OI)(CI)F", "*S-1-5-32-544:(OI)(CI)F"]


def test_an_acl_that_cannot_be_set_is_logged_never_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("USERNAME", "zhangsan")
    assert not acl.restrict_to_owner(tmp_path, windows=False, run=lambda c: pytest.fail("not on Linux"))
    assert acl.restrict_to_owner(tmp_path, windows=True, run=lambda c: 0)
    assert not acl.restrict_to_owner(tmp_path, windows=True, run=lambda c: 5)  # FAT: no ACLs to set
    assert "FAT or network" in caplog.text

    def missing(command: object) -> int:
        raise FileNotFoundError("icacls")

    assert not acl.restrict_to_owner(tmp_path, windows=True, run=missing)
