"""Facts warmed in the background (issue 15.3, first impressions): the first sign-in and the first
open of a page find their facts built instead of reading the whole history while the user waits.

`ensure_warm(engine)` is called by the app frame on every script run (the login page included, so
the server starts warming as soon as someone opens it). It is cheap: one data-version query, at
most every CHECK_SECONDS per database. When the version differs from the last one warmed — the
server has just started, or a commit (an import, an edit, an undo) bumped it — one daemon thread
builds every fact at that version: Home's modules and data status first, then its headline facts and
tiles, then Home's open-exceptions count (dashboard.ui.exceptions' cache; Home shows the count as
"being counted" until it is there instead of waiting), then the rest the analysis pages use, and last
it starts writing that version's columnar snapshots (data_access.snapshots) in a process of its own. A page
that needs a fact meanwhile waits for it if the warm-up is building it, or builds it itself
(data_access.cache get_or_build: each fact built once). PLANTKPI_WARMUP=0 turns it off.

The user's run comes first: the app frame runs inside session_run(), and the warm-up starts its next
step only when no run is under way (yield_to_sessions, at most YIELD_MAX_S per step), so a sign-in or a
first open does not share the two cores with facts nobody has asked for yet. Its first step imports
what Home's first run would (pandas for st.dataframe, the page modules) and then freezes the objects
alive (gc.freeze, once per process): Streamlit's garbage collection after every run no longer scans them.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time
from contextlib import contextmanager

from sqlalchemy.engine import Engine

CHECK_SECONDS = 2.0  # a rerun storm (a slider dragged) asks the database at most this often
YIELD_MAX_S = 5.0  # the longest the warm-up waits for the script runs under way before its next step

_lock = threading.Lock()
_state: dict[str, dict] = {}  # per database URL: warmed version, running thread, last check
_runs = threading.Condition()  # guards _active: the app's script runs under way per database URL (session_run)
_active: dict[str, int] = {}
log = logging.getLogger(__name__)


@contextmanager
def session_run(engine: Engine):
    """Around a script run of the app frame (dashboard/app.py) on `engine`: while a run is under way — a
    sign-in, Home's first run, a page opened — the database's warm-up does not start its next fact
    (yield_to_sessions), so the user's run has the machine's cores instead of sharing them with facts
    nobody asked for yet. A fact the warm-up is building meanwhile is finished (a run waiting for it gets
    it), and a run needing one the warm-up has not started builds it itself (data_access.cache
    get_or_build)."""
    key = str(engine.url)
    with _runs:
        _active[key] = _active.get(key, 0) + 1
    try:
        yield
    finally:
        with _runs:
            _active[key] -= 1
            _runs.notify_all()


def active_runs(engine: Engine) -> int:
    with _runs:
        return _active.get(str(engine.url), 0)


def yield_to_sessions(engine: Engine, max_wait: float = YIELD_MAX_S) -> float:
    """Wait until no script run on `engine` is under way, at most `max_wait` seconds (a page that reruns
    without end must not stop the warm-up); returns the seconds waited."""
    key = str(engine.url)
    started = time.monotonic()
    with _runs:
        _runs.wait_for(lambda: _active.get(key, 0) == 0, timeout=max_wait)
    return time.monotonic() - started


def enabled() -> bool:
    return os.environ.get("PLANTKPI_WARMUP", "1") != "0"


def fact_order() -> list[str]:
    """Every fact, Home's headline facts first (what the first page after sign-in shows)."""
    from dashboard.kpi.facts import FACTS

    first = facts_for_home()
    return first + [name for name in FACTS if name not in first]


def facts_for_home() -> list[str]:
    from dashboard.kpi import HEADLINE, facts_for

    return list(facts_for(HEADLINE))


HOME_STATUS_WEEKS = 8  # pages/home.py's WEEKS


def _home_modules() -> None:
    """Import what Home's first run imports (charts, tiles, the status table, and what st.dataframe
    imports on its first call: pandas, 0.2 s and more of a sign-in on a busy machine): done here while
    the user types, not after the click on "Sign in"."""
    import pandas  # noqa: F401  (streamlit.dataframe_util.determine_data_format imports it on first use)
    import streamlit.material_icon_names  # noqa: F401  (the first icon of a run: the sign-out button's)
    from streamlit import dataframe_util

    import dashboard.ui.exceptions  # noqa: F401
    import dashboard.ui.headline  # noqa: F401
    import dashboard.ui.page_frame  # noqa: F401
    import dashboard.ui.status  # noqa: F401

    import polars as pl

    dataframe_util.convert_anything_to_arrow_bytes(pl.DataFrame({"warm": [1]}))  # what st.dataframe does
    _page_modules()
    _freeze_once()


