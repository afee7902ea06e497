"""Printed documents: the inspection sheet (督查记录表), the rectification notice (整改通知书) and the
monthly bulletin (月度通报), as A4 PDFs (reportlab, bundled CJK font), plus the bulletin as XLSX.

Rendering returns bytes and writes nothing; issuing a document is `next_document_number` → render →
`record_document` (stores the file under documents/<yyyy-mm>/ and registers its hash with an audit event).
"""

from __future__ import annotations

from inspector_app.core.documents.bulletin import render_bulletin, write_bulletin_xlsx
from inspector_app.core.documents.bulletin_data import (
    OverdueItem,
    RepeatProblem,
    overdue_items,
    repeat_problems,
)
from inspector_app.core.documents.notice import notice_departments, render_notice
from inspector_app.core.documents.numbering import (
    KIND_CODES,
    document_path,
    next_document_number,
    record_document,
)
from inspector_app.core.documents.sheet import render_sheet
from inspector_app.core.documents.signatures import (
    SignatureView,
    hand_signatures,
    save_hand_signature,
)

__all__ = [
    "KIND_CODES",
    "OverdueItem",
    "RepeatProblem",
    "SignatureView",
    "document_path",
    "hand_signatures",
    "next_document_number",
    "notice_departments",
    "overdue_items",
    "record_document",
    "render_bulletin",
    "render_notice",
    "render_sheet",
    "repeat_problems",
    "save_hand_signature",
    "write_bulletin_xlsx",
]
