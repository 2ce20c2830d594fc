"""The login form, sign-out, session isolation and the admin pages, through Streamlit's AppTest
against a seeded SQLite file named by PLANTKPI_DATABASE_URL (issue 7)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

import dashboard.auth as auth
from dashboard.auth import CurrentUser, authenticate, create_user, list_users
from dashboard.i18n import t
from dashboard.ui.login import SESSION_USER
from dashboard.ui.plain_text import plain, spreadsheet_csv
from data_access.audit_log import read_audit
from data_access.db import get_engine, init_db
from data_access.permissions import database_owner
from data_access.store import audit

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_NAME = "<script>alert(1)</script>"
MARKDOWN_NAME = "**bold** [link](http://x)"
TIMEOUT = 30
OWNER = database_owner()  # acts on accounts as the CLI does

# A frame like dashboard/app.py: login first, then the page content and the sidebar.
FRAME = """
import streamlit as st
from dashboard.ui.login import current_user, require_login, sign_out_button
from data_access.db import get_engine

user = require_login(get_engine())
st.text("signed in: " + user.name + " / " + user.role + " / " + user.lang)
with st.sidebar:
    sign_out_button()
"""


@pytest.fixture(autouse=True)
def quick_hasher(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied for each test (migrating anew costs a second or more)."""
    path = tmp_path_factory.mktemp("auth-pages") / "template.db"
    engine = get_engine(f"sqlite:///{path}")
    init_db(engine)
    engine.dispose()  # checkpoints the WAL into the file
    return path


@pytest.fixture
def db(migrated_file, tmp_path, monkeypatch):
    path = tmp_path / "pages.db"
    shutil.copyfile(migrated_file, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", url)
    engine = get_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def accounts(db):
    create_user(db, "root", "root-password", "admin", by=OWNER)
    create_user(db, SCRIPT_NAME, "script-password", "clerk", "production", by="root")
    create_user(db, MARKDOWN_NAME, "markdown-password", "manager", by="root")
    return db


def page(file: str, user: CurrentUser | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / file), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state[SESSION_USER] = user
    return at.run()


def frame() -> AppTest:
    return AppTest.from_string(FRAME, default_timeout=TIMEOUT).run()


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="_plantkpi_login_name").input(name)
    at.text_input(key="_plantkpi_login_password").input(password)
    return at.button[0].click().run()


def rendered_markdown(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "success", "error", "info", "warning", "title", "subheader")
    return [el.value for kind in kinds for el in at.get(kind)]


ROOT_USER = CurrentUser("root", "admin", None, "en")


# ------------------------------------------------------------------ login form
def test_login_refuses_a_wrong_password_and_accepts_the_right_one(accounts):
    at = frame()
    assert not at.exception
    assert [ti.label for ti in at.text_input] == ["User name", "Password"]
    assert not at.text  # nothing behind the form yet

    at = sign_in(at, "root", "not-the-password")
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert not at.text

    at = sign_in(at, "root", "root-password")
    assert not at.exception and not at.error
    assert at.text[0].value == "signed in: root / admin / en"
    assert at.sidebar.caption[0].value == "Signed in as root · Admin"

    # Sign out: the form again, nothing of the session left.
    at.sidebar.button(key="_plantkpi_sign_out").click().run()
    assert not at.text and [ti.label for ti in at.text_input] == ["User name", "Password"]
    assert SESSION_USER not in at.session_state


def test_login_shows_the_lockout_after_five_failures(accounts):
    at = frame()
    for _ in range(5):
        at = sign_in(at, "root", "wrong-password")
    assert "locked for 15 minutes" in at.error[0].value
    at = sign_in(at, "root", "root-password")  # the right password does not help while locked
    assert "locked" in at.error[0].value and not at.text


def test_login_page_in_chinese_and_the_choice_is_remembered(accounts):
    at = frame()
    at.get("button_group")[0].set_value("zh").run()
    assert [ti.label for ti in at.text_input] == ["用户名", "密码"]
    at = sign_in(at, "root", "wrong-password")
    assert at.error[0].value == "用户名或密码错误。"
    at = sign_in(at, "root", "root-password")
    assert at.text[0].value == "signed in: root / admin / zh"
    assert auth.get_user(accounts, "root").lang == "zh"


