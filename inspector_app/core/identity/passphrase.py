"""Getting a passphrase without ever hanging, and turning it into key-file bytes the same way everywhere.

Order: the GUI's field → --passphrase-file → $INSPECTOR_APP_PASSPHRASE → a hidden prompt, but only on a real
terminal. A scheduled task, a pipe or a test without a terminal gets a plain error at once instead of
waiting forever. The passphrase is never printed, logged or stored.
"""

from __future__ import annotations

import getpass
import os
import sys
import unicodedata
from pathlib import Path

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.identity.storage import problem

PASSPHRASE_ENV = "INSPECTOR_APP_PASSPHRASE"
NEW_PASSPHRASE_ENV = "INSPECTOR_APP_NEW_PASSPHRASE"
MIN_PASSPHRASE = 8
MAX_PASSPHRASE_FILE = 64 * 1024


def normalise(passphrase: str) -> str:
    """NFC, so the same Chinese passphrase typed with different input methods opens the key."""
    return unicodedata.normalize("NFC", passphrase)


def encode(passphrase: str) -> bytes:
    return normalise(passphrase).encode("utf-8")


def check_new(passphrase: str) -> bytes:
    """A passphrase about to protect a key: at least MIN_PASSPHRASE characters."""
    if len(normalise(passphrase)) < MIN_PASSPHRASE:
        raise AppError(tr("The passphrase must have at least {count} characters.", count=MIN_PASSPHRASE))
    return encode(passphrase)


def read_passphrase_file(path: str) -> str:
    """The first line of the file, stripped; an unreadable or empty file is an InputError naming it."""
    file = Path(path).expanduser()
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_PASSPHRASE_FILE)
    except OSError as exc:
        raise problem(path, tr("cannot read the passphrase file: {detail}",
                               detail=exc.strerror or type(exc).__name__)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise problem(path, tr("the passphrase file is not UTF-8 text")) from None
    lines = text.splitlines()
    value = lines[0].strip() if lines else ""
    if not value:
        raise problem(path, tr("the passphrase file is empty"))
    return value


def _can_prompt() -> bool:
    stdin = sys.stdin
    try:
        return stdin is not None and stdin.isatty()
    except (ValueError, OSError):  # closed or exotic stream
        return False


def resolve_passphrase(explicit: str | None, passphrase_file: str | None, *, prompt: str, confirm: bool = False,
                       option: str = "--passphrase-file", env_var: str | None = PASSPHRASE_ENV) -> str:
    """The passphrase from the first source that has one; never blocks without a terminal.

    `option`/`env_var` name the sources in the error (a new passphrase uses its own, so the old one in the
    environment is not silently reused as the new one).
    """
    if explicit is not None:
        return explicit
    if passphrase_file:
        return read_passphrase_file(passphrase_file)
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    if not _can_prompt():
        if env_var:
            raise AppError(tr("A passphrase is needed: use {option} FILE or set {env}.", option=option, env=env_var))
        raise AppError(tr("A passphrase is needed: use {option} FILE.", option=option))
    try:
        value = getpass.getpass(prompt)
        again = getpass.getpass(tr("Repeat the passphrase: ")) if confirm else value
    except EOFError:  # Ctrl-D / Ctrl-Z at the prompt
        raise AppError(tr("Cancelled.")) from None
    if again != value:
        raise AppError(tr("The two passphrases differ; nothing was changed."))
    return value
