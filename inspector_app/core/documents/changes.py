"""What changed in a certified document after it was signed, in words a reader of `verify` understands.

pyHanko's difference analysis decides whether the revisions after the certification are allowed (form
filling and signing, validation data, timestamps); when they are not, it only says "unexplained objects".
Here the signed revision and the file as it is now are compared page by page to name the change: something
drawn over a page (its content streams changed), an annotation added (a comment, a highlight, a drawing: any
annotation that is not a signature field's widget), or, when neither, a change to the document's structure.
"""

from __future__ import annotations

import logging
import re

from inspector_app.core.i18n import tr

log = logging.getLogger(__name__)

_EOF_AT_END = re.compile(rb"%%EOF\s*\Z")


def ends_with_revision(data: bytes) -> bool:
    """True when the file ends with a complete revision (an incremental update), not with loose bytes."""
    return _EOF_AT_END.search(data[-64:]) is not None


def _pages(node, out: list) -> list:
    kids = node.get("/Kids")
    if kids is None:
        out.append(node)
        return out
    for kid in kids:
        _pages(kid.get_object(), out)
    return out


def _content(page) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return b"\n".join(stream.get_object().data for stream in streams)


def _annotation_ids(page) -> set[int]:
    annots = page.raw_get("/Annots") if "/Annots" in page else None
    if annots is None:
        return set()
    annots = annots.get_object()
    return {ref.idnum for ref in annots if hasattr(ref, "idnum")}


def _is_signature_widget(annot) -> bool:
    if annot.get("/Subtype") != "/Widget":
        return False
    field = annot
    for _ in range(8):  # a widget is its field, or a kid of it (/Parent chain)
        if field.get("/FT") == "/Sig":
            return True
        parent = field.get("/Parent")
        if parent is None:
            return False
        field = parent.get_object()
    return False


def _new_annotations(old_page, new_page) -> bool:
    before = _annotation_ids(old_page)
    annots = new_page.get("/Annots")
    for ref in annots.get_object() if annots is not None else ():
        if getattr(ref, "idnum", None) in before:
            continue
        if not _is_signature_widget(ref.get_object()):
            return True
    return False


def describe_change(reader, revision: int) -> str:
    """The change since `revision` (0-based) in plain words."""
    try:
        old_pages = _pages(reader.get_historical_resolver(revision).root["/Pages"], [])
        new_pages = _pages(reader.root["/Pages"], [])
        if len(old_pages) != len(new_pages):
            return tr("pages were added or removed after the document was certified")
        for number, (old, new) in enumerate(zip(old_pages, new_pages, strict=True), start=1):
            if _content(old) != _content(new):
                return tr("something was drawn over page {page} after signing (its content changed)", page=number)
        for number, (old, new) in enumerate(zip(old_pages, new_pages, strict=True), start=1):
            if _new_annotations(old, new):
                return tr("an annotation (comment or drawing) was added to page {page} after signing; the "
                          "certification allows only countersignatures and timestamps", page=number)
    except Exception as exc:  # noqa: BLE001 - a revision too broken to compare is still a change
        log.info("revisions could not be compared: %r", exc)
    return tr("the document was changed after it was certified in a way the certification does not allow")


def diff_policy():
    """pyHanko's standard difference analysis, except that a new *visible* signature field after the
    certification is form filling (as Acrobat and ISO 32000 treat it), not a violation: a department head's
    countersignature made with any PDF program shows its widget on the page. pyHanko's default is stricter
    than the standard here and refused every visible countersignature not made by our own helper."""
    global _POLICY
    if _POLICY is None:
        from pyhanko.sign.diff_analysis import policies as p
        from pyhanko.sign.diff_analysis.rules import form_field_rules as f

        _POLICY = p.StandardDiffPolicy(
            global_rules=list(p.DEFAULT_DIFF_POLICY.global_rules),
            form_rule=p.FormUpdatingRule(field_rules=[
                f.SigFieldCreationRule(allow_new_visible_after_certify=True), f.SigFieldModificationRule(),
                f.GenericFieldModificationRule()]))
    return _POLICY


_POLICY = None


def disallowed_change(reader, signature, status) -> str | None:
    """None when every revision after the certification is allowed; else why not."""
    from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification

    level = status.modification_level
    suspicious = isinstance(status.diff_result, SuspiciousModification)
    if status.docmdp_ok is not False and not suspicious and (level is None or level <= ModificationLevel.FORM_FILLING):
        return None
    return describe_change(reader, signature.signed_revision)
