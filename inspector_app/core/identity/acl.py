"""On Windows, a folder holding private keys readable by its owner only (plus SYSTEM and Administrators).

Why (issue #18): the 0700 mode the app sets elsewhere is a no-op on Windows, where a folder inherits its
parent's ACL; on a shared office PC the office folder under a public or D:\\ path would be readable by every
user. `icacls` removes the inherited entries and grants full control to the current user, SYSTEM (backups,
the scheduled merge) and the Administrators group only. On FAT, exFAT or a share there are no ACLs to set:
icacls fails, which is logged, and the removable/network warning (storage.key_storage_warning) says so.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)
SYSTEM, ADMINISTRATORS = "*S-1-5-18", "*S-1-5-32-544"  # well-known SIDs, whatever the Windows language
Runner = Callable[[Sequence[str]], int]


def icacls_command(folder: Path, user: str) -> list[str]:
    """Remove inherited entries; the user, SYSTEM and Administrators get full control of folder and contents."""
    grant = "(OI)(CI)F"
    return ["icacls", str(folder), "/inheritance:r", "/grant:r", f"{user}:{grant}", f"{SYSTEM}:{grant}",
            f"{ADMINISTRATORS}:{grant}"]


def _run(command: Sequence[str]) -> int:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flashing up from the windowed program
    return subprocess.run(command, capture_output=True, check=False, creationflags=flags).returncode


def current_user() -> str:
    domain, name = os.environ.get("USERDOMAIN", ""), os.environ.get("USERNAME", "")
    return f"{domain}\\{name}" if domain else name


def restrict_to_owner(folder: Path, *, windows: bool | None = None, run: Runner | None = None) -> bool:
    """Restrict `folder`'s ACL on Windows; True when it was done. Never raises: the passphrase still guards."""
    if not (sys.platform == "win32" if windows is None else windows):
        return False
    user = current_user()
    if not user:
        log.warning("no USERNAME: the ACL of %s was left as inherited", folder)
        return False
    try:
        code = (run or _run)(icacls_command(folder, user))
    except OSError as exc:
        log.warning("icacls could not run for %s: %s", folder, exc)
        return False
    if code != 0:
        log.warning("icacls refused to restrict %s (exit %s): a FAT or network folder has no ACLs", folder, code)
    return code == 0
