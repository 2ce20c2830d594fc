"""Translations: t(key, **params) in the current language (English or Simplified Chinese).

Messages live in dashboard/i18n/catalog/<area>.py, each a dict MESSAGES = {key: {"en": ..., "zh": ...}};
one file per area of the app so that features do not fight over one catalogue. A test fails
when a key lacks either language or two areas define the same key.
"""
from __future__ import annotations

import importlib
import pkgutil
import threading
from contextlib import contextmanager

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}
_local = threading.local()


def _load() -> dict[str, dict[str, str]]:
    from dashboard.i18n import catalog

    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(catalog.__path__):
        module = importlib.import_module(f"dashboard.i18n.catalog.{info.name}")
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice (catalog/{info.name}.py)")
            merged[key] = texts
    return merged


MESSAGES = _load()


def current_lang() -> str:
    return getattr(_local, "lang", "en")


def set_lang(lang: str) -> None:
    _local.lang = lang if lang in LANGS else "en"


@contextmanager
def language(lang: str):
    previous = current_lang()
    set_lang(lang)
    try:
        yield
    finally:
        set_lang(previous)


def t(key: str, lang: str | None = None, **params) -> str:
    """The message `key` in `lang` (default: the current language), formatted with params."""
    texts = MESSAGES.get(key)
    if texts is None:
        # A missing key is a bug the tests catch; show the key rather than crash a meeting.
        return key
    text = texts.get(lang or current_lang()) or texts["en"]
    return text.format(**params) if params else text


def label(obj, lang: str | None = None) -> str:
    """The label of anything with .label(lang) (kinds, fields) in the current language."""
    return obj.label(lang or current_lang())
