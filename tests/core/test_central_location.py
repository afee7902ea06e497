"""A SQLite central database only on this computer's own disk, by absolute path (issue #18).

WAL mode does not work over SMB; a relative `sqlite:///central.db` from a scheduled task lands in
C:\\Windows\\System32. Before issue #18 every one of these URLs was opened (and a file created) without a word.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest

from inspector_app.cli.main import main
from inspector_app.core import files
from inspector_app.core.errors import AppError
from inspector_app.core.merge import database, default_url, open_central


@pytest.mark.parametrize("url", ["sqlite:///\\\\server\\督查共享\\central.db", "sqlite://///server/share/central.db"])
def test_a_unc_path_is_refused(url: str, english: None) -> None:
    with pytest.raises(AppError, match="network path.*own disk.*PostgreSQL"):
        open_central(url)


def test_a_relative_path_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AppError, match="relative.*absolute path.*PostgreSQL"):
        open_central("sqlite:///central.db")
    assert not (tmp_path / "central.db").exists()


def test_a_mapped_network_drive_is_refused(monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    """Z: mapped to \\\\server\\share (GetDriveTypeW says DRIVE_REMOTE); D: is a local disk."""
    monkeypatch.setattr(files, "drive_type", lambda anchor: 4 if anchor.upper().startswith("Z") else 3)
    assert "network drive" in (database.sqlite_location_problem("Z:\\office\\central.db") or "")
    assert database.sqlite_location_problem("D:\\office\\central.db") is None
    assert "relative" in (database.sqlite_location_problem("D:central.db") or "")


def test_a_mounted_share_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    mounted = tmp_path / "smb"
    monkeypatch.setattr(files, "mount_type",
                        lambda path: "cifs" if str(path).startswith(str(mounted)) else "ext4")
    with pytest.raises(AppError, match="network drive"):
        open_central(default_url(mounted))
    assert not mounted.exists()
    central = open_central(default_url(tmp_path / "local"))
    central.close()


def test_the_real_mount_table_is_read() -> None:
    assert files.mount_type(PurePath(os.getcwd())) != ""  # this machine's /proc/self/mounts


def test_the_command_line_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INSPECTOR_APP_LANG", "zh")
    (tmp_path / "share").mkdir()
    code = main(["merge", "--central", "sqlite:///central.db", "--share", str(tmp_path / "share"),
                 "--trust", str(tmp_path / "none.pem"), "--files", str(tmp_path / "files")])
    err = capsys.readouterr().err
    assert code != 0 and "相对路径" in err and "Traceback" not in err
