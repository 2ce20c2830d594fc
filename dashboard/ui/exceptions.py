"""The plant's open exceptions for pages (dashboard.exceptions), remembered per database, data
version and day: every write (an upload, an acknowledgement) bumps the version, so a page never
shows a stale list, and Home does not recompute the planning projection on every rerun."""
from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.exceptions import counts_by_severity, load_exceptions
from dashboard.i18n import t
from data_access.db import data_version, get_engine


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _load(url: str, version: int, today: date, include_acknowledged: bool) -> pl.DataFrame:
    return load_exceptions(get_engine(url), today, include_acknowledged=include_acknowledged)


def open_exceptions(engine: Engine, today: date, include_acknowledged: bool = False) -> pl.DataFrame:
    return _load(engine.url.render_as_string(hide_password=False), data_version(engine), today, include_acknowledged)


def exceptions_count(engine: Engine, today: date, lang: str, link: bool = True) -> None:
    """Home: "Open exceptions: 17 (high 3, medium 6, low 8)", linking to the Exceptions page."""
    found = open_exceptions(engine, today)
    counts = counts_by_severity(found)
    text = f"**{t('exc.home.count', lang)}: {found.height}** — " + t("exc.counts", lang, total=found.height, **counts)
    if link:
        text += f" · [{t('exc.home.link', lang)}](exceptions)"
    st.markdown(text)
