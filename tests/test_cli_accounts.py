"""The command line's identity and `plantkpi user add|list|passwd|unlock|disable|enable|remove`
(issue 14 item 4, README "Command line"), on SQLite and PostgreSQL, through main(argv) and, for the parts that
depend on a real stdin, through a real subprocess.

- `import --user NAME` authenticates NAME when accounts exist (password from PLANTKPI_PASSWORD,
  a terminal prompt, or one line of stdin); without --user the CLI is the database owner.
- Every audit entry carries the operating-system user beside the account.
- A disabled account cannot sign in or write.
"""
from __future__ import annotations

import getpass
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

import dashboard.auth as auth
from dashboard.auth import authenticate, create_user, get_user
from dashboard.cli import main
from data_access.audit_log import read_audit
from data_access.db import write_transaction
from data_access.models import Batch, kind_table
from data_access.permissions import PermissionDenied, database_owner, ensure_can_write
from data_access.store import insert_rows, new_batch
from data_access.kinds import MASTER_KINDS
from tests.support.examples import example_rows

ROOT = Path(__file__).resolve().parents[1]
OS_USER = getpass.getuser()
OWNER = database_owner()  # acts on accounts as the CLI does
PRODUCTION_CSV = ("date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,"
                  "defect_qty,scrap_qty\n2026-01-05,A,INJ-01,P-1001,420,35,1000,980,950,20,10\n")


