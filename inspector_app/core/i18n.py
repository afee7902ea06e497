"""One translation mechanism for the core, the command line and the GUI.

Messages are written in English in the code (`tr("Unknown item {code}", code=...)`) and translated through
JSON catalogs in `resources/i18n/<lang>.json` and `<lang>.<area>.json` (English text -> translation). Chinese is the default language;
English is the source language, so it is always complete. The GUI calls the same `tr`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from inspector_app.core.paths import resources_dir

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
LANGUAGE_ENV = "INSPECTOR_APP_LANG"
_current = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def normalise(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.lower().replace("-", "_")
    return "en" if lang.startswith("en") else "zh"


def set_language(lang: str | None) -> str:
    global _current
    _current = normalise(lang)
    for listener in _listeners:
        listener(_current)
    return _current


def on_language_change(listener: Callable[[str], None]) -> None:
    """Call `listener(lang)` now and after every set_language (the GUI switches Qt's own texts with it)."""
    if listener not in _listeners:
        _listeners.append(listener)
    listener(_current)


def language() -> str:
    return _current


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    merged: dict[str, str] = {}
    folder = resources_dir() / "i18n"
    # <lang>.json, then one <lang>.<area>.json per area of the code, so modules keep their own catalogs; listed
    # and read as bytes, without pathlib's glob and the text layer (the window's first screen waits for this)
    names = sorted(name for name in os.listdir(folder) if name.startswith(f"{lang}.") and name.endswith(".json"))
    for name in sorted(names, key=lambda name: name != f"{lang}.json"):
        with open(folder / name, "rb") as handle:
            merged.update(json.loads(handle.read()))
    return merged


# per language, the table `tr` reads: the whole catalog, or (a quick start) the first screen's part of it that the
# start snapshot carries, until a message is not in that part (core/start_snapshot.py)
_tables: dict[str, dict[str, str]] = {}
_partial: set[str] = set()
_recorded: list[set[str]] = []  # while recording: the messages looked up


def tr(message: str, /, **params: Any) -> str:
    """Translate `message` into the current language and fill in `{named}` parameters."""
    if _current == "en":
        text = message
    else:
        if _recorded:
            _recorded[0].add(message)
        text = _table(_current).get(message)
        if text is None:
            text = _missed(_current, message)
    return text.format(**params) if params else text


def _table(lang: str) -> dict[str, str]:
    table = _tables.get(lang)
    if table is None:
        table = _tables[lang] = catalog(lang)
    return table


def _missed(lang: str, message: str) -> str:
    """A message the table lacks: untranslated, or not in the first screen's part (then read the catalog)."""
    if lang not in _partial:
        return message
    _partial.discard(lang)
    _tables[lang] = catalog(lang)
    return _tables[lang].get(message, message)


def preload(lang: str, translations: dict[str, str]) -> None:
    """Serve `translations` (the messages the last start's first screen used) without reading the catalogs:
    reading and decoding all of them costs the quick start's first screen ~4 ms. The first message not among
    them reads the whole catalog, so a stale or partial set only costs that time back."""
    if lang != "en" and lang not in _tables:
        _tables[lang] = dict(translations)
        _partial.add(lang)


def record_lookups() -> None:
    """Start remembering which messages `tr` looks up (the start-up's, for the next quick start)."""
    _recorded[:] = [set()]


def stop_recording() -> frozenset[str]:
    """The messages looked up since record_lookups (none when it was not called)."""
    return frozenset(_recorded.pop()) if _recorded else frozenset()


def translations_of(messages: frozenset[str], lang: str) -> dict[str, str]:
    """`messages`' translations into `lang`, those the catalog has (for `preload`)."""
    table = catalog(lang) if lang != "en" else {}
    return {message: table[message] for message in sorted(messages) if message in table}


def tr_lang(lang: str, message: str, /, **params: Any) -> str:
    """Translate into a given language without changing the current one (documents in a fixed language)."""
    text = catalog(lang).get(message, message) if lang != "en" else message
    return text.format(**params) if params else text


def initial_language() -> str:
    """Language from INSPECTOR_APP_LANG, else Chinese (the settings file may override later)."""
    return set_language(os.environ.get(LANGUAGE_ENV))
