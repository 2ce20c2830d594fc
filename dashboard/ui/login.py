"""Sign-in for the app frame: the login form, the signed-in user, sign-out (issues 7 and 14).

dashboard/app.py calls `require_login(engine)` on every rerun before building the navigation,
`sign_out_button()` in the sidebar and `open_link_after_sign_in(...)` between navigation and
page. Every rerun re-reads the account, so a role change applies at once and a removed account
is signed out.

Sessions (issue 14, docs/auth.md "Sessions and cookies"): signing in with a password starts a
server-side session (dashboard.auth.start_session) whose signed token goes into the cookie
`plantkpi_session`. Streamlit cannot send a Set-Cookie header from a script, so a small script in
the page writes it (document.cookie: SameSite=Strict, Secure over HTTPS, not HttpOnly). The
browser sends it with the websocket of every later load; `st.context.cookies` reads it there, so
a reload, a new tab or an opened link is signed in while the session is valid. Sign-out revokes
it on the server and removes it from the browser.

- No accounts in the database (fresh install): single-user admin mode, with a hint to create
  the first admin from the command line.
- `[auth]` configured in .streamlit/secrets.toml: a "Sign in with <provider>" button (OpenID
  Connect through st.login); the identity's e-mail or name must match a PlantKPI account, which
  supplies role and department. See docs/auth.md.
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlparse

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.auth import (CurrentUser, account_enabled, authenticate, end_session, get_user, has_accounts,
                            save_language, session_user, start_session)
from dashboard.i18n import LANG_NAMES, LANGS, set_lang, t
from dashboard.i18n.codes import code_label
from dashboard.navigation import PAGES
from dashboard.ui.plain_text import plain
from data_access.db import get_engine

SESSION_USER = "_plantkpi_user"
SINGLE_USER_NAME = "admin"
_LOGIN_LANG = "_plantkpi_login_lang"
_LOGIN_LANG_CHOSEN = "_plantkpi_login_lang_chosen"
_OIDC = "_plantkpi_oidc"
COOKIE_NAME = "plantkpi_session"
SESSION_TOKEN = "_plantkpi_session_token"  # this tab's cookie value (server memory only)
_COOKIE_TO_SET = "_plantkpi_cookie_to_set"  # (value, expiry) the page script writes into the browser
_COOKIE_TO_CLEAR = "_plantkpi_cookie_to_clear"  # a dead value the page script removes from the browser
_LINK = "_plantkpi_link"  # page and query string of the link that opened the sign-in page
_ENDED = "_plantkpi_session_ended"  # the session ended elsewhere: say so on the sign-in page
_TAB_ONLY = "_plantkpi_tab_only"  # signed in without a session (database not upgraded yet)


def current_user() -> CurrentUser | None:
    """The user of this browser session, or None when nobody is signed in."""
    return st.session_state.get(SESSION_USER)


def require_login(engine: Engine) -> CurrentUser:
    """The signed-in user; otherwise show the sign-in form and stop this run."""
    if not has_accounts(engine):
        user = CurrentUser(SINGLE_USER_NAME, "admin", None, st.session_state.get("lang", "en"))
        st.session_state[SESSION_USER] = user
        st.session_state["_plantkpi_single_user"] = True
        st.sidebar.info(t("auth.single_user"))
        return user
    if st.session_state.pop("_plantkpi_single_user", False):
        # Accounts were created while this session ran without them: sign in from now on.
        st.session_state.pop(SESSION_USER, None)

    user = current_user()
    if user is not None:
        token = st.session_state.get(SESSION_TOKEN)
        if token:  # signed in with a password, here or in another tab: the session must still hold
            fresh = session_user(engine, token)
        else:  # single sign-on (the identity provider's cookie holds it) or set up by a test
            fresh = get_user(engine, user.name) if account_enabled(engine, user.name) else None
        if fresh is not None:
            user = replace(fresh, lang=st.session_state.get("lang", user.lang))
            st.session_state[SESSION_USER] = user
            return user
        # Account gone or disabled, password changed, session expired or signed out in another tab.
        _forget_this_session(stale_cookie=token, ended=True)
    else:
        restored = _restore_from_cookie(engine)
        if restored is not None:
            return restored

    oidc_user = _oidc_user(engine)
    if oidc_user is not None:
        _sign_in(engine, oidc_user)
        st.session_state[_OIDC] = True  # sign-out also ends the identity provider's session
        return current_user()
    _login_form(engine)
    st.stop()


def require_admin(engine: Engine) -> CurrentUser:
    """For admin pages: the signed-in admin, or a refusal and stop."""
    user = current_user() or require_login(engine)
    if user.role != "admin":
        st.error(t("auth.admin_only"))
        st.stop()
    return user


def require_role(allowed: bool, refusal_key: str) -> None:
    """For pages of some roles only (Wages, Scorecards): the page's translated refusal and stop when the
    signed-in user may not see it (the writes below the UI check again)."""
    if not allowed:
        st.error(t(refusal_key))
        st.stop()


def sign_out_button() -> None:
    """Who is signed in, and the sign-out button (nothing in single-user mode). Also writes the
    session cookie of a fresh sign-in into the browser."""
    user = current_user()
    if user is None or st.session_state.get("_plantkpi_single_user"):
        return
    _cookie_script()
    st.caption(t("auth.signed_in_as", name=plain(user.name), role=code_label("role", user.role)))
    if st.session_state.get(_TAB_ONLY):
        st.warning(t("session.tab_only"))
    st.button(t("auth.signout"), key="_plantkpi_sign_out", on_click=_sign_out, icon=":material/logout:")


def open_link_after_sign_in(current, pages) -> None:
    """Right after a sign-in, switch to the page and filters of the link that opened the sign-in
    page (st.navigation falls back to the default page after the sign-in rerun). `current` is what
    st.navigation returned, `pages` the st.Page objects offered to this user."""
    link = st.session_state.pop(_LINK, None)
    if current_user() is None or not link or not link.get("page") or current.url_path == link["page"]:
        return
    target = next((page for page in pages if page.url_path == link["page"]), None)
    if target is not None:  # a page this role does not see stays closed: the default page opens
        st.switch_page(target, query_params=link["query"])


# ------------------------------------------------------------------ internals
def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this run (bare script)
        return None
    return value if isinstance(value, str) else None  # AppTest's context is a stand-in


def _restore_from_cookie(engine: Engine) -> CurrentUser | None:
    """A reload, a new tab or an opened link: the session cookie the browser sent, if still valid."""
    value = _cookie()
    if not value or value == st.session_state.get(_COOKIE_TO_CLEAR):  # none, or known to be dead
        return None
    user = session_user(engine, value)
    if user is None:
        st.session_state[_COOKIE_TO_CLEAR] = value
        st.session_state[_ENDED] = True
        return None
    st.session_state[SESSION_USER] = replace(user, lang=st.session_state.get("lang", user.lang))
    st.session_state[SESSION_TOKEN] = value
    return current_user()


def _forget_this_session(stale_cookie: str | None, ended: bool) -> None:
    """Sign this tab out: nothing of the session stays; `ended` says so on the sign-in page (it
    ended elsewhere, not by this tab's sign-out button)."""
    lang = st.session_state.get("lang", "en")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_LOGIN_LANG] = lang
    if stale_cookie:
        st.session_state[_COOKIE_TO_CLEAR] = stale_cookie
    if ended:
        st.session_state[_ENDED] = True


