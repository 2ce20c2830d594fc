"""Sign-in sessions (issue 14): a random, signed, expiring token in the cookie, only its hash in the
table `sessions`, refused once expired, signed out, forged, or when the account's password changed,
the account was removed or disabled. On SQLite and PostgreSQL; the sign-in form and sign-out
through AppTest."""
from __future__ import annotations

import hashlib
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

import dashboard.auth as auth
import data_access.sessions as sessions
from dashboard.auth import create_user, delete_user, end_session, reset_password, session_user, start_session
from dashboard.ui.login import SESSION_TOKEN, SESSION_USER
from data_access.permissions import database_owner
from data_access.sessions import check_session

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OWNER = database_owner()  # acts on accounts as the CLI does
KEY = "k" * 40


@pytest.fixture(autouse=True)
def quick_hasher_and_key(monkeypatch):
    """Argon2id with small costs (same format), and a known session key for this test."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv(sessions.KEY_ENV, KEY)
    monkeypatch.delenv(sessions.SESSION_HOURS_ENV, raising=False)


@pytest.fixture
def wang(engine):
    create_user(engine, "root", "root-password", "admin", by=OWNER)
    create_user(engine, "wang", "wang-password", "clerk", "quality", by="root")
    return engine


def reason(engine, cookie, now=None) -> str:
    with engine.connect() as conn:
        return check_session(conn, cookie, now=now or T0 + timedelta(minutes=1)).reason


def session_rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(sessions.SESSIONS).order_by(sessions.SESSIONS.c.id))]


# ------------------------------------------------------------------ token, hash, expiry
def test_a_session_signs_in_for_12_hours_then_expires(wang):
    """Default lifetime 12 h: valid at 08:00 + 11 h 59 min, refused at 08:00 + 12 h (20:00)."""
    cookie, expires_at = start_session(wang, "wang", now=T0)
    assert expires_at == datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert session_user(wang, cookie, now=T0 + timedelta(hours=11, minutes=59)).name == "wang"
    assert session_user(wang, cookie, now=T0 + timedelta(hours=12)) is None
    assert reason(wang, cookie, T0 + timedelta(hours=12)) == sessions.EXPIRED


def test_the_table_keeps_the_tokens_sha256_never_the_token(wang):
    first, _ = start_session(wang, "wang", now=T0)
    second, _ = start_session(wang, "wang", now=T0)
    assert first != second  # random per sign-in
    token, signature = first.split(".")
    assert len(token) >= 43 and len(signature) == 43  # 32 random bytes; HMAC-SHA256, URL-safe base64
    rows = session_rows(wang)
    assert [r["username"] for r in rows] == ["wang", "wang"]
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(v) for r in rows for v in r.values())
    assert token not in stored and signature not in stored
    # created and expiry as stored (SQLite gives them back without a zone)
    created, expires = rows[0]["created_at"], rows[0]["expires_at"]
    assert [sessions._as_utc(created), sessions._as_utc(expires)] == [T0, T0 + timedelta(hours=12)]


def test_forged_altered_and_foreign_cookies_are_refused(wang):
    cookie, _ = start_session(wang, "wang", now=T0)
    token, signature = cookie.split(".")
    altered = ("A" if token[0] != "A" else "B") + token[1:]
    assert reason(wang, f"{altered}.{signature}") == sessions.BAD_SIGNATURE
    assert reason(wang, f"{token}.{signature[:-1]}x") == sessions.BAD_SIGNATURE
    for garbage in ("", "no-dot", "a.b.c", "." + signature, token + "."):
        assert reason(wang, garbage) == sessions.MALFORMED, garbage
    # Someone who can write the table but does not hold the key inserts a row for a token of theirs:
    # its cookie is refused because they cannot sign it.
    planted = "planted-token-of-the-attacker-000000000000"
    with wang.begin() as conn:
        conn.execute(sa.text("INSERT INTO sessions (token_hash, username, credential_fingerprint, created_at, "
                             "expires_at) SELECT :h, name, :f, :c, :e FROM users WHERE name = 'root'"),
                     {"h": hashlib.sha256(planted.encode()).hexdigest(), "f": "x" * 64, "c": T0,
                      "e": T0 + timedelta(hours=12)})
    assert reason(wang, f"{planted}.{sessions._signature(planted, b'another key of 32 bytes or more..')}") \
        == sessions.BAD_SIGNATURE
    # A correctly signed token that the server never issued.
    stray = "never-issued-token-0000000000000000000000000"
    assert reason(wang, f"{stray}.{sessions._signature(stray, KEY.encode())}") == sessions.UNKNOWN
    assert session_user(wang, cookie, now=T0 + timedelta(minutes=1)).name == "wang"  # the real one still works


def test_a_cookie_signed_with_another_key_is_refused(wang, monkeypatch):
    cookie, _ = start_session(wang, "wang", now=T0)
    monkeypatch.setenv(sessions.KEY_ENV, "another-key-" + "z" * 30)
    assert reason(wang, cookie) == sessions.BAD_SIGNATURE


# ------------------------------------------------------------------ revocation
def test_sign_out_ends_that_session_only(wang):
    laptop, _ = start_session(wang, "wang", now=T0)
    phone, _ = start_session(wang, "wang", now=T0)
    assert end_session(wang, laptop, now=T0 + timedelta(minutes=5)) is True
    assert end_session(wang, laptop, now=T0 + timedelta(minutes=6)) is False  # already ended
    assert session_user(wang, laptop, now=T0 + timedelta(minutes=7)) is None
    assert reason(wang, laptop) == sessions.REVOKED
    assert session_user(wang, phone, now=T0 + timedelta(minutes=7)).name == "wang"
    revoked = [r["revoked_at"] for r in session_rows(wang)]
    assert revoked[0] is not None and revoked[1] is None


def test_a_password_change_ends_every_session_of_the_account(wang):
    laptop, _ = start_session(wang, "wang", now=T0)
    phone, _ = start_session(wang, "wang", now=T0)
    roots, _ = start_session(wang, "root", now=T0)
    reset_password(wang, "wang", "a-new-password", by="root")
    assert reason(wang, laptop) == sessions.CREDENTIALS_CHANGED
    assert session_user(wang, laptop, now=T0 + timedelta(minutes=1)) is None
    assert session_user(wang, phone, now=T0 + timedelta(minutes=1)) is None
    assert session_user(wang, roots, now=T0 + timedelta(minutes=1)).name == "root"  # another account: untouched
    # Seen once, the session is revoked for good (not only refused while the hash differs).
    assert reason(wang, laptop) == sessions.REVOKED
    # Signing in with the new password starts a session that works.
    fresh, _ = start_session(wang, "wang", now=T0 + timedelta(minutes=2))
    assert session_user(wang, fresh, now=T0 + timedelta(minutes=3)).name == "wang"


def test_a_reset_to_the_same_password_also_ends_the_sessions(wang):
    """Argon2 hashes are salted: the stored hash, and so the fingerprint, changes anyway."""
    cookie, _ = start_session(wang, "wang", now=T0)
    reset_password(wang, "wang", "wang-password", by="root")
    assert session_user(wang, cookie, now=T0 + timedelta(minutes=1)) is None


def test_a_removed_account_and_a_new_one_of_the_same_name_do_not_inherit_the_session(wang):
    cookie, _ = start_session(wang, "wang", now=T0)
    delete_user(wang, "wang", by="root")
    assert reason(wang, cookie) == sessions.NO_ACCOUNT
    create_user(wang, "wang", "wang-password", "admin", by="root")  # same name, same password, now admin
    assert reason(wang, cookie) == sessions.CREDENTIALS_CHANGED
    assert session_user(wang, cookie, now=T0 + timedelta(minutes=1)) is None


def test_disabling_the_account_ends_its_sessions_for_good(wang):
    """A disabled account's session is refused, and stays ended after the account is enabled again."""
    cookie, _ = start_session(wang, "wang", now=T0)
    assert session_user(wang, cookie, now=T0 + timedelta(minutes=1)).name == "wang"
    auth.set_disabled(wang, "wang", True, by="root")
    assert reason(wang, cookie) == sessions.DISABLED
    assert session_user(wang, cookie, now=T0 + timedelta(minutes=1)) is None
    assert auth.account_enabled(wang, "wang") is False and auth.account_enabled(wang, "root") is True
    auth.set_disabled(wang, "wang", False, by="root")
    assert reason(wang, cookie) == sessions.REVOKED


