"""`inspector-app profile …` and `office …` end to end, plus: no passphrase source and no terminal → exit 1 at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector_app.core.identity import PASSPHRASE_ENV
from inspector_app.core.identity.passphrase import NEW_PASSPHRASE_ENV
from inspector_app.core.paths import DATA_ENV
from tests.helpers.fixtures import child_env, cli_runner

RUN_MAIN = """
import sys
from inspector_app.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """The CLI with no passphrase in the environment (each test says where its passphrase comes from)."""
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv(NEW_PASSPHRASE_ENV, raising=False)
    return cli_runner(tmp_path / "data", capsys)


def secret_file(folder: Path, name: str, value: str) -> str:
    path = folder / name
    path.write_text(value + "\n", encoding="utf-8")
    return str(path)


def test_profile_and_office_round_trip(run, tmp_path: Path) -> None:
    mine = secret_file(tmp_path, "mine.txt", "inspector-passphrase")
    theirs = secret_file(tmp_path, "office.txt", "office-passphrase")
    code, out, _ = run("profile", "show")
    assert code == 0 and "No signing identity" in out
    code, _, err = run("profile", "init", "--passphrase-file", mine)
    assert code == 1 and "--name" in err
    code, out, err = run("profile", "init", "--name", "张三", "--staff-no", "1001", "--passphrase-file", mine)
    assert code == 0, err
    assert "张三 (1001)" in out
    code, _, err = run("profile", "init", "--passphrase-file", mine)
    assert code == 1 and "--force" in err
    code, out, _ = run("profile", "show", "--format", "json")
    shown = json.loads(out)
    assert shown["self_signed"] and not shown["enrolled"] and shown["staff_no"] == "1001"

    request, issued, office = tmp_path / "me.csr.pem", tmp_path / "me.cert.pem", tmp_path / "office"
    code, out, err = run("profile", "request", "-o", str(request), "--passphrase-file", mine)
    assert code == 0, err
    assert shown["key_fingerprint"] in out
    code, out, err = run("office", "init", "--dir", str(office), "--name", "示例市人民医院 综合办公室",
                         "--passphrase-file", theirs)
    assert code == 0, err
    code, out, err = run("office", "enrol", str(request), "-o", str(issued), "--dir", str(office),
                         "--passphrase-file", theirs)
    assert code == 0, err
    assert shown["key_fingerprint"] in out and "张三 (1001)" in out
    code, out, err = run("profile", "import-cert", str(issued))
    assert code == 0, err
    code, out, _ = run("profile", "show")
    assert "enrolled by 示例市人民医院 综合办公室" in out
    code, out, _ = run("office", "show", "--dir", str(office), "--format", "json")
    assert json.loads(out)["issued"] == 1

    new = secret_file(tmp_path, "new.txt", "another-passphrase")
    code, _, err = run("profile", "passphrase", "--passphrase-file", theirs, "--new-passphrase-file", new)
    assert code == 1 and "wrong" in err
    code, out, err = run("profile", "passphrase", "--passphrase-file", mine, "--new-passphrase-file", new)
    assert code == 0, err
    code, _, err = run("profile", "request", "-o", str(request), "--passphrase-file", new)
    assert code == 0, err


def test_bad_certificate_file_is_named(run, tmp_path: Path) -> None:
    mine = secret_file(tmp_path, "mine.txt", "inspector-passphrase")
    assert run("profile", "init", "--name", "张三", "--staff-no", "1001", "--passphrase-file", mine)[0] == 0
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"\x00junk")
    code, _, err = run("profile", "import-cert", str(junk))
    assert code == 1 and str(junk) in err
    code, _, err = run("office", "enrol", str(junk), "-o", str(tmp_path / "x.pem"), "--dir", str(tmp_path / "none"))
    assert code == 1 and "office init" in err


def test_without_terminal_or_passphrase_source_fails_fast(tmp_path: Path) -> None:
    env = child_env()
    env.pop(PASSPHRASE_ENV, None)
    env[DATA_ENV] = str(tmp_path / "data")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", RUN_MAIN, "--lang", "en", "profile", "init", "--name", "张三",
                           "--staff-no", "1001"], check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "--passphrase-file FILE or set INSPECTOR_APP_PASSPHRASE" in done.stderr
    assert time.monotonic() - started < 30
    assert not (tmp_path / "data" / "identity" / "inspector.key.pem").exists()