def _cookie_path() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else "/"


def _cookie_script() -> None:
    """Write a fresh session cookie into the browser, or remove a dead one. A script in the page
    (st.html) does it: a Streamlit script cannot send Set-Cookie headers. The dead value is only
    removed while the browser still holds that very value, so a tab with an old session never
    removes the cookie of a newer sign-in in another tab."""
    to_set = st.session_state.get(_COOKIE_TO_SET)
    stale = st.session_state.get(_COOKIE_TO_CLEAR)
    if to_set:
        value, expires_at = to_set
        max_age = max(0, int((expires_at - datetime.now(UTC)).total_seconds()))
    elif stale:
        value, max_age = "", 0
    else:
        return
    st.html(f"""<script>(function () {{
  var name = {json.dumps(COOKIE_NAME)}, value = {json.dumps(value)}, stale = {json.dumps(stale or "")};
  var attributes = "; Path=" + {json.dumps(_cookie_path())} + "; SameSite=Strict"
      + (window.location.protocol === "https:" ? "; Secure" : "");
  var held = document.cookie.split("; ").filter(function (c) {{ return c.indexOf(name + "=") === 0; }})
      .map(function (c) {{ return c.slice(name.length + 1); }})[0] || "";
  if (value) {{
    document.cookie = name + "=" + value + attributes + "; Max-Age=" + {max_age};
  }} else if (stale && held === stale) {{
    document.cookie = name + "=" + attributes + "; Max-Age=0";
  }}
}})();</script>""", unsafe_allow_javascript=True, width="content")


