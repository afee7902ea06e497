"""A workbook written row by row as XLSX text, for sheets of hundreds of thousands of rows.

A month's pay list at a year's synthetic scale has 778,000 entries, twelve cells each. openpyxl's write-only
workbook makes a cell object per value and serialises each through its XML writer: about eight minutes for
that sheet. Here a row is the concatenation of its cells' XML, and a cell's XML is worked out once per distinct
value (a month repeats its names, dates, items and point values over and over), so a row costs a few
dictionary lookups; the sheet goes straight into the zip file, deflated at level 1.

What the file holds is what the openpyxl workbook it replaces held (write_streamed_workbook, below):
- text stays text: every str is a shared string, never a formula or an error, and one that looks like a
  formula (spreadsheet.FORMULA_SIGNS) gets Excel's quote prefix so that editing it keeps it text. Control
  characters XML cannot hold (U+0000–U+001F but tab, newline and carriage return; lone surrogates) are left
  out, where openpyxl would refuse the whole file;
- numbers stay numbers (bool as TRUE/FALSE); anything else is written as its text;
- a bold, centred header row, frozen; column widths given by the caller; printed on A4 landscape, one page
  wide, the header repeated on every page.
The part file is renamed over the target only once complete (core/files.py), so a failure leaves no half file.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from inspector_app.core.files import discard_part, fsync_folder, part_name, replace_file
from inspector_app.core.spreadsheet import FORMULA_SIGNS, Sheet
from inspector_app.core.texttable import display_width

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # a raw CR would read as LF
STYLE_HEADER, STYLE_QUOTED = 1, 2
CACHE_LIMIT = 200_000  # distinct cell values looked up (a month's names, items, dates, figures: a few thousand)
ROWS_PER_WRITE = 2_000

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _text_element(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<t{space}>{text.translate(_ESCAPES)}</t>"


def text_cell_xml(text: str, style: int = 0) -> str:
    """An inline string cell; a formula-looking text gets the quote-prefix style."""
    text = _ILLEGAL.sub("", text)
    if not style and text.startswith(FORMULA_SIGNS):
        style = STYLE_QUOTED
    styled = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{styled}><is>{_text_element(text)}</is></c>'


def cell_xml(value: Any) -> str:
    """One cell's XML (without its reference: cells follow each other from column A)."""
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f"<c><v>{value!r}</v></c>"
    return text_cell_xml(value if isinstance(value, str) else str(value))


class CellCache(dict[Any, str]):
    """Value → its cell's XML, worked out on first sight (a row is then `"".join(map(cache.__getitem__, row))`,
    looked up in C). Text goes to the workbook's shared strings, each distinct text once (a month's pay list
    repeats each item's clause, some hundred characters, on every line: inline, that sheet's XML was 625 MB).
    Values equal to True or False (0, 1, 0.0, 1.0 and the bools themselves) are kept apart by type, or 1 would
    be written as TRUE after a True."""

    def __init__(self) -> None:
        super().__init__()
        self.typed: dict[tuple[type, Any], str] = {}
        self.strings: list[str] = []  # the shared strings' XML (<si>…</si>), by index

    def __missing__(self, value: Any) -> str:
        if value is None:
            return "<c/>"
        if isinstance(value, (bool, int, float)) and value in (0, 1):
            key = (type(value), value)
            found = self.typed.get(key)
            if found is None:
                found = self.typed[key] = cell_xml(value)
            return found
        if isinstance(value, str):
            text = _ILLEGAL.sub("", value)
            style = f' s="{STYLE_QUOTED}"' if text.startswith(FORMULA_SIGNS) else ""
            found = f'<c t="s"{style}><v>{len(self.strings)}</v></c>'
            self.strings.append(f"<si>{_text_element(text)}</si>")
        else:
            found = cell_xml(value)
        if len(self) < CACHE_LIMIT:  # beyond: written as they come (a shared string may then appear twice)
            self[value] = found
        return found


