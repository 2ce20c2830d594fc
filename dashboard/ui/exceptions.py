"""The plant's open exceptions for pages (dashboard.exceptions), remembered per database, data
version and day: every write (an upload, an acknowledgement) bumps the version, so a page never
shows a stale list, and Home does not recompute the planning projection on every rerun.

Kept in the version's cache (data_access.cache, section "exceptions"), computed once: a page asking
while the warm-up (dashboard.warmup) computes the same list waits for that one instead of computing
it a second time. Home does not wait at all while
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
from data_access import cache as version_caches
from data_access.cache import VersionCache, cache_for
from data_access.db import data_version

POLL_S = 1.0  # Home looks again this often while the warm-up computes the list

_announced: set[str] = set()  # databases whose warm-up is under way
_lock = threading.Lock()


def _cached(engine: Engine, today: date, include_acknowledged: bool) -> tuple[VersionCache, tuple]:
    """The version's cache (data_access.cache) and the list's key in it."""
    return cache_for(engine.url, data_version(engine)), (today, include_acknowledged)


def open_exceptions(engine: Engine, today: date, include_acknowledged: bool = False) -> pl.DataFrame:
    """The list under the same key as dashboard.exceptions.open_exceptions (the monthly summary's): one
    computation for Home, the Exceptions page and the summary of the same day."""
    cache, key = _cached(engine, today, include_acknowledged)
    return cache.get_or_build("exceptions", key, lambda: load_exceptions(
        engine, today, include_acknowledged=include_acknowledged))


def cached_exceptions(engine: Engine, today: date, include_acknowledged: bool = False) -> pl.DataFrame | None:
    """The list if it is computed already, else None (nothing is computed)."""
    cache, key = _cached(engine, today, include_acknowledged)
    return cache.get("exceptions", key)


def announce(engine: Engine, coming: bool = True) -> None:
    """The warm-up (dashboard.warmup) says it will compute this database's list (coming=False: it is
    done, or stopped)."""
    with _lock:
        (_announced.add if coming else _announced.discard)(str(engine.url))


def _being_computed(engine: Engine, today: date) -> bool:
    """Is the list under way in another thread, or announced by the warm-up?"""
    cache, key = _cached(engine, today, False)
    with _lock:
        announced = str(engine.url) in _announced
    return announced or cache.building("exceptions", key)


def clear_cache() -> None:
    version_caches.clear(["exceptions"])


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
