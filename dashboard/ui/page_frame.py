"""The start every page shares: the session's language, the database engine and the signed-in user."""
from __future__ import annotations

from typing import NamedTuple

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.auth import CurrentUser
from dashboard.i18n import current_lang, set_lang
from dashboard.ui.login import require_admin, require_login
from data_access.db import get_engine


class PageFrame(NamedTuple):
    engine: Engine
    user: CurrentUser | None  # None for a page opened without the sign-in check (login=False)
    lang: str


def page_frame(*, login: bool = True, admin: bool = False) -> PageFrame:
    """Set the session's language, get the engine and, unless login=False, the signed-in user (the sign-in
    form, or for admin=True a refusal, and a stop otherwise)."""
    if st.session_state.get("lang"):  # the app frame sets it too; a page run on its own (AppTest) needs it here
        set_lang(st.session_state.lang)
    engine = get_engine()
    user = require_admin(engine) if admin else require_login(engine) if login else None
    return PageFrame(engine, user, current_lang())


__all__ = ["PageFrame", "page_frame"]
