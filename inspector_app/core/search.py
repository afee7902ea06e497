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


EXACT, STRONG, WEAK = 0, 1, 2


def strength(item: Item, query: str) -> int | None:
    """How well `item` matches: EXACT (its code, or a keyword or that keyword's pinyin / initials), STRONG (the
    code starts with it, some text's pinyin or initials start with it, Chinese found in the text, an English
    word starts with it), WEAK (found only inside a longer pinyin string or word: "xp" in 思想品德's "sxpd"),
    None when it does not match at all. Only EXACT and STRONG matches may be picked without a look."""
    q = query.strip().lower()
    if not q:
        return WEAK
    if not matches(q, item_search_key(item)):
        return None
    if item.code.lower() == q:
        return EXACT
    for word in item.keywords:
        if q in (word.lower(), *pinyin_forms(word)):
            return EXACT
    if item.code.lower().startswith(q):
        return STRONG
    for text in (item.text.zh, *item.keywords):
        if any(form.startswith(q) for form in pinyin_forms(text)):
            return STRONG
        if not q.isascii() and q in text:
            return STRONG
    english = " ".join([item.text.en or "", *item.keywords]).lower()
    if q.isascii() and any(word.startswith(q) for word in english.split()):
        return STRONG
    return WEAK


def ranked(items: Iterable[Item], query: str) -> list[tuple[int, Item]]:
    """(strength, item) of the matching items, best first, otherwise in checklist order."""
    found = [(strength(item, query), item) for item in items]
    return sorted(((rank, item) for rank, item in found if rank is not None), key=lambda pair: pair[0])


def search_items(items: Iterable[Item], query: str) -> list[Item]:
    """Matching items, direct hits first, otherwise in checklist order."""
    if not query.strip():
        return list(items)
    return [item for _, item in ranked(items, query)]
