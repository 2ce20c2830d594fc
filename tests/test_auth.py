"""Accounts, lock-out, permissions below the UI, the append-only audit log and `plantkpi user add`
(issue 7), on SQLite and PostgreSQL. (`plantkpi user ...`: tests/test_cli_accounts.py.)"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

import dashboard.auth as auth
from dashboard.auth import AuthProblem, authenticate, change_role, create_user, ensure_demo_accounts, \
    list_users, reset_password, save_language, unlock_user
from data_access.audit_log import audit_guard_suspended, read_audit
from data_access.db import data_version, write_transaction
from data_access.permissions import PermissionDenied, database_owner, ensure_can_write
from data_access.store import audit, insert_rows, new_batch

OWNER = database_owner()  # acts on accounts as the CLI does

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_database(request, tmp_path_factory):
    """One migrated database per backend for this module (creating one per test costs seconds)."""
    from tests.conftest import make_database

    engine, drop = make_database(request.param, tmp_path_factory.mktemp("auth"))
    yield engine
    drop()


@pytest.fixture
def engine(shared_database):
    """Overrides conftest's `engine`: the module's database, emptied of what these tests write."""
    with shared_database.begin() as conn, audit_guard_suspended(conn):
        for table in ("inspections", "batches", "audit_log", "users"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    return shared_database


@pytest.fixture(autouse=True)
def quick_hasher(monkeypatch):
    """Argon2id with small costs: same algorithm and format, a fraction of the time."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def user_audit(engine) -> list[dict]:
    frame, _ = read_audit(engine, action="user")
    return [json.loads(d) for d in frame["detail"].to_list()]


# ------------------------------------------------------------------ passwords
def test_password_is_stored_as_argon2_hash_never_in_clear(engine):
    create_user(engine, "alice", "correct horse 42", "manager", by=OWNER)
    stored = scalar(engine, "SELECT password_hash FROM users WHERE name = 'alice'")
    assert stored.startswith("$argon2id$")
    assert "correct horse 42" not in stored
    # Neither the audit trail nor any other table holds the password.
    with engine.connect() as conn:
        audit_text = " ".join(r.detail for r in conn.execute(sa.text("SELECT detail FROM audit_log")))
    assert "correct horse" not in audit_text and "$argon2" not in audit_text
    assert user_audit(engine) == [{"op": "add", "name": "alice", "role": "manager", "department": None,
                                   "demo": False}]


