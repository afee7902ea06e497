"""Checking an XLSX workbook (a zip of XML parts) before openpyxl opens it, so a small file cannot take gigabytes.

A zip member can unpack a thousandfold, and openpyxl keeps some memory for every element it meets: a 400 KB
workbook whose xl/sharedStrings.xml holds ten million `<si>` took 1 GB and minutes to open. So before any
reader sees the file, `check_xlsx` looks at the zip's directory (member count, unpacked sizes, compression
ratio) and then streams every XML part through expat, counting without building anything, and refuses with a
plain InputError when a limit is passed. Nothing is half-loaded: the reader only starts on a file that passed.

What openpyxl (read-only mode, keep_links=False) does with each part sets the limits:
- the shared strings and the worksheets are streamed: each `<si>` / `<row>` is read and cleared, and what stays
  is a small stub per entry plus the texts themselves, so those parts may be big but their entries are counted;
- every other part (workbook, styles, relationships, properties…) is parsed whole into a tree and objects, so
  it must stay small. A big part is accepted only when the content types and relationships say openpyxl will
  stream it, as what its root says it is, and for nothing else.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from xml.parsers import expat

from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr

MB = 1024 * 1024
MAX_MEMBERS = 1_000  # parts in the zip; Excel writes a few dozen
MAX_MEMBER_BYTES = 64 * MB  # one part, unpacked
MAX_TOTAL_BYTES = 128 * MB  # all parts, unpacked
MAX_RATIO = 100  # unpacked / packed, for a part of more than RATIO_CHECKED_ABOVE; real sheets pack ~5-30:1
RATIO_CHECKED_ABOVE = 1 * MB
MAX_PART_BYTES = 8 * MB  # a part read whole (everything but streamed sheets and shared strings)
MAX_PART_NODES = 200_000  # elements + attributes in a part read whole, or outside the rows of a streamed one
MAX_TOTAL_NODES = 300_000  # the same, summed over the workbook's parts
MAX_DEPTH = 100  # element nesting
MAX_SHEET_ROWS = 200_000  # <row> elements in one sheet, blank ones included
MAX_SHEET_CELLS = 1_500_000  # cells in one sheet
MAX_SHARED_STRINGS = 200_000  # <si> entries
MAX_SHARED_CHARS = 8_000_000  # text kept in memory from the shared strings
MAX_ENTRY_NODES = 100_000  # elements + attributes in one row or one shared string
MAX_ENTRY_CHARS = 1_000_000  # characters in one row or one shared string
MAX_NAME_CHARS = 100_000  # distinct element and attribute names in a part (the XML parsers keep each one)
CHUNK = 1 * MB

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET, SHARED = "worksheet", "sst"  # the two streamed roles, named after the root element they need
ROOTS = {f"{MAIN_NS} worksheet": WORKSHEET, f"{MAIN_NS} sst": SHARED}
ROW, SHEET_DATA, STRING = f"{MAIN_NS} row", f"{MAIN_NS} sheetData", f"{MAIN_NS} si"
REL_ROLES = {f"{REL_NS}/worksheet": WORKSHEET, f"{REL_NS}/sharedStrings": SHARED}
CONTENT_ROLES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml": WORKSHEET,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": SHARED,
}
# parts openpyxl reads by name, whole (the theme as raw bytes)
FIXED_PARTS = ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/theme/theme1.xml",
               "docProps/core.xml", "docProps/custom.xml")
XML_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\x4c\x6f\xa7\x94")


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


@dataclass
class _Part:
    """What the scan of one XML part found."""

    kind: str | None  # WORKSHEET or SHARED when the root is one of them
    nodes: int  # elements + attributes, all of them
    chars: int  # attribute values, text, comments
    outside_nodes: int  # those not inside a streamed entry (a sheet row, a shared string)


def check_xlsx(file: str, raw: bytes) -> None:
    """Refuse (InputError about `file`) a workbook too big, too packed or too complex to open safely."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            _check(archive)
    except _Refused as refused:
        raise InputError.single(file, refused.reason) from None
    except InputError:
        raise
    except Exception as exc:  # a damaged zip fails in many ways; all mean the same to the user
        raise InputError.single(file, tr("not a readable .xlsx file: {detail}",
                                         detail=str(exc) or type(exc).__name__)) from exc


