"""Sign-in for the app frame: the login form, the signed-in user, sign-out (issue 7).

dashboard/app.py calls `require_login(engine)` on every rerun before building the navigation,
and `sign_out_button()` in the sidebar. The signed-in user lives in this browser session's
st.session_state only; every rerun re-reads the account, so a role change applies at once and a
removed account is signed out.

- No accounts in the database (fresh install): single-user admin mode, with a hint to create
  the first admin from the command line.
- `[auth]` configured in .streamlit/secrets.toml: a "Sign in with <provider>" button (OpenID
  Connect through st.login); the identity's e-mail or name must match a PlantKPI account, which
  supplies role and department. See docs/auth.md.
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.auth import CurrentUser, authenticate, get_user, has_accounts, save_language
from dashboard.i18n import LANG_NAMES, LANGS, set_lang, t
from dashboard.ui.plain_text import plain

SESSION_USER = "_plantkpi_user"
SINGLE_USER_NAME = "admin"
_LOGIN_LANG = "_plantkpi_login_lang"
_LOGIN_LANG_CHOSEN = "_plantkpi_login_lang_chosen"
_OIDC = "_plantkpi_oidc"


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
        fresh = get_user(engine, user.name)
        if fresh is not None:
            user = replace(fresh, lang=st.session_state.get("lang", user.lang))
            st.session_state[SESSION_USER] = user
            return user
        st.session_state.pop(SESSION_USER, None)  # the account is gone

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


def sign_out_button() -> None:
    """Who is signed in, and the sign-out button (nothing in single-user mode)."""
    user = current_user()
    if user is None or st.session_state.get("_plantkpi_single_user"):
        return
    st.caption(t("auth.signed_in_as", name=plain(user.name), role=t(f"auth.role.{user.role}")))
    st.button(t("auth.signout"), key="_plantkpi_sign_out", on_click=_sign_out, icon=":material/logout:")


# ------------------------------------------------------------------ internals
def _sign_in(engine: Engine, user: CurrentUser) -> None:
    lang = user.lang
    if st.session_state.get(_LOGIN_LANG_CHOSEN):  # chosen on the sign-in page: remember it
        lang = st.session_state.get(_LOGIN_LANG, lang)
        save_language(engine, user.name, lang)
    elif st.query_params.get("lang") in LANGS:  # a shared link's language, for this session only
        lang = st.query_params["lang"]
    # Nothing of an earlier session in this browser survives a sign-in.
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[SESSION_USER] = replace(user, lang=lang)
    st.session_state["lang"] = lang
    set_lang(lang)


def _sign_out() -> None:
    lang = st.session_state.get("lang", "en")
    oidc = st.session_state.get(_OIDC)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_LOGIN_LANG] = lang
    if oidc:
        st.logout()


def _on_login_lang() -> None:
    st.session_state[_LOGIN_LANG_CHOSEN] = True


def _login_form(engine: Engine) -> None:
    if _LOGIN_LANG not in st.session_state:
        requested = st.query_params.get("lang")
        st.session_state[_LOGIN_LANG] = requested if requested in LANGS else st.session_state.get("lang", "en")
    set_lang(st.session_state[_LOGIN_LANG])

    st.title(t("app.title"))
    st.caption(t("app.subtitle"))
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
