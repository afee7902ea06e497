"""Every message the code passes to tr() has a Chinese translation, with the same {placeholders}."""

from __future__ import annotations

import ast
import re
import string
from functools import cache
from pathlib import Path

import inspector_app
from inspector_app.core.i18n import catalog, set_language, tr

PACKAGE = Path(inspector_app.__file__).parent


@cache
def messages() -> dict[str, str]:
    """msgid -> first place it is used, for every tr("literal") / tr_lang(lang, "literal") in the package
    (parsed once per run: the whole package's syntax trees take seconds)."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            index = {"tr": 0, "tr_lang": 1}.get(node.func.id)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_a_chinese_translation() -> None:
    zh = catalog("zh")
    missing = [f"{where}: {msgid!r}" for msgid, where in messages().items() if msgid not in zh]
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    zh = catalog("zh")
    wrong = [msgid for msgid in messages() if msgid in zh and fields(msgid) != fields(zh[msgid])]
    assert not wrong, wrong


def test_chinese_is_the_default_and_english_is_the_source() -> None:
    set_language(None)
    assert tr("Cancelled.") != "Cancelled."
    assert re.search(r"[\u4e00-\u9fff]", tr("Cancelled."))
    set_language("en")
    assert tr("Cancelled.") == "Cancelled."


def test_plain_word_validation_messages_are_translated() -> None:
    from inspector_app.core.fileformat import _PYDANTIC_MESSAGES

    zh = catalog("zh")
    assert [m for m in _PYDANTIC_MESSAGES.values() if m not in zh] == []


def test_a_preloaded_part_of_the_catalog_serves_until_a_message_is_missing(monkeypatch) -> None:
    """The quick start's first screen reads its translations from the start snapshot, not the catalogs; the
    first message the part lacks reads the whole catalog, so a stale part costs time, never a translation."""
    from inspector_app.core import i18n

    monkeypatch.setattr(i18n, "_tables", {})
    monkeypatch.setattr(i18n, "_partial", set())
    read: list[str] = []
    monkeypatch.setattr(i18n, "catalog", lambda lang: read.append(lang) or catalog(lang))
    set_language("zh")
    i18n.record_lookups()
    i18n.preload("zh", {"Checklist": "检查表（快照）"})
    assert tr("Checklist") == "检查表（快照）" and read == []
    assert tr("Start inspection") == catalog("zh")["Start inspection"] and read == ["zh"]  # not in the part
    assert tr("Checklist") == catalog("zh")["Checklist"]  # the whole catalog from then on
    assert tr("no such message {n}", n=3) == "no such message 3" and read == ["zh"]  # untranslated: read once
    i18n.preload("zh", {"Checklist": "x"})  # a language already read is not replaced by a part
    assert tr("Checklist") == catalog("zh")["Checklist"]
    looked_up = i18n.stop_recording()
    assert looked_up == {"Checklist", "Start inspection", "no such message {n}"}
    assert i18n.translations_of(looked_up, "zh") == {m: catalog("zh")[m] for m in ("Checklist", "Start inspection")}
    assert i18n.translations_of(looked_up, "en") == {}
    assert i18n.stop_recording() == frozenset()  # stopped: nothing more is remembered