class Terminal(io.StringIO):
    """stdin as a terminal: read_password then prompts (getpass, patched below) instead of reading it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def db(engine, monkeypatch):
    """The conftest database (SQLite, PostgreSQL) as the CLI's database; quick Argon2 costs; no
    password in the environment; an empty stdin that is not a terminal."""
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.delenv("PLANTKPI_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return engine


def cli(monkeypatch, *argv: str, stdin: str | None = None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(argv))


def with_accounts(engine) -> None:
    create_user(engine, "root", "root-password", "admin", by=OWNER)
    create_user(engine, "pat", "pat-password", "clerk", "production", by=OWNER)


# ------------------------------------------------------------------ plantkpi user ...
def test_user_add_reads_the_password_from_stdin_when_it_is_not_a_terminal(db, monkeypatch, capsys):
    assert cli(monkeypatch, "user", "add", "kim", "--role", "clerk", "--department", "quality",
               stdin="from-a-pipe-123\n") == 0
    assert capsys.readouterr().out.strip() == "user kim created: clerk (quality)"
    assert authenticate(db, "kim", "from-a-pipe-123").user.department == "quality"
    [entry] = read_audit(db, action="user")[0].to_dicts()
    assert entry["user"] == f"owner:{OS_USER}" and entry["os_user"] == OS_USER
    assert "from-a-pipe-123" not in entry["detail"]


def test_user_add_on_a_terminal_asks_twice(db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", Terminal())
    typed = iter(["typed-password", "typo-password", "typed-password", "typed-password"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    assert cli(monkeypatch, "user", "add", "kim", "--role", "manager") == 2
    assert "The two passwords differ." in capsys.readouterr().err
    assert cli(monkeypatch, "user", "add", "kim", "--role", "manager") == 0
    assert authenticate(db, "kim", "typed-password").ok


def test_user_list_shows_every_account_and_its_state(db, monkeypatch, capsys):
    assert cli(monkeypatch, "user", "list") == 0
    assert capsys.readouterr().out.strip() == "no accounts: the app runs as a single-user admin"
    with_accounts(db)
    assert cli(monkeypatch, "user", "disable", "pat") == 0
    capsys.readouterr()
    assert cli(monkeypatch, "user", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "role", "department", "status", "failed", "sign-ins", "created"]
    assert lines[1].split()[:4] == ["root", "admin", "active", "0"]  # ordered by role, then name
    assert lines[2].split()[:5] == ["pat", "clerk", "production", "disabled", "0"]


def test_user_passwd_sets_a_new_password(db, monkeypatch, capsys):
    with_accounts(db)
    assert cli(monkeypatch, "user", "passwd", "pat", stdin="the-new-password\n") == 0
    assert capsys.readouterr().out.strip() == "password of pat changed"
    assert not authenticate(db, "pat", "pat-password").ok
    assert authenticate(db, "pat", "the-new-password").ok


def test_user_unlock_lifts_a_lock_out(db, monkeypatch, capsys):
    with_accounts(db)
    for _ in range(auth.MAX_FAILED_LOGINS):
        authenticate(db, "pat", "guess")
    assert authenticate(db, "pat", "pat-password").problem.key == "auth.login.locked"
    assert cli(monkeypatch, "user", "unlock", "pat") == 0
    assert authenticate(db, "pat", "pat-password").ok


def test_user_disable_stops_sign_in_and_writes_and_enable_restores_them(db, monkeypatch, capsys):
    with_accounts(db)
    assert cli(monkeypatch, "user", "disable", "pat") == 0
    assert capsys.readouterr().out.strip() == "user pat disabled: they can no longer sign in or write"
    refused = authenticate(db, "pat", "pat-password")
    assert not refused.ok and refused.problem.message() == "This account is disabled. Ask an admin to enable it."
    assert authenticate(db, "pat", "wrong").problem.key == "auth.login.bad_credentials"  # says nothing more
    assert get_user(db, "pat") is None  # the app's re-read on every rerun signs a session out
    with db.connect() as conn, pytest.raises(PermissionDenied) as denied:
        ensure_can_write(conn, "pat", "production")
    assert denied.value.reason_key == "disabled"
    assert cli(monkeypatch, "user", "enable", "pat") == 0
    assert authenticate(db, "pat", "pat-password").ok
    ops = [json.loads(d)["op"] for d in read_audit(db, action="user")[0]["detail"].to_list()]
    assert ops[:2] == ["enable", "disable"]  # newest first


def test_the_last_enabled_admin_cannot_be_disabled(db, monkeypatch, capsys):
    with_accounts(db)
    assert cli(monkeypatch, "user", "disable", "root") == 2
    assert "root is the last enabled admin" in capsys.readouterr().err
    assert authenticate(db, "root", "root-password").ok


def test_user_remove_deletes_the_account(db, monkeypatch, capsys):
    with_accounts(db)
    assert cli(monkeypatch, "user", "remove", "pat") == 0
    assert capsys.readouterr().out.strip() == "user pat removed (their audit entries stay)"
    assert get_user(db, "pat") is None and not authenticate(db, "pat", "pat-password").ok
    assert cli(monkeypatch, "user", "remove", "root") == 2  # the last admin
    assert "last admin" in capsys.readouterr().err


@pytest.mark.parametrize("argv, stdin, message", [
    (["user", "passwd", "nobody"], "long-enough-1\n", "There is no user named 'nobody'."),
    (["user", "unlock", "nobody"], None, "There is no user named 'nobody'."),
    (["user", "disable", "nobody"], None, "There is no user named 'nobody'."),
    (["user", "remove", "nobody"], None, "There is no user named 'nobody'."),
    (["user", "add", "kim", "--role", "boss"], "long-enough-1\n", "Unknown role 'boss'. Roles: admin, executive"),
    (["user", "add", "kim", "--role", "clerk"], "long-enough-1\n", "give --department"),
    (["user", "add", "kim", "--role", "manager"], "\n", "The password must have at least 8 characters."),
    (["user", "add", "kim", "--role", "manager"], "", "no password given"),
    (["user", "add", "root", "--role", "manager"], "long-enough-1\n", "A user named 'root' already exists."),
    (["user", "add", "  ", "--role", "manager"], "long-enough-1\n", "The user name is empty."),
])
def test_bad_input_is_refused_with_a_clear_message_and_exit_2(db, monkeypatch, capsys, argv, stdin, message):
    with_accounts(db)
    before = [(u.name, u.role, u.failed_logins) for u in auth.list_users(db)]
    assert cli(monkeypatch, *argv, stdin=stdin) == 2
    assert message in capsys.readouterr().err
    assert [(u.name, u.role, u.failed_logins) for u in auth.list_users(db)] == before


def test_refusals_in_chinese(db, monkeypatch, capsys):
    assert cli(monkeypatch, "user", "unlock", "nobody", "--lang", "zh") == 2
    assert "没有名为“nobody”的用户。" in capsys.readouterr().err


# ------------------------------------------------------------------ import: as an account or as the owner
@pytest.fixture
def plant(db):
    rows = example_rows()
    with write_transaction(db) as conn:
        for name in (kind.name for kind in MASTER_KINDS):  # in the order of their references
            insert_rows(conn, name, rows[name], new_batch(conn, name, "seed", "seed"))
    return db


def batches(engine) -> list[tuple[str, str]]:
    table = Batch.__table__
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(table.c.kind, table.c.user).where(table.c.source == "cli"))]


def test_import_as_an_account_needs_its_password(plant, monkeypatch, capsys, tmp_path):
    with_accounts(plant)
    path = tmp_path / "p.csv"
    path.write_text(PRODUCTION_CSV)
    assert cli(monkeypatch, "import", "production", str(path), "--user", "pat", stdin="wrong-password\n") == 2
    assert "plantkpi: --user pat: Wrong user name or password." in capsys.readouterr().err
    assert batches(plant) == [] and auth.list_users(plant)[-1].failed_logins == 1  # counts towards the lock-out
    monkeypatch.setenv("PLANTKPI_PASSWORD", "pat-password")
    assert cli(monkeypatch, "import", "production", str(path), "--user", "pat") == 0
    assert batches(plant) == [("production", "pat")]
    [entry] = read_audit(plant, action="import")[0].to_dicts()
    assert (entry["user"], entry["os_user"]) == ("pat", OS_USER)


def test_import_as_an_account_of_another_department_is_refused(plant, monkeypatch, capsys, tmp_path):
    with_accounts(plant)
    create_user(plant, "quinn", "quinn-password", "clerk", "quality", by=OWNER)
    path = tmp_path / "p.csv"
    path.write_text(PRODUCTION_CSV)
    assert cli(monkeypatch, "import", "production", str(path), "--user", "quinn", stdin="quinn-password\n") == 2
    assert "quinn may only write the data of their own department" in capsys.readouterr().out
    with plant.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(kind_table("production"))).scalar() == 0


def test_import_without_user_acts_as_the_database_owner(plant, monkeypatch, capsys, tmp_path):
    with_accounts(plant)
    path = tmp_path / "p.csv"
    path.write_text(PRODUCTION_CSV)
    assert cli(monkeypatch, "import", "production", str(path)) == 0
    assert batches(plant) == [("production", f"owner:{OS_USER}")]
    [entry] = read_audit(plant, action="import")[0].to_dicts()
    assert entry["os_user"] == OS_USER


# ------------------------------------------------------------------ a real process and a real pipe
def run(tmp_path, *argv: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PLANTKPI_PASSWORD"}
    environment |= {"PYTHONPATH": str(ROOT), "PLANTKPI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"} | (env or {})
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *argv], input=stdin, capture_output=True,
                          text=True, env=environment, cwd=tmp_path, timeout=120)


def test_user_commands_in_a_real_process(tmp_path):
    """`user add` without a terminal used to die with EOFError; now a piped line is the password."""
    done = run(tmp_path, "user", "add", "root", "--role", "admin", stdin="piped-password\n")
    assert (done.returncode, done.stdout.strip()) == (0, "user root created: admin")
    done = run(tmp_path, "user", "add", "kim", "--role", "manager")  # stdin empty: a message, not EOFError
    assert done.returncode == 2 and "no password given" in done.stderr and "Traceback" not in done.stderr
    done = run(tmp_path, "user", "add", "kim", "--role", "manager", env={"PLANTKPI_PASSWORD": "from-environment"})
    assert done.returncode == 0
    listed = run(tmp_path, "user", "list")
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["root", "kim"]
    assert run(tmp_path, "user", "disable", "kim").returncode == 0
    assert run(tmp_path, "user", "passwd", "kim", stdin="another-password\n").returncode == 0
    assert run(tmp_path, "user", "unlock", "kim").returncode == 0
    assert run(tmp_path, "user", "enable", "kim").returncode == 0
    assert run(tmp_path, "user", "remove", "kim").returncode == 0
    gone = run(tmp_path, "user", "remove", "kim")
    assert gone.returncode == 2 and "There is no user named 'kim'." in gone.stderr


# ------------------------------------------------------------------ what the app shows of it
FRAME = """
import streamlit as st
from dashboard.ui.login import require_login
from data_access.db import get_engine

