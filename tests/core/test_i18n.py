"""Every message the code passes to tr() has a Chinese translation, with the same {placeholders}."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import inspector_app
from inspector_app.core.i18n import catalog, set_language, tr

PACKAGE = Path(inspector_app.__file__).parent


def messages() -> dict[str, str]:
    """msgid -> first place it is used, for every tr("literal") / tr_lang(lang, "literal") in the package."""
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
