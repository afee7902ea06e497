"""The bundled fallback faces for rare characters (CJK Ext A–F), as files both the PDFs and the GUI open.

They are shipped xz-compressed (resources/fonts/README.md); the first use decompresses each into the user's
cache folder (~2 s), later ones open that copy. Standard library only: the GUI imports this at start-up.
"""

from __future__ import annotations

import hashlib
import lzma
import os
from pathlib import Path

from platformdirs import user_cache_dir

from inspector_app.core.paths import resources_dir

EXT_A = "HanaMinA-ext"  # CJK Ext A, compatibility ideographs, radicals and the BMP ideographs Micro Hei lacks
EXT_B = "HanaMinB"  # CJK Extensions B, C, D, E and F (plane 2)
FALLBACK_FILES = {EXT_A: "HanaMinA-ext.ttf.xz", EXT_B: "HanaMinB.ttf.xz"}
# the official documents' faces where Windows' own (仿宋/楷体/宋体) are missing: AR PL KaitiM GB and
# AR PL SungtiL GB (Arphic Public Licence), GB 2312 only — the fallback chain covers the rest
KAI = "ARPLKaitiMGB"
SONG = "ARPLSungtiLGB"
PACKED_FILES = {**FALLBACK_FILES, KAI: "gkai00mp.ttf.xz", SONG: "gbsn00lp.ttf.xz"}


def cached_font_path(name: str) -> Path:
    """Where the decompressed fallback face is kept: the user's cache folder, named by the bundled file's
    name and size, so an updated font gets a new copy."""
    packed = resources_dir() / "fonts" / PACKED_FILES[name]
    stat = packed.stat()
    tag = hashlib.sha256(f"{packed.name}:{stat.st_size}".encode()).hexdigest()[:12]
    return Path(user_cache_dir("inspector-app", appauthor=False)) / "fonts" / f"{name}-{tag}.ttf"


def fallback_font_file(name: str, *, create: bool = True) -> Path | None:
    """The decompressed fallback face as a file (made once, ~2 s); None when the cache cannot be written.
    The GUI registers these files with Qt; documents open them without decompressing again."""
    target = cached_font_path(name)
    if target.is_file():
        return target
    if not create:
        return None
    try:
        data = lzma.decompress((resources_dir() / "fonts" / PACKED_FILES[name]).read_bytes())
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError:
        return None
    return target
