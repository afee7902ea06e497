"""A non-editable install (a built wheel) carries forms/ and resources/ and finds them."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    return next(out.glob("inspector_app-*.whl"))


def test_wheel_contains_forms_and_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "inspector_app/_bundled/forms/001-assessment.yaml" in names
    assert "inspector_app/_bundled/resources/demo/roster.yaml" in names
    assert "inspector_app/_bundled/resources/i18n/zh.json" in names
    assert "inspector_app/core/store/migrations/versions/0001_initial_schema.py" in names


def test_installed_wheel_finds_its_data_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import inspector_app.core.paths as p, sys;"
        "from inspector_app.core.checklists import ChecklistLibrary;"
        "lib = ChecklistLibrary.load();"
        "print(p.forms_dir()); print(p.resources_dir()); print(len(lib), len(lib.problems))"
    )
    # run from an unrelated folder with only the unpacked wheel (plus the dependencies) importable
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env, check=False,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    forms, resources, counts = result.stdout.strip().splitlines()
    assert forms.startswith(str(target)) and resources.startswith(str(target))
    loaded, problems = map(int, counts.split())
    assert loaded >= 5 and problems == 0


# -- the PyInstaller build's inputs (the build itself: tests/test_frozen_build.py) ------------------------
def test_spec_uses_only_relative_paths():
    spec = (ROOT / "packaging" / "inspector-app.spec").read_text(encoding="utf-8")
    for fixed in ("/usr/", "/home/", "/work/", "/tmp/", "site-packages", "C:\\", "\\\\"):
        assert fixed not in spec, fixed
    assert "SPECPATH" in spec and "inspector-app-gui" in spec  # rooted at the spec; the windowed Windows twin


def test_build_extra_and_test_extra_carry_pyinstaller():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("pyinstaller") for req in extras["build"])
    assert any(req.startswith("pyinstaller") for req in extras["test"])


def test_icons_and_desktop_entry():
    from PIL import Image

    icons = ROOT / "resources" / "icons"
    for size in (16, 32, 48, 256):
        assert Image.open(icons / f"inspector-app-{size}.png").size == (size, size)
    ico = Image.open(icons / "inspector-app.ico")
    assert ico.format == "ICO" and {(16, 16), (32, 32), (256, 256)} <= set(ico.info["sizes"])
    entry = (ROOT / "packaging" / "inspector-app.desktop").read_text(encoding="utf-8").splitlines()
    assert entry[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in entry[1:] if "=" in line)
    assert keys["Type"] == "Application" and keys["Icon"] == "inspector-app" and keys["Exec"].startswith("inspector-app")
    assert keys["Name[zh_CN]"] == "优质服务督查" and keys["Terminal"] == "false"


def test_window_smoke_test_from_the_checkout(tmp_path):
    """The hidden --smoke-test the frozen-build test uses: the window opens offscreen, exit 0; an empty data
    folder does not stop at the first-run wizard in this mode."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "inspector_app", "--data-dir", str(tmp_path / "data"),
                             "--smoke-test"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "smoke test: main window shown" in result.stdout


# -- a fresh machine: setup.sh waits for a busy package manager, and says how to run the app ---------------
WAIT_FOR_APT_LOCK = ROOT / "packaging" / "wait-for-apt-lock.sh"