def test_a_links_language_holds_through_sign_in_without_changing_the_saved_choice(accounts):
    at = AppTest.from_string(FRAME, default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at = at.run()
    assert [ti.label for ti in at.text_input] == ["用户名", "密码"]
    at = sign_in(at, "root", "root-password")
    assert at.text[0].value == "signed in: root / admin / zh"
    assert auth.get_user(accounts, "root").lang == "en"  # the link does not overwrite the account's choice


def test_two_sessions_of_different_users_do_not_share_state(accounts):
    first, second = frame(), frame()
    first = sign_in(first, "root", "root-password")
    second = second.run()
    assert not second.text, "the second browser session must still see the login form"
    second = sign_in(second, MARKDOWN_NAME, "markdown-password")
    first = first.run()
    assert first.text[0].value == "signed in: root / admin / en"
    assert second.text[0].value == f"signed in: {MARKDOWN_NAME} / manager / en"
    assert first.session_state[SESSION_USER].name == "root"
    assert second.session_state[SESSION_USER].name == MARKDOWN_NAME


def test_role_change_applies_to_a_signed_in_session_on_its_next_rerun(accounts):
    at = sign_in(frame(), SCRIPT_NAME, "script-password")
    assert at.text[0].value.endswith("/ clerk / en")
    auth.change_role(accounts, SCRIPT_NAME, "manager", None, by="root")
    assert at.run().text[0].value.endswith("/ manager / en")


def test_without_accounts_the_app_runs_as_single_user_admin_with_a_hint(db):
    at = frame()
    assert at.text[0].value == "signed in: admin / admin / en"
    assert "plantkpi user add NAME --role admin" in at.sidebar.info[0].value
    assert not at.sidebar.button  # nothing to sign out of
    # Once the first account exists, the same session must sign in.
    create_user(db, "root", "root-password", "admin", by="admin")
    at = at.run()
    assert not at.text and [ti.label for ti in at.text_input] == ["User name", "Password"]


# ------------------------------------------------------------------ OpenID Connect (st.login)
OIDC_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                         "client_id": "plantkpi", "client_secret": "s",
                         "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}}


def oidc_frame(user: dict) -> AppTest:
    at = AppTest.from_string(FRAME, default_timeout=TIMEOUT)
    at.secrets = OIDC_SECRETS
    at.user = user
    return at.run()


def test_oidc_offers_single_sign_on_beside_the_password_form(accounts):
    at = oidc_frame({"is_logged_in": False})
    assert [b.label for b in at.button][0] == "Sign in with SSO"
    assert [ti.label for ti in at.text_input] == ["User name", "Password"]
    assert not at.text


def test_oidc_identity_maps_to_the_account_of_the_same_e_mail(accounts):
    create_user(accounts, "wang@example.com", "fallback-password", "clerk", "quality", by="root")
    at = oidc_frame({"is_logged_in": True, "email": "wang@example.com", "name": "Wang"})
    assert at.text[0].value == "signed in: wang@example.com / clerk / en"


def test_oidc_identity_without_account_is_refused(accounts):
    at = oidc_frame({"is_logged_in": True, "email": "**stranger**@example.com"})
    assert not at.text
    assert at.warning[0].value == t("auth.login.oidc_unknown", name=plain("**stranger**@example.com"))


# ------------------------------------------------------------------ admin: users
def test_users_page_shows_html_and_markdown_names_as_text(accounts):
    at = page("admin_users.py", ROOT_USER)
    assert not at.exception
    names = at.dataframe[0].value["User"].tolist()
    assert sorted(names) == sorted(["root", SCRIPT_NAME, MARKDOWN_NAME])
    # Reset the password of the Markdown-named user: the confirmation shows the name literally.
    at.selectbox(key="edit_user").set_value(MARKDOWN_NAME).run()
    at.text_input(key="reset_password_value").input("brand-new-password")
    at.button(key="FormSubmitter:reset_password-Reset password").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"Password of {plain(MARKDOWN_NAME)} reset."
    assert r"\*\*bold\*\* \[link\]\(http\:\/\/x\)" in at.success[0].value
    # No Markdown-rendered element carries the raw names (which would render as bold / a link / HTML).
    assert not [v for v in rendered_markdown(at) if MARKDOWN_NAME in v or SCRIPT_NAME in v]
    assert authenticate(accounts, MARKDOWN_NAME, "brand-new-password").ok
    assert json.loads(read_audit(accounts, user="root")[0]["detail"][0]) == {"op": "password", "name": MARKDOWN_NAME}


def test_users_page_adds_a_clerk_only_with_a_department(accounts):
    at = page("admin_users.py", ROOT_USER)
    at.text_input(key="add_name").input("<b>wei</b>")
    at.selectbox(key="add_role").set_value("clerk")
    at.text_input(key="add_password").input("wei-password")
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert at.error[0].value.startswith("A clerk belongs to one department")
    assert "<b>wei</b>" not in [u.name for u in list_users(accounts)]

    at.selectbox(key="add_department").set_value("quality")
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert not at.error
    assert at.success[0].value == r"User \<b\>wei\<\/b\> added."
    assert at.text_input(key="add_name").value == "" and at.text_input(key="add_password").value == ""
    assert "<b>wei</b>" in at.dataframe[0].value["User"].tolist()
    (wei,) = [u for u in list_users(accounts) if u.name == "<b>wei</b>"]
    assert (wei.role, wei.department) == ("clerk", "quality")


def test_users_page_changes_role_and_deletes_a_user(accounts):
    at = page("admin_users.py", ROOT_USER)
    at.selectbox(key="edit_user").set_value(SCRIPT_NAME).run()
    at.selectbox(key=f"edit_role_{SCRIPT_NAME}").set_value("clerk")
    at.selectbox(key=f"edit_department_{SCRIPT_NAME}").set_value("sales")
    at.button(key="FormSubmitter:edit_role-Save role and department").click().run()
    assert at.success[0].value == f"Role of {plain(SCRIPT_NAME)} saved."
    assert at.dataframe[0].value.set_index("User").loc[SCRIPT_NAME, "Department"] == "Sales"

    at.selectbox(key="edit_user").set_value(SCRIPT_NAME).run()
    at.button(key="FormSubmitter:delete_user-Delete user").click().run()  # not confirmed: nothing happens
    assert SCRIPT_NAME in at.dataframe[0].value["User"].tolist()
    at.checkbox(key=f"delete_confirm_{SCRIPT_NAME}").check()
    at.button(key="FormSubmitter:delete_user-Delete user").click().run()
    assert not at.exception
    assert at.success[0].value == f"User {plain(SCRIPT_NAME)} deleted."
    assert SCRIPT_NAME not in at.dataframe[0].value["User"].tolist()
    ops = [json.loads(d)["op"] for d in read_audit(accounts, user="root")[0]["detail"]]
    assert ops[:2] == ["delete", "role"]


def test_users_page_warns_about_demo_accounts(db):
    auth.ensure_demo_accounts(db)
    at = page("admin_users.py", CurrentUser("admin", "admin", None, "en"))
    assert "DEMO ONLY" in at.warning[0].value and "clerk\\-production" in at.warning[0].value
    assert at.dataframe[0].value["Demo account"].all()


def test_users_page_unlocks_a_locked_account(accounts):
    for _ in range(5):
        authenticate(accounts, "root", "wrong")
    at = page("admin_users.py", CurrentUser("root", "admin", None, "en"))
    assert at.dataframe[0].value.set_index("User").loc["root", "Status"].startswith("locked until")
    at.button(key="unlock").click().run()
    assert at.success[0].value == "root unlocked."
    assert at.dataframe[0].value.set_index("User").loc["root", "Status"] == "active"


def test_admin_pages_refuse_non_admins(accounts):
    for file in ("admin_users.py", "admin_audit.py"):
        at = page(file, CurrentUser("someone", "manager", None, "en"))
        assert [e.value for e in at.error] == ["This page is for admins."]
        assert not at.dataframe


def test_users_page_in_chinese(accounts):
    # The frame (app.py) sets the language before the page runs; do the same here.
    script = f"import runpy\nfrom dashboard.i18n import set_lang\nset_lang('zh')\nrunpy.run_path({str(ROOT / 'pages' / 'admin_users.py')!r})"
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    at.session_state[SESSION_USER] = ROOT_USER
    at.run()
    assert at.title[0].value == "用户与角色"
    assert {"用户", "角色", "部门"} <= set(at.dataframe[0].value.columns)
    assert at.dataframe[0].value.set_index("用户").loc[SCRIPT_NAME, "部门"] == "生产部"


# ------------------------------------------------------------------ admin: audit log
def test_audit_page_lists_filters_and_has_no_edit_controls(accounts):
    with accounts.begin() as conn:
        audit(conn, SCRIPT_NAME, "import", kind="production", batch_id=7, detail={"file": "=cmd|' /C calc'!A0"})
    at = page("admin_audit.py", ROOT_USER)
    assert not at.exception
    table = at.dataframe[0].value
    assert table.shape[0] == 4  # three accounts added (root by "test", two by root) and the import
    assert table["User"].tolist()[0] == SCRIPT_NAME  # newest first, shown as text
    assert table["Data kind"].tolist()[0] == "Production reports"  # the kind's label
    assert at.caption[1].value == "4 of 4 entries (newest first)."
    # Read-only: filters and a download, no editor, no text inputs, no buttons that change rows.
    assert not at.get("data_editor") and not at.text_input and not at.button
    assert [b.label for b in at.get("download_button")] == ["Download CSV"]

    at.selectbox(key="audit_user").set_value("root").run()
    assert at.dataframe[0].value["User"].tolist() == ["root", "root"]
    assert at.dataframe[0].value["Action"].tolist() == ["user account", "user account"]
    at.selectbox(key="audit_user").set_value(None)
    at.selectbox(key="audit_kind").set_value("production").run()
    assert at.dataframe[0].value["Batch"].tolist() == ["7"]  # text: an entry without a batch says "—", not None
    assert not [v for v in rendered_markdown(at) if SCRIPT_NAME in v]


def test_audit_csv_is_safe_for_spreadsheets():
    csv = spreadsheet_csv(pl.DataFrame({"user": ["=HYPERLINK(\"x\")", "王", "@sum"], "batch": [1, None, 3]}))
    assert csv.startswith("\ufeff".encode())
    assert csv.decode("utf-8-sig").splitlines() == ["user,batch", "\"'=HYPERLINK(\"\"x\"\")\",1", "王,", "'@sum,3"]
