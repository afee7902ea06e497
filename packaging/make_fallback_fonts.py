"""Rebuild the two bundled fallback faces (resources/fonts/HanaMin*.ttf.xz) from Debian's fonts-hanazono.

    apt-get download fonts-hanazono && dpkg-deb -x fonts-hanazono_*.deb x
    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    /tmp/ft/bin/python packaging/make_fallback_fonts.py x/usr/share/fonts/truetype/hanazono

HanaMinB (CJK Extensions B–F) is shipped unchanged, only xz-compressed (30.7 MB → 12.8 MB). HanaMinA is
subset to what the main face (WenQuanYi Micro Hei) lacks among the ideographs: Extension A, the few BMP
ideographs, compatibility ideographs, radicals and strokes (7,193 glyphs, 1.6 MB compressed). fontTools is
a build-time tool only; the app reads the files with the standard library's lzma and reportlab.
"""

from __future__ import annotations

import lzma
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x2E80, 0x2FDF), (0x31C0, 0x31EF),
          (0x3000, 0x303F), (0x3190, 0x319F)]


def main(source: Path) -> None:
    main_face = TTFont(FONTS / "wqy-microhei.ttc", fontNumber=0).getBestCmap()
    hana_a = TTFont(source / "HanaMinA.ttf")
    keep = [c for c in hana_a.getBestCmap() if c not in main_face and any(lo <= c <= hi for lo, hi in RANGES)]
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(hana_a)
    subset_path = FONTS / "HanaMinA-ext.ttf"
    hana_a.save(subset_path)
    for raw, target in ((subset_path, "HanaMinA-ext.ttf.xz"), (source / "HanaMinB.ttf", "HanaMinB.ttf.xz")):
        (FONTS / target).write_bytes(lzma.compress(raw.read_bytes(), preset=9 | lzma.PRESET_EXTREME))
    subset_path.unlink()
    print(f"HanaMinA-ext: {len(keep)} characters")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
