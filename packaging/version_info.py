"""The Windows version resource of the built programs (product, company, version): antivirus programs, and
Chinese ones in particular, quarantine unknown unsigned programs without one more readily, and Explorer's
Properties → Details shows it. inspector-app.spec writes one per program with `write_version_file`.

The text is PyInstaller's version-file format (a VSVersionInfo expression, see `pyi-grab_version`); the
company is the hospital building the program: INSPECTOR_APP_COMPANY, else a neutral default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PRODUCT = "医院优质服务督查 inspector-app"
DESCRIPTION = "Hospital service-quality inspection (医院优质服务督查)"
DEFAULT_COMPANY = "inspector-app"
COMPANY_ENV = "INSPECTOR_APP_COMPANY"
LANGUAGE_CODEPAGE = "080404B0"  # Chinese (PRC), Unicode (1200)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """"0.1.0" → (0, 1, 0, 0): the four 16-bit numbers a FIXEDFILEINFO holds."""
    numbers = [min(int(n), 65535) for n in re.findall(r"\d+", version)[:4]]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def version_info_text(version: str, program: str, company: str | None = None) -> str:
    numbers = version_tuple(version)
    company = company or os.environ.get(COMPANY_ENV) or DEFAULT_COMPANY
    strings = [("CompanyName", company), ("FileDescription", DESCRIPTION), ("FileVersion", version),
               ("InternalName", program), ("LegalCopyright", company), ("OriginalFilename", f"{program}.exe"),
               ("ProductName", PRODUCT), ("ProductVersion", version)]
    table = ",\n          ".join(f"StringStruct({key!r}, {value!r})" for key, value in strings)
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable({LANGUAGE_CODEPAGE!r}, [
          {table}])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def write_version_file(folder: Path, version: str, program: str) -> Path:
    """The version file for `program` in PyInstaller's work folder; its path goes to EXE(version=…)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{program}-version.txt"
    path.write_text(version_info_text(version, program), encoding="utf-8")
    return path
