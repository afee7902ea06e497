"""Hostile XLSX workbooks: real openpyxl workbooks with one part rewritten into a zip or XML bomb.

`shared_strings_bomb()` is the attack from issue #13: millions of `<si>` packed a thousandfold (10 million take
1 GB and minutes in openpyxl). The others pass the zip's size and ratio checks and attack what openpyxl keeps
per XML element, per row or per text. Each returns the workbook's bytes; parts are written in chunks, so
building a 100 MB part costs no more memory than a chunk.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = ('<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>')
SHEET = "xl/worksheets/sheet1.xml"
ROSTER_HEADER = ["工号", "姓名", "科室", "是否科室负责人"]
Part = bytes | Iterable[bytes]


def workbook(rows: list[list[object]] | None = None) -> bytes:
    """A plain workbook as openpyxl writes it (inline strings, no shared strings part)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows if rows is not None else [ROSTER_HEADER, ["1001", "郭建军", "W-REG", "否"]]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(base: bytes, parts: dict[str, Part], *, overrides: dict[str, str] | None = None,
              workbook_rels: str = "") -> bytes:
    """`base` with `parts` replaced or added, content-type overrides and workbook relationships added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for info in source.infolist():
            if info.filename in parts:
                continue
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and overrides:
                extra = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>'
                                for name, kind in overrides.items())
                data = data.replace(b"</Types>", extra.encode() + b"</Types>")
            if info.filename == "xl/_rels/workbook.xml.rels" and workbook_rels:
                data = data.replace(b"</Relationships>", workbook_rels.encode() + b"</Relationships>")
            target.writestr(info.filename, data)
        for name, content in parts.items():
            with target.open(name, "w") as handle:
                for chunk in [content] if isinstance(content, bytes) else content:
                    handle.write(chunk)
    return out.getvalue()


def repeated(head: bytes, unit: bytes, count: int, tail: bytes, *, batch: int = 10_000) -> Iterator[bytes]:
    yield head
    for done in range(0, count, batch):
        yield unit * min(batch, count - done)
    yield tail


def random_texts(count: int, width: int = 4) -> Iterator[list[bytes]]:
    """`count` random lower-case hex strings of `width` characters, in lists of up to 10,000."""
    batch = 10_000
    for done in range(0, count, batch):
        size = min(batch, count - done)
        raw = os.urandom((size * width + 1) // 2).hex().encode()
        yield [raw[i:i + width] for i in range(0, size * width, width)]


def wrapped(before: bytes, batches: Iterable[list[bytes]], after: bytes) -> Iterator[bytes]:
    """before + text + after for every text, a batch per chunk."""
    for texts in batches:
        yield before + (after + before).join(texts) + after


def shared_strings(items: Iterable[bytes]) -> Iterator[bytes]:
    yield f'<sst xmlns="{MAIN}">'.encode()
    yield from items
    yield b"</sst>"


def with_shared_strings(part: Part, base: bytes | None = None) -> bytes:
    return rewritten(base or workbook(), {"xl/sharedStrings.xml": part},
                     overrides={"xl/sharedStrings.xml": SST_TYPE}, workbook_rels=SST_REL)


def shared_strings_bomb(count: int = 6_000_000) -> bytes:
    """The issue #13 attack: `count` one-letter shared strings, ~17 bytes each unpacked, ~400:1 packed."""
    return with_shared_strings(repeated(f'<sst xmlns="{MAIN}">'.encode(), b"<si><t>x</t></si>", count, b"</sst>"))


def many_shared_strings(count: int = 2_500_000) -> bytes:
    """Random short strings: packed only ~10:1 and well under the part size limit, so only counting finds it."""
    return with_shared_strings(shared_strings(wrapped(b"<si><t>", random_texts(count), b"</t></si>")))


def sheet(rows: Iterable[bytes], tail: bytes = b"") -> Iterator[bytes]:
    yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield from rows
    yield b"</sheetData>" + tail + b"</worksheet>"


def with_sheet(part: Part, base: bytes | None = None) -> bytes:
    return rewritten(base or workbook(), {SHEET: part})


def header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in ROSTER_HEADER)
    return f'<row r="1">{cells}</row>'.encode()


def wide_row_bomb(cells: int = 300_000) -> bytes:
    """One row of `cells` cells with random values: openpyxl builds every cell of a row before the next."""
    return with_sheet(sheet([header_row(), b'<row r="2">', *wrapped(b'<c t="str"><v>', random_texts(cells, 3), b"</v></c>"),
                             b"</row>"]))


def row_number_bomb() -> bytes:
    """A tiny sheet whose second row claims to be row 1,000,000,000: openpyxl fills the gap with empty rows."""
    return with_sheet(sheet([header_row(), b'<row r="1000000000"><c t="inlineStr"><is><t>x</t></is></c></row>']))


def entity_bomb() -> bytes:
    """Billion laughs in the sheet's XML (OOXML never has a DTD)."""
    entities = '<!ENTITY a "xxxxxxxxxx">' + "".join(
        f'<!ENTITY {n} "{f"&{p};" * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
    return with_sheet([doctype, *sheet([b'<row r="1"><c t="inlineStr"><is><t>&i;</t></is></c></row>'])])


def deep_bomb(depth: int = 100_000) -> bytes:
    return with_sheet(sheet([header_row()], tail=b"<extLst>" + b"<x>" * depth + b"</x>" * depth + b"</extLst>"))


def styles_bomb(formats: int = 100_000) -> bytes:
    """styles.xml (read whole, one object per format) with `formats` cell formats: 160 MB in openpyxl."""
    styles = workbook_part("xl/styles.xml")
    start, end = styles.index(b"<cellXfs"), styles.index(b"</cellXfs>")
    xfs = wrapped(b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="',
                  random_texts(formats, 1), b'"/>')  # a little randomness keeps the packing ratio ordinary
    return rewritten(workbook(), {"xl/styles.xml": [styles[:start], b'<cellXfs count="%d">' % formats, *xfs,
                                                    styles[end:]]})


def misplaced_sheet_bomb(rows: int = 60_000) -> bytes:
    """A big but well-formed sheet put where openpyxl parses a part whole (xl/styles.xml)."""
    body = wrapped(b'<row><c t="inlineStr"><is><t>', random_texts(rows, 6), b"</t></is></c></row>")
    return rewritten(workbook(), {"xl/styles.xml": sheet(body)})


def workbook_part(name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook())) as archive:
        return archive.read(name)


def many_members(count: int = 1_200) -> bytes:
    return rewritten(workbook(), {f"customXml/item{n}.xml": b"<a/>" for n in range(count)})


BOMBS = {
    "shared strings packed 400:1": lambda: shared_strings_bomb(2_000_000),
    "2.5 million random shared strings": lambda: many_shared_strings(),
    "a row of 300,000 cells": lambda: wide_row_bomb(),
    "row number 1,000,000,000": row_number_bomb,
    "entity expansion": entity_bomb,
    "nested 100,000 deep": deep_bomb,
    "100,000 cell formats": styles_bomb,
    "a sheet in place of the styles": misplaced_sheet_bomb,
    "1,200 parts": many_members,
}