def _hold_posix_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding a POSIX record lock on path, as dpkg and apt take theirs (fcntl F_SETLK; such
    locks belong to a process, so the holder must not be this test's own process). It lets go after `seconds`
    or as soon as a line arrives on its stdin (`_let_go`), whichever comes first."""
    code = ("import fcntl, os, select, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.lockf(fd, fcntl.LOCK_EX); print('locked', flush=True); "
            "select.select([sys.stdin], [], [], float(sys.argv[2]))")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path), str(seconds)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def _let_go(holder: subprocess.Popen) -> None:
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.flush()


def _release(holder: subprocess.Popen) -> None:
    holder.kill()
    holder.wait()
    for stream in (holder.stdin, holder.stdout):
        if stream is not None:
            stream.close()


def _wait_for_lock(timeout: int, *locks: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(["bash", str(WAIT_FOR_APT_LOCK), "--timeout", str(timeout), *map(str, locks)],
                            capture_output=True, text=True, timeout=60, check=False)
    return result, time.monotonic() - started


def test_apt_lock_waiter_gives_up_with_a_plain_sentence(tmp_path):
    free, held = tmp_path / "lock", tmp_path / "lock-frontend"
    free.touch()
    holder = _hold_posix_lock(held, 60)
    try:
        result, took = _wait_for_lock(1, free, held, tmp_path / "missing")
    finally:
        _release(holder)
    assert result.returncode == 1, result.stderr
    assert 1 <= took < 10
    assert f"Waiting for another package manager (pid {holder.pid}) to finish… (up to 1 s)" in result.stderr
    assert f"Another package manager (pid {holder.pid}" in result.stderr
    assert f"still holds {held} after 1 s" in result.stderr and "INSPECTOR_APT_LOCK_WAIT" in result.stderr
    assert result.stderr.count("Waiting for") == 1  # one message, not one per poll


def test_apt_lock_waiter_continues_when_the_lock_is_released(tmp_path):
    held = tmp_path / "lock-frontend"
    holder = _hold_posix_lock(held, 60)
    try:
        started = time.monotonic()
        waiter = subprocess.Popen(["bash", str(WAIT_FOR_APT_LOCK), "--timeout", "20", str(held)],
                                  stderr=subprocess.PIPE, text=True)
        assert waiter.stderr is not None
        said = waiter.stderr.readline()  # the lock is let go only once the waiter says it waits (no race on load)
        _let_go(holder)
        rest = waiter.stderr.read()
        returncode = waiter.wait(timeout=60)
        took = time.monotonic() - started
        waiter.stderr.close()
    finally:
        _release(holder)
    assert returncode == 0, said + rest
    assert took < 15
    assert f"Waiting for another package manager (pid {holder.pid}) to finish… (up to 20 s)" in said
    assert "finished; continuing" in rest
    # nobody holding it: no wait, no message; a bad wait is wrong usage
    result, took = _wait_for_lock(20, held, tmp_path / "missing")
    assert (result.returncode, result.stderr) == (0, "") and took < 5
    env = {**os.environ, "INSPECTOR_APT_LOCK_WAIT": "ten minutes"}
    bad = subprocess.run(["bash", str(WAIT_FOR_APT_LOCK), str(held)], capture_output=True, text=True, env=env,
                         timeout=60, check=False)
    assert bad.returncode == 2 and "whole number of seconds" in bad.stderr


def test_setup_script_waits_for_the_lock_and_says_how_to_run_the_app():
    subprocess.run(["bash", "-n", str(ROOT / "packaging" / "setup.sh")], check=True, timeout=60)
    subprocess.run(["bash", "-n", str(WAIT_FOR_APT_LOCK)], check=True, timeout=60)
    setup = (ROOT / "packaging" / "setup.sh").read_text(encoding="utf-8")
    lines = setup.replace("\\\n", " ").splitlines()
    apt_calls = [line for line in lines if "apt-get " in line and not line.lstrip().startswith("#")
                 and "command -v" not in line and "echo" not in line]
    assert {"update", "install"} <= {word for line in apt_calls for word in line.split()}
    assert apt_calls and all('-o DPkg::Lock::Timeout="$lock_wait"' in line for line in apt_calls), apt_calls
    assert "INSPECTOR_APT_LOCK_WAIT" in setup
    waiter = next(i for i, line in enumerate(lines) if "wait-for-apt-lock.sh" in line and "$sudo" in line)
    assert waiter < min(lines.index(line) for line in apt_calls)  # it waits before apt-get runs
    tail = setup[setup.index('echo "inspector-app is set up'):]
    assert "/inspector-app" in tail and "activate" in tail and 'export PATH=' in tail


# -- README's command-line reference lists every command and option of the real parser -------------------
def _cli_reference() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Command line\n"):]
    block = section[section.index("```text\n") + len("```text\n"):]
    return block[:block.index("```")].splitlines()


def _reference_entries() -> tuple[str, dict[str, str]]:
    """The usage line, and each top-level command's text (its lines, continuation lines joined)."""
    usage, *lines = _cli_reference()
    entries: dict[str, str] = {}
    command = ""
    for line in lines:
        if line.startswith("    "):  # a continuation of the line above
            entries[command] += " " + line.strip()
            continue
        assert line.startswith("  ") and line[2] != " ", f"README command line not understood: {line!r}"
        command, _, rest = line.strip().partition(" ")
        entries[command] = (entries[command] + " | " + rest) if command in entries else rest
    return usage, entries


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def _check_documented(parser: argparse.ArgumentParser, text: str, where: str) -> list[str]:
    """What of parser's own options (not its subcommands') is missing from text, or named there but unknown.
    An option counts as documented with all its long forms, or with its short form (-o for -o/--output)."""
    problems, known, named = [], set(), set(OPTION.findall(text))
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        known.update(action.option_strings)
        if action.help == argparse.SUPPRESS:
            continue
        longs = [option for option in action.option_strings if option.startswith("--")]
        shorts = [option for option in action.option_strings if not option.startswith("--")]
        if not (shorts and named & set(shorts)):
            forms = "" if len(action.option_strings) < 2 else f" (of {'/'.join(action.option_strings)})"
            problems += [f"{where}: {option}{forms} is not in README" for option in longs or shorts
                         if option not in named]
        problems += [f"{where}: {choice!r} (a choice of {action.dest}) is not in README"
                     for choice in action.choices or () if str(choice) not in text]
    problems += [f"{where}: README names {option}, which it does not take" for option in sorted(named - known)]
    return problems


def _check_third_level(name: str, action: str, parser: argparse.ArgumentParser, entry: str) -> list[str]:
    """Each verb of `name action VERB` has a README line whose second word names it (`a|b` for two verbs that
    take the same options), with that verb's options."""
    verbs: dict[str, str] = {}
    for part in entry.split(" | "):
        words = part.split()
        if len(words) > 1 and words[0] == action:
            for verb in words[1].split("|"):
                verbs[verb] = " ".join(words[2:])
    leaves = _subparsers(parser)
    problems = [f"README lists {name} {action} {verb}, which is no command" for verb in verbs if verb not in leaves]
    for verb, leaf in leaves.items():
        assert not _subparsers(leaf), f"{name} {action} {verb}: a fourth level; teach this test to read it"
        if verb not in verbs:
            problems.append(f"{name} {action} {verb} is not in README")
        else:
            problems += _check_documented(leaf, verbs[verb], f"{name} {action} {verb}")
    return problems


def test_readme_command_line_reference_lists_every_command_and_option():
    """Walks the real parser (inspector_app.cli.main.build_parser) over every subcommand: each subcommand and
    each option (every long form, and the choices) of a non-hidden action is in README's command-line block,
    on that command's own line, and the block names nothing the parser does not have."""
    from inspector_app.cli.main import build_parser

    parser = build_parser()
    usage, entries = _reference_entries()
    assert usage.startswith("inspector-app ")
    problems = _check_documented(parser, usage, "inspector-app")
    commands = _subparsers(parser)
    problems += [f"README lists {name}, which is no command" for name in entries if name not in commands]
    for name, command in commands.items():
        if name not in entries:
            problems.append(f"{name} is not in README")
            continue
        actions = _subparsers(command)
        assert not actions or _check_documented(command, "", name) == [], f"{name}: options before the action"
        if not actions:  # e.g. merge: one entry, whose own text may contain "|" (--share PATH | BUNDLE...)
            problems += _check_documented(command, entries[name], name)
            continue
        # "profile init ... | show ... | request ...": the text of each action starts with its name
        texts = {part.split()[0]: part for part in entries[name].split(" | ")}
        problems += [f"README lists {name} {action}, which is no command" for action in texts
                     if action not in actions]
        for action, sub in actions.items():
            if _subparsers(sub):  # "office complaint verify|unfound NUMBER ...": one line per verb (or verbs)
                problems += _check_third_level(name, action, sub, entries[name])
                continue
            if action not in texts:
                problems.append(f"{name} {action} is not in README")
            else:
                problems += _check_documented(sub, texts[action], f"{name} {action}")
    assert not problems, "\n".join(problems)


def test_windows_programs_carry_a_version_resource(tmp_path):
    """Product, company and version on the .exe (issue #18): checked by evaluating the version file the spec
    writes with stand-ins for PyInstaller's classes (its own need pefile, a Windows-only package here)."""
    import sys

    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from version_info import version_tuple, write_version_file
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    from inspector_app import __version__

    def record(kind):
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct"]
    text = write_version_file(tmp_path, __version__, "inspector-app-gui").read_text(encoding="utf-8")
    info = eval(text, {name: record(name) for name in names})  # noqa: S307 - our own generated file
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == fixed["prodvers"] == version_tuple(__version__)
    strings = dict(entry[1] for entry in info[2]["kids"][0][1][0][0][1][1])
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "inspector-app-gui.exe" and strings["CompanyName"]
    assert "医院优质服务督查" in strings["ProductName"]
    spec = (ROOT / "packaging" / "inspector-app.spec").read_text(encoding="utf-8")
    assert "version=version" in spec and "write_version_file" in spec
    launcher = (ROOT / "packaging" / "launcher.py").read_text(encoding="utf-8")
    assert "multiprocessing.freeze_support()" in launcher