def _page_modules() -> None:
    """What the analysis pages import, so that their first open does not import it (and it is frozen):
    pandas' Styler (dashboard.ui.tables formats a table's cells with it) reads its templates on import."""
    import pandas.io.formats.style  # noqa: F401
    import dashboard.ui.analysis  # noqa: F401
    import dashboard.ui.charts  # noqa: F401
    import dashboard.ui.explain  # noqa: F401
    import dashboard.ui.people  # noqa: F401
    import dashboard.ui.tables  # noqa: F401
    import dashboard.ui.tiles  # noqa: F401


_frozen = False


def _freeze_once() -> None:
    """Once per process, after the imports and before any fact: the objects alive now (the modules of
    Python, Streamlit, polars, pandas, Altair and ours, 200,000 objects) move to the collector's permanent
    generation (gc.freeze). Streamlit collects garbage after every script run (runner.postScriptGC), a
    full collection that scanned them all each time: 0.1–0.2 s after each run, twice in a sign-in (its
    run and the rerun to Home). Objects made later — facts, caches, a session's state — are collected as
    before, so memory is freed as it was; only what exists at server start is never scanned again."""
    global _frozen
    with _lock:
        if _frozen:
            return
        _frozen = True
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()


def _home_status(engine: Engine) -> None:
    """Home's data status, into data_access.status's cache (same key as Home asks)."""
    from datetime import date

    from dashboard.kpi import calendar
    from data_access.status import data_status

    data_status(engine, date.today(), weeks=HOME_STATUS_WEEKS, week_start=calendar.week_start)


def _home_exceptions(engine: Engine) -> None:
    """The open exceptions Home counts, into the cache Home reads them from (same key: database,
    data version, today)."""
    from datetime import date

    from dashboard.ui.exceptions import open_exceptions

    open_exceptions(engine, date.today())


def _warm(engine: Engine, version: int, state: dict) -> None:
    from dashboard.facts import load_facts
    from dashboard.ui.exceptions import announce

    started = time.perf_counter()
    announce(engine)  # Home shows the count as "being counted" meanwhile instead of computing it too
    try:
        for step in (_home_modules, lambda: _home_status(engine)):
            try:
                yield_to_sessions(engine)
                step()
            except Exception:  # Home does it itself then
                log.exception("warming Home failed")
        facts = load_facts(engine)
        if facts.version != version:  # another write came in: warm what is there now
            version = facts.version
        order = fact_order()
        headline = len(facts_for_home())
        for name in order[:headline]:
            yield_to_sessions(engine)
            facts[name]
        try:
            from dashboard.ui.headline import headline_figures

            yield_to_sessions(engine)
            headline_figures(engine)  # Home's tiles, computed into the figures' memo
        except Exception:
            log.exception("warming Home's tiles failed")
        try:
            yield_to_sessions(engine)
            _home_exceptions(engine)
        except Exception:  # the facts are still worth warming
            log.exception("warming Home's exceptions failed")
        for name in order[headline:]:
            yield_to_sessions(engine)
            facts[name]
        _snapshots(engine, state)
        log.info("facts warmed at data version %s in %.1f s", version, time.perf_counter() - started)
    except Exception:  # a warm-up failure must never reach a user; the page builds what it needs itself
        log.exception("warming the facts failed")
    finally:
        announce(engine, coming=False)
        with _lock:
            state["warmed"], state["thread"] = version, None


def _snapshots(engine: Engine, state: dict) -> None:
    """Start writing the columnar snapshots of this version (data_access.snapshots: the next server start
    and the CLI read them instead of SQL) in a low-priority process of its own; a builder still busy with
    an older version is stopped first (its version is history)."""
    from data_access import snapshots

    builder = state.get("builder")
    if builder is not None and builder.poll() is None:
        builder.terminate()
    try:
        state["builder"] = snapshots.build_in_background(engine)
    except Exception:  # the snapshots only save time
        log.exception("starting the columnar snapshots failed")


def ensure_warm(engine: Engine, force: bool = False) -> threading.Thread | None:
    """Start warming the facts of `engine` at its current data version unless that is done or under
    way. Returns the thread started, if one was (tests and benches may join it)."""
    if not enabled():
        return None
    from data_access.db import data_version

    key = str(engine.url)
    now = time.monotonic()
    with _lock:
        state = _state.setdefault(key, {"warmed": None, "thread": None, "checked": 0.0})
        if state["thread"] is not None or (not force and now - state["checked"] < CHECK_SECONDS):
            return None
        state["checked"] = now
    try:
        version = data_version(engine)
    except Exception:  # no schema yet (a fresh database before init): nothing to warm
        return None
    with _lock:
        if state["thread"] is not None or state["warmed"] == version:
            return None
        thread = threading.Thread(target=_warm, args=(engine, version, state), name="plantkpi-warmup", daemon=True)
        state["thread"] = thread
    thread.start()
    return thread


def reset() -> None:
    """Forget what was warmed (tests)."""
    with _lock:
        _state.clear()


__all__ = ["active_runs", "ensure_warm", "fact_order", "reset", "session_run", "yield_to_sessions"]
