"""PlantKPI entry point: page config, language, login, and the navigation built per role.

Streamlit runs this frame before every page (st.navigation), so language and login apply
everywhere. It lives in dashboard/, not next to pages/, so that Streamlit's legacy page
auto-discovery does not run pages without this frame.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.auth import save_language
from dashboard.i18n import LANG_NAMES, LANGS, set_lang, t
from dashboard.kpi import calendar
from dashboard.navigation import pages_for
from dashboard.ui.error_boundary import run_guarded
from dashboard.ui.login import open_link_after_sign_in, require_login, sign_out_button
from dashboard.warmup import ensure_warm, session_run
from data_access.db import get_engine

# the icon is a file of ours: a material-icon name made the browser fetch the favicon from a font CDN,
# a failed request on every page of a plant network without internet
FAVICON = str(Path(__file__).resolve().parent / "assets" / "favicon.png")
st.set_page_config(page_title="PlantKPI · 数字化管理看板", page_icon=FAVICON, layout="wide")


def _language(user) -> str:
    """This session's choice, else the signed-in user's saved language."""
    if "lang" not in st.session_state:
        st.session_state.lang = user.lang if user.lang in LANGS else "en"
    return st.session_state.lang


def _on_language_change() -> None:
    user = st.session_state.get("_plantkpi_user_name")
    if user:
        save_language(get_engine(), user, st.session_state.lang)


engine = get_engine()
# the facts built in the background from the login page on, and again after each write (dashboard.warmup)
ensure_warm(engine)
# the warm-up waits while this run is under way: the user's run first, the facts nobody asked for yet after it
with session_run(engine):
    if "lang" not in st.session_state and st.query_params.get("lang") in LANGS:
        st.session_state.lang = st.query_params["lang"]  # a shared link may carry the language
    set_lang(st.session_state.get("lang", "en"))
    user = require_login(engine)
    st.session_state["_plantkpi_user_name"] = user.name
    set_lang(_language(user))

    with st.sidebar:
        st.selectbox(t("app.language"), LANGS, format_func=LANG_NAMES.get, key="lang", on_change=_on_language_change)
        set_lang(st.session_state.lang)
        sign_out_button()

    sections: dict[str, list] = {}
    for spec in pages_for(user.role, user.department):
        page = st.Page(str(spec.path), title=t(spec.title_key), url_path=spec.url_path, icon=spec.icon,
                       default=spec.file == "home.py")
        sections.setdefault(t(spec.section), []).append(page)

    try:  # the plant calendar (environment) decides every week and month: a bad setting stops here, clearly
        calendar.current()
    except calendar.CalendarSettingError as exc:
        st.error(str(exc))
        st.stop()

    # the pages in the top bar, one menu per section: the sidebar keeps the language switch and the page's own
    # controls (priority weights ...) within reach on a 1280 x 720 screen instead of below 23 page entries
    current_page = st.navigation(sections, position="top")
    open_link_after_sign_in(current_page, [page for pages in sections.values() for page in pages])
    run_guarded(current_page.run, where=current_page.url_path)  # an exception becomes a message and an incident id
