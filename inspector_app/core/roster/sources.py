"""Reading a staff table (CSV or XLSX) into rows of cell texts, with the limits that keep a bad file from hanging.

Offices keep rosters in Excel; on Chinese Windows "Save as CSV" writes GBK, so CSV decoding tries UTF-8
(with or without BOM) first, then GB18030 (a superset of GBK), and accepts comma, tab or semicolon.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from inspector_app.core.archive_limits import check_xlsx
from inspector_app.core.errors import InputError
from inspector_app.core.fileformat import MAX_FILE_BYTES
from inspector_app.core.files import read_limited
from inspector_app.core.i18n import tr

MAX_ROWS = 50_000  # data rows (the header row aside)
MAX_SCANNED_ROWS = 200_000  # rows looked at, blank ones included (an XLSX row number can jump to a billion)
MAX_TABLE_CHARS = 10_000_000  # text kept from the table's cells
MAX_COLUMNS = 64  # later columns are never ours; reading them only costs time
DELIMITERS = (",", "\t", ";")
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}

Row = tuple[int, list[str]]  # (row number as the spreadsheet shows it, cell texts)


def _fail(path: Path, reason: str, line: int | None = None) -> InputError:
    return InputError.single(str(path), reason, line=line)


def read_rows(path: Path) -> list[Row]:
    """The non-empty rows of the file's first table, each with its 1-based row number."""
    path = Path(path)
    raw = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _fail(path, tr("old Excel .xls files cannot be read; save the file as .xlsx or CSV"))
    if suffix in XLSX_SUFFIXES or (suffix not in CSV_SUFFIXES and raw.startswith(b"PK\x03\x04")):
        return _limited(path, _xlsx_rows(path, raw))
    return _limited(path, _csv_rows(path, raw))


def _read_bytes(path: Path) -> bytes:
    return read_limited(path, MAX_FILE_BYTES)


def _limited(path: Path, rows: Iterable[tuple[int, list[Any]]]) -> list[Row]:
    """Keep non-empty rows as text; stop with an error past MAX_ROWS (or MAX_SCANNED_ROWS, MAX_TABLE_CHARS)
    instead of reading on."""
    kept: list[Row] = []
    chars = 0
    for number, cells in rows:
        if number > MAX_SCANNED_ROWS:
            raise _fail(path, tr("the table has more than {limit} rows, blank ones included; delete the empty rows "
                                 "below it or split it into smaller files", limit=MAX_SCANNED_ROWS))
        window = cells[:MAX_COLUMNS]
        if window.count(None) == len(window):  # a blank row (XLSX fills skipped rows with None): quick
            continue
        texts = [cell_text(cell) for cell in window]
        if not any(texts):
            continue
        if len(kept) > MAX_ROWS:  # header + MAX_ROWS data rows already kept
            raise _fail(path, tr("the table has more than {limit} rows; split it into smaller files", limit=MAX_ROWS))
        chars += sum(map(len, texts))
        if chars > MAX_TABLE_CHARS:
            raise _fail(path, tr("the table holds more than {limit} characters of text; split it into smaller files",
                                 limit=MAX_TABLE_CHARS))
        kept.append((number, texts))
    return kept


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: Excel stores 工号 1001 as the number 1001.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def decode(path: Path, raw: bytes) -> str:
    """UTF-16 (Excel's "Unicode text"), UTF-8 with or without BOM, else GB18030/GBK."""
    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise _fail(path, tr("this is not a text table (UTF-8 or GBK); save it from Excel as CSV or .xlsx"))


def sniff_delimiter(text: str) -> str:
    """The separator used most often in the first lines; a comma when there is no sign of any."""
    sample = "\n".join(text.splitlines()[:10])
    counts = {delimiter: sample.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first (comma) on a tie
    return best if counts[best] else ","


def _csv_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[str]]]:
    text = decode(path, raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise _fail(path, tr("not a readable CSV table: {detail}", detail=str(exc)), number + 1) from exc


def _xlsx_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import (
        load_workbook,  # openpyxl is slow to import; only XLSX users pay for it
    )

    check_xlsx(str(path), raw)  # sizes, packing and XML counts first: a zip bomb is refused before openpyxl
    try:  # the bytes just checked, not the path again; no links to other workbooks (their caches can be huge)
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean the same to the user
        raise _fail(path, tr("not a readable .xlsx file: {detail}", detail=str(exc) or type(exc).__name__)) from exc
    try:
        if not book.worksheets:
            raise _fail(path, tr("the workbook has no worksheet"))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read what is really there
        rows = sheet.iter_rows(min_row=1, max_row=MAX_SCANNED_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(rows, start=1):
            yield number, list(cells)
    except InputError:
        raise
    except Exception as exc:  # damaged sheet XML shows up only while reading
        raise _fail(path, tr("not a readable .xlsx file: {detail}", detail=str(exc) or type(exc).__name__)) from exc
    finally:
        book.close()