def test_revoke_every_session_of_an_account(wang):
    for _ in range(3):
        start_session(wang, "wang", now=T0)
    start_session(wang, "root", now=T0)
    with wang.begin() as conn:
        assert sessions.revoke_user_sessions(conn, "wang", now=T0) == 3
    with wang.connect() as conn:
        assert sessions.live_sessions(conn, "wang", now=T0) == 0
        assert sessions.live_sessions(conn, "root", now=T0) == 1


def test_rows_expired_a_week_ago_are_deleted_when_a_session_starts(wang):
    """Sessions of 08:00 on 2 March expire at 20:00; a sign-in on 9 March 20:01 (7 days and a
    minute later) deletes them, one on 9 March 19:59 does not."""
    start_session(wang, "wang", now=T0)
    start_session(wang, "wang", now=T0 + timedelta(days=7, hours=11, minutes=59))
    assert len(session_rows(wang)) == 2
    start_session(wang, "wang", now=T0 + timedelta(days=7, hours=12, minutes=1))
    assert len(session_rows(wang)) == 2  # the first is gone, the two newer stay


def test_no_session_for_an_account_that_does_not_exist(wang):
    with pytest.raises(LookupError):
        start_session(wang, "nobody", now=T0)


# ------------------------------------------------------------------ configuration
@pytest.mark.parametrize("hours, expected", [("0.5", timedelta(minutes=30)), ("24", timedelta(hours=24)),
                                             ("", timedelta(hours=12)), ("abc", timedelta(hours=12)),
                                             ("0", timedelta(hours=12)), ("-3", timedelta(hours=12)),
                                             ("1e9", timedelta(hours=12))])
