"""Picking an item by typing (issue 17): exact and pinyin-initial hits first; a match found only inside a
longer pinyin string is weak and must not be picked without a look."""

from __future__ import annotations

from inspector_app.core.search import (
    EXACT,
    STRONG,
    WEAK,
    ranked,
    search_items,
    strength,
)


def items(library, checklist_id):
    return list(library.get(checklist_id).items())


def test_code_and_keyword_initials_are_exact(bundled_library):
    svc = items(bundled_library, "svc-001-assessment")
    assert search_items(svc, "xp")[0].code == "A3"  # 胸牌, a keyword
    assert strength(next(i for i in svc if i.code == "A3"), "xp") == EXACT
    assert strength(next(i for i in svc if i.code == "A7"), "a7") == EXACT
    assert ranked(svc, "A")[0][0] == STRONG  # a code prefix


def test_xp_in_a_checklist_without_a_badge_item_is_only_weak(bundled_library):
    window = items(bundled_library, "svc-000-model-window")
    morals = next(i for i in window if "思想品德" in i.keywords)
    assert strength(morals, "xp") == WEAK  # "xp" is inside 思想品德's "sxpd": not what was meant
    assert strength(morals, "sxpd") == EXACT and strength(morals, "sx") == STRONG
    assert all(rank == WEAK for rank, _ in ranked(window, "xp"))


def test_chinese_text_and_english_words_are_strong(bundled_library):
    svc = items(bundled_library, "svc-001-assessment")
    assert ranked(svc, "推诿")[0][1].code == "A5" and ranked(svc, "推诿")[0][0] <= STRONG
    assert strength(next(i for i in svc if i.code == "A3"), "zzz") is None