def _check(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _Refused(tr("the workbook has more than {limit} parts inside; it is not a normal Excel file",
                          limit=MAX_MEMBERS))
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise _Refused(tr("part {part} of the workbook unpacks to more than {limit} MB; the file cannot be "
                              "read safely", part=info.filename, limit=MAX_MEMBER_BYTES // MB))
        if total > MAX_TOTAL_BYTES:
            raise _Refused(tr("the workbook unpacks to more than {limit} MB in all; the file cannot be read safely",
                              limit=MAX_TOTAL_BYTES // MB))
        if info.file_size > RATIO_CHECKED_ABOVE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Refused(tr("part {part} of the workbook is packed more than {limit} to 1, far beyond any real "
                              "spreadsheet; the file cannot be read safely", part=info.filename, limit=MAX_RATIO))
    scanned = [(info, _scan(archive, info)) for info in members]
    small = []  # parts openpyxl could read whole without harm
    for info, part in scanned:
        big = info.file_size > MAX_PART_BYTES
        if part is not None:
            big = big or part.nodes > MAX_PART_NODES or part.chars > MAX_PART_BYTES
            if not big:
                small.append(info.filename)
        if big and (part is None and info.filename in FIXED_PARTS or part is not None and part.kind is None):
            raise _Refused(_too_big(info.filename))  # only a sheet or the shared strings may be big
    roles = _roles(archive, small, [info.filename for info in members])
    total_nodes = 0
    for info, part in scanned:
        if part is None:  # not XML (pictures…): never parsed
            continue
        streamed = part.kind is not None and roles.get(info.filename) == {part.kind}
        if not streamed and info.filename not in small:
            raise _Refused(_too_big(info.filename))
        total_nodes += part.outside_nodes if streamed else part.nodes
        if total_nodes > MAX_TOTAL_NODES:
            raise _Refused(tr("the workbook's parts together are too complex to read (more than {limit} XML "
                              "elements and attributes)", limit=MAX_TOTAL_NODES))


def _too_big(part: str) -> str:
    return tr("part {part} of the workbook is too large or too complex to read whole", part=part)


def _looks_like_xml(head: bytes) -> bool:
    """What libxml2 or expat could take for XML: '<' near the start (any encoding), a BOM, or only spaces."""
    return b"<" in head[:4] or head.startswith(XML_STARTS) or head.lstrip(b" \t\r\n")[:1] in (b"<", b"")


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Part | None:
    """Stream one member through expat with the limits; None for a member that is not XML (images…)."""
    if info.is_dir() or info.file_size == 0:
        return None
    with archive.open(info) as stream:
        chunk = stream.read(CHUNK)
        if not _looks_like_xml(chunk[:4096]):
            return None
        scan = _Scan(info.filename)
        try:
            while chunk:
                scan.parser.Parse(chunk, False)
                chunk = stream.read(CHUNK)
            scan.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _Refused(tr("part {part} of the workbook is not valid XML: {detail}",
                              part=info.filename, detail=str(exc))) from None
    return scan.result()


class _Scan:
    """Expat handlers that count what openpyxl would keep, and stop at the first limit passed."""

    def __init__(self, part: str):
        self.part = part
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.ordered_attributes = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.CommentHandler = self.text
        self.parser.ProcessingInstructionHandler = lambda target, data: self.text(target + data)
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.doctype
        self.parser.StartNamespaceDeclHandler = self.namespace
        self.path: list[str] = []
        self.kind: str | None = None
        self.nodes = self.chars = self.outside_nodes = self.outside_chars = 0
        self.entries = self.cells = self.shared_chars = 0
        self.entry_depth = 0  # depth of the open row / shared string, 0 outside one
        self.entry_nodes = self.entry_chars = 0
        self.names: set[str] = set()
        self.name_chars = 0

    def refuse(self, reason: str) -> None:
        raise _Refused(reason)

    def doctype(self, *_: object) -> None:
        self.refuse(tr("part {part} of the workbook declares a DTD, which Excel files never do", part=self.part))

    def start(self, name: str, attributes: list[str]) -> None:
        path = self.path
        path.append(name)
        depth = len(path)
        if depth > MAX_DEPTH:
            self.refuse(tr("part {part} of the workbook is nested more than {limit} levels deep",
                           part=self.part, limit=MAX_DEPTH))
        if depth == 1:
            self.kind = ROOTS.get(name)
        for new in (name, *attributes[::2]):
            if new not in self.names:
                self.names.add(new)
                self.name_chars += len(new)
                if self.name_chars > MAX_NAME_CHARS:
                    self.refuse(_too_big(self.part))
        nodes = 1 + len(attributes) // 2
        chars = sum(map(len, attributes[1::2]))
        self.nodes += nodes
        self.chars += chars
        if self.entry_depth:
            if depth == self.entry_depth + 1 and self.kind == WORKSHEET:
                self.cells += 1
                if self.cells > MAX_SHEET_CELLS:
                    self.refuse(tr("part {part} of the workbook has more than {limit} cells",
                                   part=self.part, limit=MAX_SHEET_CELLS))
            self._entry(nodes, chars)
        elif self._opens_entry(name, depth):
            self.entries += 1
            if self.kind == WORKSHEET and self.entries > MAX_SHEET_ROWS:
                self.refuse(tr("part {part} of the workbook has more than {limit} rows, blank ones included",
                               part=self.part, limit=MAX_SHEET_ROWS))
            if self.kind == SHARED and self.entries > MAX_SHARED_STRINGS:
                self.refuse(tr("part {part} of the workbook has more than {limit} shared texts",
                               part=self.part, limit=MAX_SHARED_STRINGS))
            self.entry_depth, self.entry_nodes, self.entry_chars = depth, 0, 0
            self._entry(nodes, chars)
        else:
            self._outside(nodes, chars)

    def _opens_entry(self, name: str, depth: int) -> bool:
        if self.kind == WORKSHEET:
            return depth == 3 and name == ROW and self.path[1] == SHEET_DATA
        return self.kind == SHARED and depth == 2 and name == STRING

    def end(self, name: str) -> None:
        if self.entry_depth == len(self.path):
            if self.kind == SHARED:
                self.shared_chars += self.entry_chars
                if self.shared_chars > MAX_SHARED_CHARS:
                    self.refuse(tr("part {part} of the workbook holds more than {limit} characters of shared text",
                                   part=self.part, limit=MAX_SHARED_CHARS))
            self.entry_depth = 0
        self.path.pop()

    def text(self, data: str, nodes: int = 0) -> None:
        self.nodes += nodes
        self.chars += len(data)
        if self.entry_depth:
            self._entry(nodes, len(data))
        else:
            self._outside(nodes, len(data))

    def namespace(self, prefix: str | None, uri: str | None) -> None:
        self.text(f"{prefix or ''}{uri or ''}", nodes=1)  # lxml keeps each declaration on its element

    def _entry(self, nodes: int, chars: int) -> None:
        self.entry_nodes += nodes
        self.entry_chars += chars
        if self.entry_nodes > MAX_ENTRY_NODES or self.entry_chars > MAX_ENTRY_CHARS:
            self.refuse(tr("part {part} of the workbook has a row or a text too large to read", part=self.part))

    def _outside(self, nodes: int, chars: int) -> None:
        self.outside_nodes += nodes
        self.outside_chars += chars
        if self.outside_nodes > MAX_PART_NODES or self.outside_chars > MAX_PART_BYTES:
            self.refuse(_too_big(self.part))

    def result(self) -> _Part:
        return _Part(self.kind, self.nodes, self.chars, self.outside_nodes)


def _roles(archive: zipfile.ZipFile, small: list[str], names: list[str]) -> dict[str, set[str]]:
    """For each part, every way openpyxl could come to read it: WORKSHEET or SHARED (streamed), or "whole".

    Read with openpyxl's own classes, so paths resolve as openpyxl resolves them, and only from parts found
    small (a big [Content_Types].xml or .rels part is itself read whole, so the file is refused anyway).
    Damaged content types or relationships give no roles: then no part counts as streamed.
    """
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_dependents
    from openpyxl.xml.functions import fromstring

    roles: dict[str, set[str]] = defaultdict(set)
    for name in [*FIXED_PARTS, *(name for name in names if name.endswith(".rels"))]:
        roles[name].add("whole")
    try:
        if FIXED_PARTS[0] in small:
            manifest = Manifest.from_tree(fromstring(archive.read(FIXED_PARTS[0])))
            for override in manifest.Override:  # the workbook part and the shared strings are found this way
                roles[override.PartName[1:]].add(CONTENT_ROLES.get(override.ContentType, "whole"))
        for name in small:
            if name.endswith(".rels"):
                for rel in get_dependents(archive, name):  # sheets, charts, drawings… (targets resolved)
                    if rel.TargetMode != "External":
                        roles[rel.target].add(REL_ROLES.get(rel.Type, "whole"))
    except Exception:  # noqa: BLE001 -- damaged: openpyxl refuses the file itself; nothing counts as streamed
        return {}
    return roles