def test_lifetime_from_plantkpi_session_hours(monkeypatch, hours, expected):
    monkeypatch.setenv(sessions.SESSION_HOURS_ENV, hours)
    assert sessions.session_lifetime() == expected


def test_configured_lifetime_applies_to_new_sessions(wang, monkeypatch):
    monkeypatch.setenv(sessions.SESSION_HOURS_ENV, "2")
    cookie, expires_at = start_session(wang, "wang", now=T0)
    assert expires_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert session_user(wang, cookie, now=T0 + timedelta(hours=2, seconds=-1)) is not None
    assert session_user(wang, cookie, now=T0 + timedelta(hours=2)) is None


def test_without_a_key_setting_a_private_key_file_is_made_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(sessions.KEY_ENV)
    key_file = tmp_path / "keys" / "session.key"
    monkeypatch.setenv(sessions.KEY_FILE_ENV, str(key_file))
    sessions._key.cache_clear()
    first = sessions.session_key()
    assert key_file.exists() and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first) >= sessions.MIN_KEY_LENGTH
    sessions._key.cache_clear()  # as a restarted app would
    assert sessions.session_key() == first
    monkeypatch.setenv(sessions.KEY_FILE_ENV, str(tmp_path / "other.key"))
    assert sessions.session_key() != first


# ------------------------------------------------------------------ the sign-in form (AppTest)
FRAME = """
import streamlit as st
from dashboard.ui.login import require_login, sign_out_button
from data_access.db import get_engine

user = require_login(get_engine())
st.text("signed in: " + user.name)
with st.sidebar:
    sign_out_button()
"""


@pytest.fixture
def app_db(sqlite_engine, monkeypatch):
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    create_user(sqlite_engine, "root", "root-password", "admin", by=OWNER)
    create_user(sqlite_engine, "wang", "wang-password", "clerk", "quality", by="root")
    return sqlite_engine


def signed_in(name: str, password: str) -> AppTest:
    at = AppTest.from_string(FRAME, default_timeout=30).run()
    at.text_input(key="_plantkpi_login_name").input(name)
    at.text_input(key="_plantkpi_login_password").input(password)
    return at.button[0].click().run()


def test_signing_in_starts_a_session_and_signing_out_revokes_it(app_db):
    at = signed_in("wang", "wang-password")
    assert at.text[0].value == "signed in: wang"
    cookie = at.session_state[SESSION_TOKEN]
    assert session_user(app_db, cookie).name == "wang"
    with app_db.connect() as conn:
        assert sessions.live_sessions(conn, "wang") == 1
    at.sidebar.button(key="_plantkpi_sign_out").click().run()
    assert not at.text and SESSION_USER not in at.session_state
    assert session_user(app_db, cookie) is None
    with app_db.connect() as conn:
        assert sessions.live_sessions(conn, "wang") == 0


def test_an_open_tab_is_signed_out_on_its_next_rerun_when_the_password_is_reset(app_db):
    at = signed_in("wang", "wang-password")
    assert at.text[0].value == "signed in: wang"
    reset_password(app_db, "wang", "reset-by-the-admin", by="root")
    at.run()
    assert not at.text and [ti.label for ti in at.text_input] == ["User name", "Password"]
    assert at.info[0].value.startswith("Your session has ended")


def test_an_open_tab_is_signed_out_when_the_session_is_revoked_elsewhere(app_db):
    """Sign-out in one tab ends the session for the other tabs of the same browser (same cookie)."""
    at = signed_in("wang", "wang-password")
    end_session(app_db, at.session_state[SESSION_TOKEN])
    at.run()
    assert not at.text and SESSION_USER not in at.session_state


def test_signing_out_here_does_not_say_the_session_ended(app_db):
    at = signed_in("wang", "wang-password")
    at.sidebar.button(key="_plantkpi_sign_out").click().run()
    assert [ti.label for ti in at.text_input] == ["User name", "Password"] and not at.info


def test_a_database_without_the_sessions_table_signs_in_for_the_tab_and_says_why(app_db):
    """An app started on a database `plantkpi init` has not upgraded yet."""
    with app_db.begin() as conn:
        conn.execute(sa.text("DROP TABLE sessions"))
    at = signed_in("wang", "wang-password")
    assert at.text[0].value == "signed in: wang" and not at.exception
    assert SESSION_TOKEN not in at.session_state
    assert "plantkpi init" in at.sidebar.warning[0].value
    assert at.run().text[0].value == "signed in: wang"  # and it holds on the next rerun


@pytest.mark.parametrize("url, page", [
    ("http://kpi.example.com/analysis-quality", "analysis-quality"),
    ("https://plant.example.com/kpi/planning-mrp/", "planning-mrp"),  # served under a base path
    ("http://127.0.0.1:8501/", None), ("http://127.0.0.1:8501", None),
    ("http://127.0.0.1:8501/no-such-page", None), (None, None),
])
def test_the_page_a_link_points_at(url, page):
    from dashboard.ui.login import _page_of_url

    assert _page_of_url(url) == page
