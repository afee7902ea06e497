"""Finding checklist items the way inspectors type: text, item code, or pinyin initials ("xp" → 胸牌).

Each item gets one search key built once (code, Chinese and English text, keywords, category, and their
pinyin initials and full pinyin); a query matches when every word of it is found in the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from inspector_app.core.checklists.models import Item


@lru_cache(maxsize=4096)
def pinyin_forms(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of the Chinese in `text`, e.g. 胸牌 → ("xp", "xiongpai")."""
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))
    full = "".join(lazy_pinyin(text, errors="ignore"))
    return initials.lower(), full.lower()


def item_search_key(item: Item) -> str:
    words = [item.code, item.text.zh, item.text.en or "", item.category.value, *item.keywords]
    parts = [w.lower() for w in words if w]
    for word in [item.text.zh, item.category.value, *item.keywords]:
        initials, full = pinyin_forms(word)
        parts += [initials, full]
    return "\x1f".join(parts)


def matches(query: str, key: str) -> bool:
    """Every whitespace-separated word of the query appears somewhere in the key (case-insensitive)."""
    return all(word in key for word in query.lower().split())


def _rank(item: Item, query: str) -> int:
    """0 for a direct hit (code, or a keyword or its pinyin/initials equals the query), else 1."""
    q = query.strip().lower()
    if item.code.lower() == q:
        return 0
    for word in item.keywords:
        if q in (word.lower(), *pinyin_forms(word)):
            return 0
    return 1


def search_items(items: Iterable[Item], query: str) -> list[Item]:
    """Matching items, direct hits first, otherwise in checklist order."""
    if not query.strip():
        return list(items)
    found = [item for item in items if matches(query, item_search_key(item))]
    return sorted(found, key=lambda item: _rank(item, query))