class StreamedWorkbook:
    """`add_sheet` as many times as needed, then `close` (or use it as a context manager)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.part = part_name(self.path)
        self.zip = zipfile.ZipFile(self.part, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.titles: list[str] = []
        self.cells = CellCache()

    def __enter__(self) -> StreamedWorkbook:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.close()
        else:
            self.zip.close()
            discard_part(self.part)

    def add_sheet(self, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]],
                  widths: Sequence[float]) -> None:
        """A sheet named `title` (cut to Excel's 31 characters): the header, then `rows` as they come."""
        self.titles.append(_sheet_title(title, self.titles))
        number = len(self.titles)
        columns = "".join(f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
                          for n, width in enumerate(widths, 1))
        head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
                f'xmlns:r="{RELATIONSHIPS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                ' state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{columns}</cols>" if columns else ""}<sheetData>'
                f'<row r="1">{"".join(text_cell_xml(str(value), STYLE_HEADER) for value in header)}</row>')
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            self._write_rows(sheet, rows)
            sheet.write(b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                        b'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
                        b'fitToHeight="0"/></worksheet>')

    def _write_rows(self, sheet: Any, rows: Iterable[Sequence[Any]]) -> None:
        """The rows' XML, a few thousand rows at a time, deflated and written by a second thread while the next
        are made (zlib and the CRC leave the interpreter free while they work: a year's month of pay-list
        lines, 213 MB of XML, takes a second and a half to deflate)."""
        cell = self.cells.__getitem__
        pending: deque[Future[Any]] = deque()
        with ThreadPoolExecutor(1, thread_name_prefix="xlsx-deflate") as deflater:
            buffer: list[str] = []
            for number, row in enumerate(rows, 2):
                buffer.append(f'<row r="{number}">{"".join(map(cell, row))}</row>')
                if len(buffer) == ROWS_PER_WRITE:
                    pending.append(deflater.submit(sheet.write, "".join(buffer).encode()))
                    buffer = []
                    if len(pending) > 2:  # at most two chunks wait: memory stays flat
                        pending.popleft().result()
            pending.append(deflater.submit(sheet.write, "".join(buffer).encode()))
            while pending:
                pending.popleft().result()

    def close(self) -> None:
        """Write the workbook's parts, close the zip and put it in place."""
        try:
            self._write_parts()
            self.zip.close()
            with open(self.part, "rb+") as handle:
                os.fsync(handle.fileno())
            replace_file(self.part, self.path)
        except BaseException:
            self.zip.close()
            discard_part(self.part)
            raise
        fsync_folder(self.path.parent)

    def _write_parts(self) -> None:
        count = len(self.titles)
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                         f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, count + 1))
        self.zip.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>{sheets}</Types>'))
        self.zip.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        relations = "".join(f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
                            f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, count + 1))
        self.zip.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE}/relationships">'
            f'{relations}<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{count + 2}" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>'))
        entries = "".join(f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                          for n, title in enumerate(self.titles, 1))
        titles = "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
                         f"{_quoted_title(title)}!$1:$1</definedName>" for n, title in enumerate(self.titles))
        self.zip.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView/></bookViews><sheets>{entries}</sheets>'
            f'{f"<definedNames>{titles}</definedNames>" if titles else ""}</workbook>'))
        self.zip.writestr("xl/styles.xml", STYLES)
        with self.zip.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            strings = self.cells.strings
            shared.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" '
                         f'uniqueCount="{len(strings)}">'.encode())
            for n in range(0, len(strings), ROWS_PER_WRITE):
                shared.write("".join(strings[n:n + ROWS_PER_WRITE]).encode())
            shared.write(b"</sst>")


def _sheet_title(title: str, taken: list[str]) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\, unique (case-insensitive)."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", _ILLEGAL.sub("", title)).strip("'")[:31] or "Sheet"
    name, n = clean, 1
    while name.lower() in (t.lower() for t in taken):
        n += 1
        name = f"{clean[:31 - len(str(n)) - 1]}_{n}"
    return name


def _quoted_title(title: str) -> str:
    return "'" + title.replace("'", "''").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "'"


def write_streamed_workbook(path: Path, sheets: Iterable[Sheet], *, sample: int = 1000) -> Path:
    """A workbook of `sheets` written row by row as it comes (StreamedWorkbook), so a sheet of hundreds
    of thousands of rows (a month's pay list at a year's scale) takes neither a cell object per value nor a
    pass over every cell for the widths, which are fitted to the header and the first `sample` rows. Bold
    header, frozen header row, text kept text, printed A4 landscape one page wide."""
    with StreamedWorkbook(path) as book:
        for title, header, rows in sheets:
            rows = iter(rows)
            head = list(islice(rows, sample))
            widths = [min(60, max(8, max((display_width(str(row[n])) for row in (header, *head)
                                          if n < len(row) and row[n] is not None), default=0) + 2))
                      for n in range(len(header))]
            book.add_sheet(title, header, chain(head, rows), widths)
    return Path(path)
