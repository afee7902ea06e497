"""Private keys on a removable or network drive get a warning (issue #18).

0600/0700 permissions mean nothing on Windows, on FAT sticks or on a share: there only the passphrase guards
the inspector's and the office's private keys. Before issue #18 nothing said so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.core import files
from inspector_app.core.identity.passphrase import PASSPHRASE_ENV
from inspector_app.core.identity.storage import key_storage_warning
from tests.helpers.fixtures import cli_runner


def test_the_warning_follows_the_drive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    kinds = {"stick": "vfat", "share": "cifs"}
    monkeypatch.setattr(files, "mount_type", lambda path: next(
        (kind for name, kind in kinds.items() if f"/{name}/" in f"{path}/"), "ext4"))
    assert key_storage_warning(tmp_path / "local") is None
    assert "removable or network" in (key_storage_warning(tmp_path / "stick" / "data") or "")
    assert "removable or network" in (key_storage_warning(tmp_path / "share" / "data") or "")
    monkeypatch.setattr(files, "drive_type", lambda anchor: {"E:\\": 2, "Z:\\": 4}.get(anchor, 3))
    from pathlib import PureWindowsPath

    assert files.on_removable(PureWindowsPath("E:\\督查数据")) and files.on_network(PureWindowsPath("Z:\\d"))
    assert not files.on_network(PureWindowsPath("C:\\Users\\a")) and files.on_network(PureWindowsPath("\\\\s\\x\\d"))


def test_profile_init_warns_on_a_stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    stick = tmp_path / "stick"
    monkeypatch.setattr(files, "mount_type", lambda path: "vfat" if str(path).startswith(str(stick)) else "ext4")
    secret = tmp_path / "secret.txt"
    secret.write_text("a long enough passphrase\n", encoding="utf-8")
    run = cli_runner(stick / "data", capsys)
    code, _, err = run("profile", "init", "--name", "张三", "--staff-no", "1001", "--passphrase-file", str(secret))
    assert code == 0 and "removable or network drive" in err
    code, _, err = run("profile", "show")
    assert code == 0 and "removable or network drive" in err
    local = cli_runner(tmp_path / "local", capsys)
    code, _, err = local("profile", "init", "--name", "李四", "--staff-no", "1002", "--passphrase-file", str(secret))
    assert code == 0 and "removable" not in err