user = require_login(get_engine())
st.text("signed in: " + user.name)
"""


def test_a_disabled_account_is_refused_at_sign_in_and_a_signed_in_one_is_signed_out(db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    with_accounts(db)
    signed_in = AppTest.from_string(FRAME, default_timeout=30).run()
    signed_in.text_input(key="_plantkpi_login_name").input("pat")
    signed_in.text_input(key="_plantkpi_login_password").input("pat-password")
    signed_in.button[0].click().run()
    assert signed_in.text[0].value == "signed in: pat"
    assert cli(monkeypatch, "user", "disable", "pat") == 0
    signed_in.run()  # the next rerun re-reads the account
    assert not signed_in.text and signed_in.text_input(key="_plantkpi_login_name") is not None
    fresh = AppTest.from_string(FRAME, default_timeout=30).run()
    fresh.text_input(key="_plantkpi_login_name").input("pat")
    fresh.text_input(key="_plantkpi_login_password").input("pat-password")
    fresh.button[0].click().run()
    assert [e.value for e in fresh.error] == ["This account is disabled. Ask an admin to enable it."]
    assert not fresh.text


def test_the_audit_page_shows_the_operating_system_user_beside_the_account(plant, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from dashboard.auth import CurrentUser
    from dashboard.ui.login import SESSION_USER

    with_accounts(plant)
    path = tmp_path / "p.csv"
    path.write_text(PRODUCTION_CSV)
    assert cli(monkeypatch, "import", "production", str(path), "--user", "pat", stdin="pat-password\n") == 0
    at = AppTest.from_file(str(ROOT / "pages" / "admin_audit.py"), default_timeout=30)
    at.session_state[SESSION_USER] = CurrentUser("root", "admin", None, "en")
    at.run()
    assert not at.exception
    newest = at.dataframe[0].value.iloc[0]
    assert (newest["User"], newest["OS user"], newest["Action"]) == ("pat", OS_USER, "import (upload or CLI)")


def test_the_users_page_disables_and_enables_an_account(db):
    from streamlit.testing.v1 import AppTest

    from dashboard.auth import CurrentUser
    from dashboard.ui.login import SESSION_USER

    with_accounts(db)
    at = AppTest.from_file(str(ROOT / "pages" / "admin_users.py"), default_timeout=30)
    at.session_state[SESSION_USER] = CurrentUser("root", "admin", None, "en")
    at.run()
    assert at.selectbox(key="edit_user").value == "root"
    assert all(b.key != "disable_toggle" for b in at.button)  # not yourself
    at.selectbox(key="edit_user").set_value("pat").run()
    at.button(key="disable_toggle").click().run()
    assert not at.exception and at.success[0].value == "pat disabled."
    assert at.dataframe[0].value.set_index("User").loc["pat", "Status"] == "disabled"
    assert authenticate(db, "pat", "pat-password").problem.key == "auth.login.disabled"
    at.selectbox(key="edit_user").set_value("pat").run()
    assert at.button(key="disable_toggle").label == "Enable again"
    at.button(key="disable_toggle").click().run()
    assert authenticate(db, "pat", "pat-password").ok
