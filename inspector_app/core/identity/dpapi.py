"""Windows DPAPI around an inspector's encrypted key file, so a copied key file is useless elsewhere.

Why (issue #18): on Windows, FAT sticks and shares the 0600/0700 modes the app sets mean nothing, so a key file
copied off a laptop (a backup, a synced profile folder, another account on the same PC) is guarded only by the
passphrase, which can be guessed offline. DPAPI (CryptProtectData, current user) seals the already passphrase-
encrypted PEM with a secret Windows keeps for this user on this computer: the copy cannot even be tried
elsewhere. Both locks stay: DPAPI does not replace the passphrase.

Where: the inspector's own key, when the data folder is on this computer's own disk (a re-enrolment replaces a
key whose Windows profile was lost). Not the office's keys: the office folder must stay movable and restorable
from its backup, and losing the office root would end every enrolment; they keep the passphrase alone.

The file then reads (ASCII armour, so it is still recognisably a key file):
    -----BEGIN INSPECTOR-APP DPAPI KEY-----
    <base64 of CryptProtectData(encrypted PKCS#8 PEM)>
    -----END INSPECTOR-APP DPAPI KEY-----
Elsewhere than Windows `backend()` is None and nothing is wrapped. Tests put a simulated backend in its place
(tests/helpers/windows.py); the ctypes calls themselves run only on a real Windows machine.
"""

from __future__ import annotations

import base64
import sys
from typing import Protocol

BEGIN = b"-----BEGIN INSPECTOR-APP DPAPI KEY-----"
END = b"-----END INSPECTOR-APP DPAPI KEY-----"
ENTROPY = b"inspector-app private key v1"  # a second secret: other programs of the same user cannot unseal it
CRYPTPROTECT_UI_FORBIDDEN = 0x1


class Backend(Protocol):
    def protect(self, data: bytes, entropy: bytes) -> bytes: ...

    def unprotect(self, blob: bytes, entropy: bytes) -> bytes:
        """Raises OSError when this user on this computer cannot unseal the blob."""
        ...


class WindowsDpapi:
    """CryptProtectData / CryptUnprotectData through ctypes (crypt32.dll), for the current user."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        class Blob(ctypes.Structure):
            _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

        self._ctypes, self._Blob = ctypes, Blob
        self._crypt32 = ctypes.windll.crypt32  # type: ignore[attr-defined]
        self._kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]

    def _call(self, function, data: bytes, entropy: bytes) -> bytes:  # noqa: ANN001 - a ctypes function
        ctypes = self._ctypes
        source, extra = ctypes.create_string_buffer(data, len(data)), ctypes.create_string_buffer(entropy, len(entropy))
        blob_in = self._Blob(len(data), ctypes.cast(source, ctypes.POINTER(ctypes.c_char)))
        blob_extra = self._Blob(len(entropy), ctypes.cast(extra, ctypes.POINTER(ctypes.c_char)))
        blob_out = self._Blob()
        if not function(ctypes.byref(blob_in), None, ctypes.byref(blob_extra), None, None,
                        CRYPTPROTECT_UI_FORBIDDEN, ctypes.byref(blob_out)):
            raise ctypes.WinError()  # type: ignore[attr-defined]
        try:
            return ctypes.string_at(blob_out.pbData, blob_out.cbData)
        finally:
            self._kernel32.LocalFree(blob_out.pbData)

    def protect(self, data: bytes, entropy: bytes) -> bytes:
        return self._call(self._crypt32.CryptProtectData, data, entropy)

    def unprotect(self, blob: bytes, entropy: bytes) -> bytes:
        return self._call(self._crypt32.CryptUnprotectData, blob, entropy)


_BACKEND: Backend | None = None
_LOOKED = False


def backend() -> Backend | None:
    """DPAPI where this is Windows (looked up once), else None."""
    global _BACKEND, _LOOKED
    if not _LOOKED:
        _LOOKED = True
        if sys.platform == "win32":
            try:
                _BACKEND = WindowsDpapi()
            except (OSError, AttributeError):  # pragma: no cover - crypt32 missing: passphrase only
                _BACKEND = None
    return _BACKEND


def use_backend(found: Backend | None) -> None:
    """Set the backend (tests: a simulated one; None: no DPAPI)."""
    global _BACKEND, _LOOKED
    _BACKEND, _LOOKED = found, True


def is_sealed(data: bytes) -> bool:
    return data.lstrip().startswith(BEGIN)


def seal(pem: bytes, dpapi: Backend) -> bytes:
    """The armoured DPAPI blob of an (already passphrase-encrypted) PEM."""
    text = base64.encodebytes(dpapi.protect(pem, ENTROPY))
    return BEGIN + b"\n" + text + END + b"\n"


def unseal(data: bytes, dpapi: Backend) -> bytes:
    """The PEM inside; OSError when this user on this computer cannot unseal it, ValueError when damaged."""
    body = data.strip()
    if not (body.startswith(BEGIN) and body.endswith(END)):
        raise ValueError("not a sealed key")
    blob = base64.b64decode(body[len(BEGIN):-len(END)], validate=False)
    return dpapi.unprotect(blob, ENTROPY)
