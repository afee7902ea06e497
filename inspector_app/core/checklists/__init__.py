"""Checklists drawn from the service standards: the file format, loading, and the library of forms."""

from inspector_app.core.checklists.library import (
    ChecklistLibrary,
    content_hash,
    load_checklist,
)
from inspector_app.core.checklists.models import Checklist, Item, Section

__all__ = ["Checklist", "ChecklistLibrary", "Item", "Section", "content_hash", "load_checklist"]
