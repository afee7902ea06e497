"""Photos attached to deductions: checked, downscaled, and stored by content hash in the data folder.

A day of full-size phone photos would fill the laptop and the share, so each photo is stored as a copy no
larger than the configured size (default 1600 px). Files are written (and fsynced) before the database row
that points to them is committed: a crash can leave an unused file, never a row without its photo.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr

PHOTO_DIR = "photos"
THUMB_DIR = "cache/thumbs"  # screen thumbnails, made once per stored photo and size
MAX_INPUT_BYTES = 50 * 1024 * 1024
MAX_INPUT_PIXELS = 80_000_000  # refuses decompression bombs


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    relative_path: str
    media_type: str
    size: int


def _problem(path: Path, reason: str) -> InputError:
    return InputError.single(str(path), reason)


def downscale(raw: bytes, max_px: int, name: Path) -> tuple[bytes, str, str]:
    """Return (bytes, media type, extension) of the image scaled to fit max_px × max_px."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_INPUT_PIXELS
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_px, max_px))
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P"):
                image.save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png", ".png"
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg", ".jpg"
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise _problem(name, tr("not a photo that can be read ({detail})", detail=type(exc).__name__)) from exc


def store_bytes(data_dir: Path, data: bytes, extension: str) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{PHOTO_DIR}/{digest[:2]}/{digest}{extension}"
    target = data_dir / relative
    if not target.exists():
        write_atomic(target, data)
    return digest, relative


def store_photo(data_dir: Path, source: Path, max_px: int) -> StoredPhoto:
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise _problem(source, tr("cannot read the file: {detail}", detail=exc.strerror or str(exc))) from exc
    if size > MAX_INPUT_BYTES:
        raise _problem(source, tr("file is too large ({size} bytes)", size=size))
    data, media_type, extension = downscale(source.read_bytes(), max_px, source)
    digest, relative = store_bytes(data_dir, data, extension)
    return StoredPhoto(digest, relative, media_type, len(data))


def prepare_photos(sources: list[Path], max_px: int) -> list[tuple[bytes, str, str]]:
    """Read and downscale every photo before any is stored: (bytes, media type, extension) each.

    A batch from a camera card is all or nothing: every file that is not a readable photo is named in one
    InputError (a .MOV, a .THM, a damaged .JPG), and nothing has been written when it is raised."""
    prepared, problems = [], []
    for source in sources:
        try:
            size = source.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise _problem(source, tr("file is too large ({size} bytes)", size=size))
            prepared.append(downscale(source.read_bytes(), max_px, source))
        except InputError as exc:
            problems += exc.problems
        except OSError as exc:
            problems.append(Problem(str(source), None, "", tr("cannot read the file: {detail}",
                                                                detail=exc.strerror or str(exc))))
    if problems:
        raise InputError(problems)
    return prepared


def screen_thumbnail(data_dir: Path, relative: str, px: int = 64) -> bytes | None:
    """A small PNG of a stored photo for the tables on screen, or None when the photo cannot be read.

    Made once and kept in cache/thumbs under the photo's content hash (its file name), so it never goes
    stale and a table of forty photos opens without decoding forty 1600-pixel JPEGs again."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    source = data_dir / relative
    cached = data_dir / THUMB_DIR / f"{Path(relative).stem}-{px}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    try:
        with Image.open(source) as image:
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((px, px))
            out = io.BytesIO()
            picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB").save(out, format="PNG")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    data = out.getvalue()
    try:
        write_atomic(cached, data)
    except OSError:  # a cache: a read-only data folder only means making it again next time
        pass
    return data
