"""The plant's open exceptions for pages (dashboard.exceptions), remembered per database, data
version and day: every write (an upload, an acknowledgement) bumps the version, so a page never
shows a stale list, and Home does not recompute the planning projection on every rerun.

One computation per key at a time: a page asking while the warm-up (dashboard.warmup) computes the
same list waits for that one instead of computing it a second time. Home does not wait at all while
the warm-up is at work: it shows the count as "being counted" and fills it in when the list is there
(issue 15.3: on the large demo the list takes longer than Home may).
"""
from __future__ import annotations

import threading
from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.exceptions import counts_by_severity, load_exceptions
from dashboard.i18n import t
from data_access.db import data_version

CACHE_ENTRIES = 16
POLL_S = 1.0  # Home looks again this often while the warm-up computes the list

_found: dict[tuple, pl.DataFrame] = {}
_running: dict[tuple, threading.Event] = {}
_announced: set[str] = set()  # databases whose warm-up is under way
_lock = threading.Lock()


def _key(engine: Engine, today: date, include_acknowledged: bool) -> tuple:
    return engine.url.render_as_string(hide_password=False), data_version(engine), today, include_acknowledged


def open_exceptions(engine: Engine, today: date, include_acknowledged: bool = False) -> pl.DataFrame:
    key = _key(engine, today, include_acknowledged)
    while True:
        with _lock:
            if key in _found:
                return _found[key]
            event = _running.get(key)
            mine = event is None
            if mine:
                event = _running[key] = threading.Event()
        if not mine:
            event.wait()
            continue  # found now, or the other computation failed: then this one tries
        try:
            found = load_exceptions(engine, today, include_acknowledged=include_acknowledged)
            with _lock:
                while len(_found) >= CACHE_ENTRIES:
                    _found.pop(next(iter(_found)))
                _found[key] = found
            return found
        finally:
            with _lock:
                _running.pop(key, None)
            event.set()


def cached_exceptions(engine: Engine, today: date, include_acknowledged: bool = False) -> pl.DataFrame | None:
    """The list if it is computed already, else None (nothing is computed)."""
    with _lock:
        return _found.get(_key(engine, today, include_acknowledged))


def announce(engine: Engine, coming: bool = True) -> None:
    """The warm-up (dashboard.warmup) says it will compute this database's list (coming=False: it is
    done, or stopped)."""
    with _lock:
        (_announced.add if coming else _announced.discard)(str(engine.url))


def _being_computed(engine: Engine, today: date) -> bool:
    """Is the list under way in another thread, or announced by the warm-up?"""
    with _lock:
        return _key(engine, today, False) in _running or str(engine.url) in _announced


def clear_cache() -> None:
    with _lock:
        _found.clear()


def _count_text(found: pl.DataFrame, lang: str, link: bool) -> str:
    counts = counts_by_severity(found)
    text = f"**{t('exc.home.count', lang)}: {found.height}** — " + t("exc.counts", lang, total=found.height, **counts)
    if link:
        text += f" · [{t('exc.home.link', lang)}](exceptions)"
    return text


def exceptions_count(engine: Engine, today: date, lang: str, link: bool = True) -> None:
    """Home: "Open exceptions: 17 (high 3, medium 6, low 8)", linking to the Exceptions page."""
    found = cached_exceptions(engine, today)
    if found is None and _being_computed(engine, today):
        @st.fragment(run_every=POLL_S)
        def _waiting() -> None:
            if cached_exceptions(engine, today) is not None or not _being_computed(engine, today):
                st.rerun()  # a whole run shows the count (or computes it, the warm-up having stopped)
            st.markdown(f"**{t('exc.home.count', lang)}:** {t('exc.home.counting', lang)}")

        _waiting()
        return
    st.markdown(_count_text(found if found is not None else open_exceptions(engine, today), lang, link))