def test_default_hasher_uses_recommended_argon2id_costs():
    # The production hasher (not the quick one of these tests): argon2id, 64 MiB, 3 passes.
    assert PasswordHasher().hash("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_right_password_signs_in_and_wrong_one_counts(engine):
    create_user(engine, "bob", "s3cret-pass", "clerk", "production", by=OWNER)
    assert authenticate(engine, "bob", "s3cret-pass", now=T0).user == auth.CurrentUser("bob", "clerk", "production", "en")
    for expected in (1, 2):
        result = authenticate(engine, "bob", "wrong", now=T0)
        assert not result.ok and result.problem.key == "auth.login.bad_credentials"
        assert scalar(engine, "SELECT failed_logins FROM users WHERE name = 'bob'") == expected
    # A success resets the count.
    assert authenticate(engine, "bob", "s3cret-pass", now=T0).ok
    assert scalar(engine, "SELECT failed_logins FROM users WHERE name = 'bob'") == 0


def test_unknown_user_gets_the_same_message_as_a_wrong_password(engine):
    create_user(engine, "bob", "s3cret-pass", "manager", by=OWNER)
    unknown = authenticate(engine, "nobody", "s3cret-pass", now=T0)
    wrong = authenticate(engine, "bob", "nope", now=T0)
    assert unknown.problem.message("en") == wrong.problem.message("en") == "Wrong user name or password."
    assert unknown.problem.message("zh") == "用户名或密码错误。"


def test_five_failures_lock_for_15_minutes_then_the_lock_expires(engine):
    create_user(engine, "carol", "right-password", "executive", by=OWNER)
    for minute in range(4):
        assert authenticate(engine, "carol", "bad", now=T0 + timedelta(minutes=minute)).problem.key == \
            "auth.login.bad_credentials"
    fifth = authenticate(engine, "carol", "bad", now=T0 + timedelta(minutes=4))
    assert fifth.problem.key == "auth.login.locked"
    locked_until = T0 + timedelta(minutes=4 + 15)
    (carol,) = list_users(engine)
    assert carol.locked_until == locked_until and carol.is_locked(locked_until - timedelta(seconds=1))
    # While locked, even the right password is refused.
    assert authenticate(engine, "carol", "right-password", now=locked_until - timedelta(seconds=1)).problem.key == \
        "auth.login.locked"
    # The lock-out is in the audit trail.
    assert user_audit(engine)[0]["op"] == "locked"
    # After the period, the right password works again.
    assert authenticate(engine, "carol", "right-password", now=locked_until).ok
    assert scalar(engine, "SELECT locked_until FROM users WHERE name = 'carol'") is None


def test_expired_lock_gives_five_fresh_attempts(engine):
    create_user(engine, "dan", "right-password", "manager", by=OWNER)
    for i in range(5):
        authenticate(engine, "dan", "bad", now=T0)
    after = T0 + timedelta(minutes=16)
    for i in range(4):
        assert authenticate(engine, "dan", "bad", now=after).problem.key == "auth.login.bad_credentials"
    assert authenticate(engine, "dan", "bad", now=after).problem.key == "auth.login.locked"


def test_concurrent_wrong_passwords_all_count(engine):
    from concurrent.futures import ThreadPoolExecutor

    create_user(engine, "eve", "right-password", "manager", by=OWNER)
    with ThreadPoolExecutor(MAX := auth.MAX_FAILED_LOGINS) as pool:
        results = list(pool.map(lambda _: authenticate(engine, "eve", "guess", now=T0), range(MAX)))
    assert sorted(r.problem.key for r in results) == ["auth.login.bad_credentials"] * (MAX - 1) + ["auth.login.locked"]
    assert list_users(engine)[0].is_locked(T0)


def test_admin_unlock_and_password_reset_are_audited(engine):
    create_user(engine, "boss", "long-enough", "admin", by=OWNER)
    create_user(engine, "erin", "first-password", "manager", by=OWNER)
    for _ in range(5):
        authenticate(engine, "erin", "bad", now=T0)
    unlock_user(engine, "erin", by="boss")
    assert authenticate(engine, "erin", "first-password", now=T0).ok
    reset_password(engine, "erin", "second-password", by="boss")
    assert not authenticate(engine, "erin", "first-password", now=T0).ok
    assert authenticate(engine, "erin", "second-password", now=T0).ok
    frame, _ = read_audit(engine, user="boss")
    assert [json.loads(d)["op"] for d in frame["detail"]] == ["password", "unlock"]
    assert "second-password" not in " ".join(frame["detail"])


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("role, department, key", [
    ("clerk", None, "auth.error.clerk_department"),
    ("clerk", "canteen", "auth.error.department"),
    ("owner", None, "auth.error.role"),
])
def test_invalid_role_or_department_is_refused(engine, role, department, key):
    with pytest.raises(AuthProblem) as refused:
        create_user(engine, "frank", "long-enough", role, department, by=OWNER)
    assert refused.value.key == key
    assert list_users(engine) == []


def test_duplicate_name_and_short_password_are_refused(engine):
    create_user(engine, "gina", "long-enough", "manager", by=OWNER)
    with pytest.raises(AuthProblem, match="already exists"):
        create_user(engine, "gina", "other-password", "admin", by=OWNER)
    with pytest.raises(AuthProblem, match="at least 8"):
        create_user(engine, "hank", "short", "manager", by=OWNER)
    assert [u.name for u in list_users(engine)] == ["gina"]


def test_role_change_is_audited_and_the_last_admin_stays(engine):
    create_user(engine, "root", "long-enough", "admin", by=OWNER)
    create_user(engine, "ivy", "long-enough", "clerk", "quality", by=OWNER)
    change_role(engine, "ivy", "clerk", "production", by="root")
    assert user_audit(engine)[0] == {"op": "role", "name": "ivy", "before": {"role": "clerk", "department": "quality"},
                                     "after": {"role": "clerk", "department": "production"}}
    with pytest.raises(AuthProblem) as refused:
        change_role(engine, "root", "manager", None, by="root")
    assert refused.value.key == "auth.error.last_admin"


def test_delete_user_keeps_audit_and_refuses_self_and_last_admin(engine):
    create_user(engine, "root", "long-enough", "admin", by=OWNER)
    create_user(engine, "lee", "long-enough", "clerk", "sales", by="root")
    with pytest.raises(AuthProblem) as refused:
        auth.delete_user(engine, "root", by="root")
    assert refused.value.key == "auth.error.delete_self"
    with pytest.raises(PermissionDenied):  # a clerk manages no accounts
        auth.delete_user(engine, "root", by="lee")
    with pytest.raises(AuthProblem) as refused:  # only the owner can get this far with the last admin
        auth.delete_user(engine, "root", by=OWNER)
    assert refused.value.key == "auth.error.last_admin"
    auth.delete_user(engine, "lee", by="root")
    assert [u.name for u in list_users(engine)] == ["root"]
    assert not authenticate(engine, "lee", "long-enough", now=T0).ok
    assert [d["op"] for d in user_audit(engine) if d["name"] == "lee"] == ["delete", "add"]


def test_language_is_remembered_per_user(engine):
    create_user(engine, "jun", "long-enough", "manager", by=OWNER)
    save_language(engine, "jun", "zh")
    assert authenticate(engine, "jun", "long-enough", now=T0).user.lang == "zh"
    assert auth.get_user(engine, "jun").lang == "zh"
    with pytest.raises(AuthProblem):
        save_language(engine, "jun", "fr")


def test_demo_accounts_one_per_role_marked_demo(engine):
    lines = ensure_demo_accounts(engine)
    assert "DEMO ONLY" in lines[0] and "DEMO ONLY" in lines[-1] and auth.DEMO_PASSWORD in lines[0]
    users = {u.name: u for u in list_users(engine)}
    assert {u.role for u in users.values()} == set(auth.ROLES)
    assert all(u.demo for u in users.values())
    assert users["clerk-production"].department == "production"
    assert users["clerk-quality"].department == "quality"
    assert authenticate(engine, "admin", auth.DEMO_PASSWORD, now=T0).user.role == "admin"
    # Idempotent: a second run creates nothing and keeps the accounts.
    again = ensure_demo_accounts(engine)
    assert len(list_users(engine)) == len(users) and "exists already" in again[1]


# ------------------------------------------------------------------ permissions below the UI
INSPECTION = {"date": date(2026, 3, 2), "stage": "final", "lot_no": "L-1", "item_code": "P-1",
              "inspected_qty": 100, "passed_first_qty": 98, "rejected_qty": 2}


def write_inspection(engine, user: str) -> None:
    """A write the way ingestion does it: batch, rows, audit, permission check, one transaction."""
    with write_transaction(engine) as conn:
        batch_id = new_batch(conn, "inspections", user, "form")
        insert_rows(conn, "inspections", [INSPECTION], batch_id)
        audit(conn, user, "form", kind="inspections", batch_id=batch_id)
        ensure_can_write(conn, user, "inspections")


def test_production_clerk_cannot_write_quality_data_and_nothing_changes(engine):
    create_user(engine, "pat", "long-enough", "clerk", "production", by=OWNER)
    create_user(engine, "quinn", "long-enough", "clerk", "quality", by=OWNER)
    version = data_version(engine)
    audit_rows = scalar(engine, "SELECT COUNT(*) FROM audit_log")
    with pytest.raises(PermissionDenied) as denied:
        write_inspection(engine, "pat")
    assert denied.value.reason_key == "other_department"
    assert scalar(engine, "SELECT COUNT(*) FROM inspections") == 0
    assert scalar(engine, "SELECT COUNT(*) FROM batches") == 0
    assert scalar(engine, "SELECT COUNT(*) FROM audit_log") == audit_rows
    assert data_version(engine) == version
    # The quality clerk writes the same row through the same path.
    write_inspection(engine, "quinn")
    assert scalar(engine, "SELECT COUNT(*) FROM inspections") == 1
    assert data_version(engine) == version + 1


@pytest.mark.parametrize("role, department, allowed", [
    ("admin", None, True), ("clerk", "quality", True), ("clerk", "production", False),
    ("manager", None, False), ("executive", None, False),
])
def test_who_may_write_quality_data(engine, role, department, allowed):
    create_user(engine, "someone", "long-enough", role, department, by=OWNER)
    with engine.begin() as conn:
        if allowed:
            ensure_can_write(conn, "someone", "inspections")
        else:
            with pytest.raises(PermissionDenied):
                ensure_can_write(conn, "someone", "inspections")
        with pytest.raises(PermissionDenied) as unknown:  # once accounts exist, strangers may not write
            ensure_can_write(conn, "stranger", "inspections")
    assert unknown.value.reason_key == "unknown_user"


def test_writable_kinds_per_role():
    from data_access.permissions import writable_kinds

    assert writable_kinds("clerk", "quality") == ["inspections"]
    assert writable_kinds("clerk", "production") == ["production", "scrap", "downtime", "work_tickets"]
    assert writable_kinds("clerk", "finance") == ["costs", "invoices", "payments"]
    assert "wage_rates" in writable_kinds("clerk", "hr") and "invoices" not in writable_kinds("clerk", "sales")
    assert writable_kinds("manager", None) == writable_kinds("executive", None) == []
    from data_access.kinds import KINDS

    assert writable_kinds("admin", None) == list(KINDS)


# ------------------------------------------------------------------ append-only audit log
def test_audit_rows_cannot_be_updated_or_deleted(engine):
    with engine.begin() as conn:
        audit(conn, "someone", "import", kind="production", detail={"rows": 3})
    for statement in ("UPDATE audit_log SET \"user\" = 'other'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert scalar(engine, "SELECT \"user\" FROM audit_log") == "someone"


def test_restore_can_suspend_the_guard_for_its_own_transaction(engine):
    with engine.begin() as conn:
        audit(conn, "someone", "import")
    with engine.begin() as conn, audit_guard_suspended(conn):
        conn.execute(sa.text("DELETE FROM audit_log"))
    assert scalar(engine, "SELECT COUNT(*) FROM audit_log") == 0
    with engine.begin() as conn:
        audit(conn, "someone", "import")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):  # the guard is back
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM audit_log"))


def test_audit_filters(engine):
    with engine.begin() as conn:
        audit(conn, "ann", "import", kind="production", batch_id=1)
        audit(conn, "ann", "undo", kind="production", batch_id=1)
        audit(conn, "ben", "import", kind="scrap", batch_id=2)
    assert read_audit(engine, user="ann")[1] == 2
    assert read_audit(engine, action="import")[0]["user"].to_list() == ["ben", "ann"]
    assert read_audit(engine, kind="scrap")[0]["batch_id"].to_list() == [2]
    today = date.today()
    assert read_audit(engine, date_from=today, date_to=today)[1] == 3
    assert read_audit(engine, date_to=today - timedelta(days=1))[1] == 0