def _page_of_url(url: str | None) -> str | None:
    """The url_path of the app page a browser URL points at (None: the default page)."""
    last = urlparse(url or "").path.rstrip("/").rsplit("/", 1)[-1]  # after any server.baseUrlPath
    return next((page.url_path for page in PAGES if page.url_path == last), None)


def _remember_link() -> None:
    """The first time the sign-in page shows, note the page and query string the browser asked for."""
    if _LINK in st.session_state:
        return
    try:
        url = st.context.url
    except Exception:
        url = None
    url = url if isinstance(url, str) else None  # AppTest's context is a stand-in
    st.session_state[_LINK] = {"page": _page_of_url(url), "query": st.query_params.to_dict()}


def _sign_in(engine: Engine, user: CurrentUser) -> None:
    lang = user.lang
    if st.session_state.get(_LOGIN_LANG_CHOSEN):  # chosen on the sign-in page: remember it
        lang = st.session_state.get(_LOGIN_LANG, lang)
        save_language(engine, user.name, lang)
    elif st.query_params.get("lang") in LANGS:  # a shared link's language, for this session only
        lang = st.query_params["lang"]
    link = st.session_state.get(_LINK)
    # Nothing of an earlier session in this browser survives a sign-in.
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if link is not None:
        st.session_state[_LINK] = link
    st.session_state[SESSION_USER] = replace(user, lang=lang)
    st.session_state["lang"] = lang
    set_lang(lang)


def _sign_out() -> None:
    oidc = st.session_state.get(_OIDC)
    token = st.session_state.get(SESSION_TOKEN)
    if token:  # ends it for every tab of this browser, and for a copied cookie
        end_session(get_engine(), token)
    _forget_this_session(stale_cookie=token, ended=False)
    if oidc:
        st.logout()


def _on_login_lang() -> None:
    st.session_state[_LOGIN_LANG_CHOSEN] = True


def _login_form(engine: Engine) -> None:
    _remember_link()
    _cookie_script()
    if _LOGIN_LANG not in st.session_state:
        requested = st.query_params.get("lang")
        st.session_state[_LOGIN_LANG] = requested if requested in LANGS else st.session_state.get("lang", "en")
    set_lang(st.session_state[_LOGIN_LANG])

    st.title(t("app.title"))
    st.caption(t("app.subtitle"))
    if st.session_state.get(_ENDED):
        st.info(t("session.ended"))
    st.segmented_control(t("auth.login.language"), LANGS, format_func=LANG_NAMES.get, key=_LOGIN_LANG,
                         on_change=_on_login_lang)
    set_lang(st.session_state.get(_LOGIN_LANG) or "en")

    provider = _oidc_provider()
    if provider is not None:
        if st.button(t("auth.login.oidc", provider=provider or "SSO"), type="primary"):
            st.login(provider or None)
        st.caption(t("auth.login.or"))

    with st.form("plantkpi_login"):
        st.subheader(t("auth.login.title"))
        name = st.text_input(t("auth.login.name"), key="_plantkpi_login_name")
        password = st.text_input(t("auth.login.password"), type="password", key="_plantkpi_login_password")
        submitted = st.form_submit_button(t("auth.login.submit"), type="primary")
    if submitted:
        result = authenticate(engine, name, password)
        if result.ok:
            _sign_in(engine, result.user)
            started = start_session(engine, result.user.name)
            if started is None:
                st.session_state[_TAB_ONLY] = True
            else:
                st.session_state[SESSION_TOKEN] = started[0]
                st.session_state[_COOKIE_TO_SET] = started
            st.rerun()
        st.error(result.problem.message())


def _oidc_provider() -> str | None:
    """'' for the default provider, a provider name, or None when OpenID Connect is not configured."""
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        auth = st.secrets.get("auth")
    except Exception:  # unreadable secrets: fall back to PlantKPI accounts
        return None
    if not auth:
        return None
    if "client_id" in auth:
        return ""
    named = [key for key, value in auth.items() if hasattr(value, "keys") and "client_id" in value]
    return named[0] if named else None


def _oidc_user(engine: Engine) -> CurrentUser | None:
    """The PlantKPI account of the identity signed in through st.login, if any."""
    if _oidc_provider() is None:
        return None
    try:
        if not st.user.is_logged_in:
            return None
        identity = [st.user.get("email"), st.user.get("preferred_username"), st.user.get("name")]
    except Exception:
        return None
    for candidate in filter(None, identity):
        account = get_user(engine, str(candidate))
        if account is not None:
            return account
    shown = next(filter(None, identity), "?")
    st.warning(t("auth.login.oidc_unknown", name=plain(str(shown))))
    return None
