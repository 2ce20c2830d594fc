"""Every write in data_access, and every account write in dashboard.auth, checks its caller below
the UI (issue 14 item 3).

The walk: the source of every data_access module and of dashboard/auth.py is read (ast) and every
function that writes is
found — it opens a write transaction or `engine.begin()`, builds INSERT/UPDATE/DELETE, runs write
SQL text, or calls a function that does (followed through the whole package, to a fixed point).
Each public one must either have a probe here, which calls it as callers without the right role
or department and proves they are refused with nothing written (and that the right caller is let
through, so the refusal is not an accident of bad arguments), or stand on the allow-list below
with the reason it is not a write on behalf of a user. A new write function fails this test until
it gets one or the other; a stale entry fails it too.

Accounts on every backend: root (admin), pat (production clerk), quinn (quality clerk), mia
(manager), dora (admin, disabled), sam (sales clerk: the account the account probes change);
"ghost" has no account.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard import auth
from dashboard.i18n import MESSAGES, t
from data_access.backup import KEY_ENV, KEY_FILE_ENV, backup, restore, tables
from data_access.commentary import save_commentary
from data_access.exception_acks import acknowledge_exception
from data_access.db import data_version
from data_access.ingest import apply_edits, import_upload, recent_rows, save_preset, submit_record, undo_batch
from data_access.ingest.commit import run_pipeline
from data_access.ingest.read import read_upload
from data_access.models import User, utcnow
from data_access.permissions import PermissionDenied, database_owner
from data_access.subscriptions import add_subscription, list_subscriptions, remove_subscription
from data_access.store import insert_rows, new_batch
from data_access.db import write_transaction
from data_access.kinds import MASTER_KINDS
from tests.support.examples import example_row, example_rows

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = [("root", "admin", None, False), ("pat", "clerk", "production", False),
            ("quinn", "clerk", "quality", False), ("mia", "manager", None, False), ("dora", "admin", None, True),
            ("sam", "clerk", "sales", False)]
SCANNED = [*sorted((ROOT / "data_access").rglob("*.py")), ROOT / "dashboard" / "auth.py"]

# ------------------------------------------------------------------ finding the writes
_SQL_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|LOCK|COPY)\b", re.I)
_WRITING_CALLS = {"begin", "exec_driver_sql", "executemany", "upgrade"}  # engine.begin(), DDL, bulk, migrations
_STATEMENTS = {"insert", "update", "delete"}  # sa.insert(...), table.delete()
# Not writes, and not followed: building an engine (its connect hook sets SQLite pragmas).
NOT_WRITES = {"data_access.db.get_engine", "data_access.db._engine_for", "data_access.db._sqlite_engine"}


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[f"{module}.{node.name}"] = node
        elif isinstance(node, ast.ClassDef):
            out.update({f"{module}.{node.name}.{sub.name}": sub for sub in node.body
                        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef))})
    return out


def _writes_itself(fn: ast.AST) -> bool:
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
        if name == "write_transaction" or (isinstance(f, ast.Attribute) and name in _WRITING_CALLS):
            return True
        if name in _STATEMENTS and isinstance(f, ast.Attribute) and (
                isinstance(f.value, ast.Name) and f.value.id == "sa" or not node.args and not node.keywords):
            return True
        if name in ("text", "exec_driver_sql", "execute"):
            for arg in node.args:
                first = arg.values[0] if isinstance(arg, ast.JoinedStr) and arg.values else arg
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and _SQL_WRITE.match(first.value):
                    return True
    return False


def _called(fn: ast.AST) -> set[str]:
    return {n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id for n in ast.walk(fn)
            if isinstance(n, ast.Call) and isinstance(n.func, (ast.Attribute, ast.Name))}


def discover_writes() -> set[str]:
    """Qualified names of the public data_access and dashboard.auth functions that write (directly
    or through others)."""
    found: dict[str, ast.AST] = {}
    for path in SCANNED:
        found.update(_functions(path))
    writers = {q for q, fn in found.items() if q not in NOT_WRITES and _writes_itself(fn)}
    while True:
        names = {q.rsplit(".", 1)[1] for q in writers}
        more = {q for q, fn in found.items() if q not in writers | NOT_WRITES and _called(fn) & names}
        if not more:
            break
        writers |= more
    return {q for q in writers if not any(part.startswith("_") for part in q.split(".")[1:])}


# ------------------------------------------------------------------ what is not a user's write, and why
MIGRATIONS = "data_access.migrations."  # schema changes: `plantkpi init` / init_db, as the database owner
ALLOWED = {
    "data_access.db.write_transaction": "the transaction primitive: takes no caller; every function that opens "
                                        "one is itself found by this walk",
    "data_access.db.bump_version": "the data-version bump inside the caller's write transaction",
    "data_access.db.init_db": "creates or migrates the schema (database owner: `plantkpi init`, app start)",
    "data_access.store.new_batch": "row primitive on the caller's transaction; its callers are found and probed",
    "data_access.store.finish_batch": "row primitive on the caller's transaction; its callers are found and probed",
    "data_access.store.insert_rows": "row primitive on the caller's transaction; its callers are found and probed",
    "data_access.ingest.bulk.bulk_insert": "row primitive (COPY / executemany) on the caller's transaction; its "
                                           "callers are found and probed",
    "data_access.ingest.bulk.executemany_rows": "as bulk_insert",
    "data_access.store.audit": "appends the audit entry of a write already checked by its caller",
    "data_access.users.insert_user": "account row primitive on the caller's transaction; account policy is "
                                     "dashboard.auth's (admin page behind require_admin, CLI as database owner)",
    "data_access.users.update_user": "account row primitive (as insert_user); also sign-in bookkeeping",
    "data_access.users.delete_user": "account row primitive (as insert_user)",
    "data_access.audit_log.install_audit_guard": "DDL of the append-only guard: migrations and restore",
    "data_access.audit_log.remove_audit_guard": "DDL of the append-only guard: migration downgrade",
    "data_access.audit_log.audit_guard_suspended": "used only inside restore's transaction, after its admin check",
    "data_access.backup.backup": "reads the database (a transaction only for one consistent snapshot); "
                                 "writes the backup file, not the database",
    "data_access.backup.backup_bytes": "as backup, into memory",
    "data_access.backup.write_backup": "as backup",
    "data_access.backup.inspect_backup": "reads a file; migrates only a private in-memory scratch database",
    "data_access.backup.tables_of_revision": "migrates a private in-memory scratch database to list a "
                                             "revision's tables",
    "data_access.ingest.commit.check_upload": "run_pipeline with write=False: validation only, no write "
                                              "transaction",
    "data_access.subscriptions.claim_delivery": "the notifier's own bookkeeping (plantkpi notify, database owner): "
                                                "which mail was sent, no user's data",
    "data_access.subscriptions.finish_delivery": "as claim_delivery",
    "data_access.sessions.create_session": "sign-in bookkeeping, after dashboard.auth checked the password",
    "data_access.sessions.revoke_session": "sign-out of the session the caller holds the token of",
    "data_access.sessions.revoke_user_sessions": "ends an account's sessions when an admin disables it or "
                                                 "resets its password (account policy is dashboard.auth's)",
    "dashboard.auth.authenticate": "sign-in: the password is the check; records failed attempts and the lock-out",
    "dashboard.auth.save_language": "the signed-in user's own language preference: no data, not audited",
    "dashboard.auth.start_session": "sign-in bookkeeping, after authenticate checked the password",
    "dashboard.auth.end_session": "sign-out of the session the caller holds the token of",
    "dashboard.auth.session_user": "revokes the session it was handed when its account is disabled or its "
                                   "password changed",
    "dashboard.auth.ensure_demo_accounts": "`plantkpi init --demo`: creates the demo accounts through create_user "
                                           "as the database owner (create_user is probed)",
}


def test_every_write_function_is_probed_or_allowed_with_a_reason():
    found = {q for q in discover_writes() if not q.startswith(MIGRATIONS)}
    # the walk really finds writes (a broken walk finding nothing must not pass)
    assert {"data_access.ingest.commit.import_upload", "data_access.commentary.save_commentary",
            "data_access.ingest.headers.save_preset", "data_access.backup.restore", "dashboard.auth.create_user"} <= found
    unaccounted = found - set(PROBES) - set(ALLOWED)
    assert not unaccounted, f"writes without a permission probe or a reason: {sorted(unaccounted)}"
    stale = (set(PROBES) | set(ALLOWED)) - found
    assert not stale, f"listed but no longer found as writes: {sorted(stale)}"


# ------------------------------------------------------------------ the probes
PRODUCTION_CSV = ("date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,"
                  "defect_qty,scrap_qty\n2026-01-05,A,INJ-01,P-1001,420,35,1000,980,950,20,10\n").encode()


def _stored_production_id(engine: Engine) -> int:
    return int(recent_rows(engine, "production", limit=1)["id"][0])


def _pat_batch(engine: Engine) -> int:
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "production", "pat", "form")
        insert_rows(conn, "production", [{**example_row("production"), "shift": "U"}], batch)
    return batch


def _wrote(result) -> bool:
    """Did the call write? ImportResult.written, UndoResult.ok, an exit code 0, or no exception."""
    if hasattr(result, "written"):
        return result.written
    if hasattr(result, "ok"):
        return result.ok
    if isinstance(result, int):
        return result == 0
    return True


# name -> (callers refused, the caller let through, call(engine, tmp_path, caller) -> result)
PROBES: dict[str, tuple[tuple[str, ...], str, Callable]] = {
    "data_access.ingest.commit.import_upload": (
        ("quinn", "mia", "dora", "ghost"), "pat",
        lambda e, tmp, who: import_upload(e, "production", PRODUCTION_CSV, "p.csv", who)),
    "data_access.ingest.commit.run_pipeline": (
        ("quinn", "mia", "dora", "ghost"), "pat",
        lambda e, tmp, who: run_pipeline(e, "production", lambda: read_upload(PRODUCTION_CSV, "p.csv", "production"),
                                         user=who)),
    "data_access.ingest.commit.submit_record": (
        ("quinn", "mia", "dora", "ghost"), "pat",
        lambda e, tmp, who: submit_record(e, "production", {**example_row("production"), "shift": "F"}, who)),
    "data_access.ingest.commit.apply_edits": (
        ("quinn", "mia", "dora", "ghost"), "pat",
        lambda e, tmp, who: apply_edits(e, "production", [{"id": _stored_production_id(e), "downtime_min": 30.0}], who)),
    "data_access.ingest.commit.undo_batch": (
        ("quinn", "mia", "dora", "ghost"), "pat",
        lambda e, tmp, who: undo_batch(e, max(b for b in _batches(e)), who)),
    "data_access.subscriptions.add_subscription": (  # pat's subscription: pat or an admin
        ("quinn", "mia", "dora", "ghost"), "pat",
        lambda e, tmp, who: _subscribe_pat(e, who)),
    "data_access.subscriptions.remove_subscription": (
        ("quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: remove_subscription(e, who, _pat_subscription(e))),
    "data_access.ingest.headers.save_preset": (
        ("quinn", "mia", "dora", "ghost", "pat@quality"), "pat",
        lambda e, tmp, who: save_preset(e, "quality" if who.endswith("@quality") else "production", "production",
                                        {"Datum": "date"}, user=who.split("@")[0])),
    "data_access.commentary.save_commentary": (
        ("pat", "quinn", "dora", "ghost"), "mia",
        lambda e, tmp, who: save_commentary(e, "2026-02", "Scrap up on INJ-01.", who)),
    "data_access.exception_acks.acknowledge_exception": (
        ("pat", "quinn", "dora", "ghost"), "mia",
        lambda e, tmp, who: _acknowledge(e, who)),
    # accounts: admins only (the database owner too, test below); each changes sam
    "dashboard.auth.create_user": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: auth.create_user(e, "noor", "long-enough", "clerk", "sales", by=who)),
    "dashboard.auth.change_role": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: auth.change_role(e, "sam", "manager", None, by=who)),
    "dashboard.auth.reset_password": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: auth.reset_password(e, "sam", "a-new-password", by=who)),
    "dashboard.auth.unlock_user": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: auth.unlock_user(e, "sam", by=who)),
    "dashboard.auth.set_disabled": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: auth.set_disabled(e, "sam", True, by=who)),
    "dashboard.auth.delete_user": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: auth.delete_user(e, "sam", by=who)),
    "data_access.backup.restore": (
        ("pat", "quinn", "mia", "dora", "ghost"), "root",
        lambda e, tmp, who: restore(e, tmp / "plant.zip", user=who)),
}


def _batches(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT id FROM batches WHERE undone_at IS NULL"))]


def _acknowledge(engine: Engine, who: str) -> None:
    acknowledge_exception(engine, who, "complaint_open:CC-2601", 30, "8D requested")  # returns the id


def _subscribe_pat(engine: Engine, who: str) -> None:
    add_subscription(engine, who, "pat", "summary", "pat@plant.example")  # returns the new id, not an exit code


def _pat_subscription(engine: Engine) -> int:
    return list_subscriptions(engine, "pat")[0].id  # the plant fixture's


def snapshot(engine: Engine) -> tuple:
    """Every row of every table (the data version included)."""
    with engine.connect() as conn:
        return data_version(engine), tuple(
            tuple(tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))) for t in tables())


@pytest.fixture
def plant(engine, tmp_path, monkeypatch) -> Engine:
    """Master data, one production row of pat's, the accounts, and a signed backup of it all."""
    monkeypatch.setenv(KEY_ENV, "the walking test's backup key")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "none"))
    rows = example_rows()
    with write_transaction(engine) as conn:
        for name in (kind.name for kind in MASTER_KINDS):  # in the order of their references
            insert_rows(conn, name, rows[name], new_batch(conn, name, "root", "seed"))
        conn.execute(sa.insert(User.__table__), [
            dict(name=n, password_hash="not used here", role=r, department=d, lang="en", failed_logins=0, demo=False,
                 created_at=utcnow(), disabled=off) for n, r, d, off in ACCOUNTS])
    _pat_batch(engine)
    add_subscription(engine, "root", "pat", "csat_weekly", "pat@plant.example")
    backup(engine, tmp_path / "plant.zip")
    return engine


@pytest.mark.parametrize("name", sorted(PROBES))
def test_each_write_refuses_callers_without_the_right_role_or_department(plant, tmp_path, name):
    refused_callers, allowed_caller, call = PROBES[name]
    before = snapshot(plant)
    for caller in refused_callers:
        try:
            result = call(plant, tmp_path, caller)
        except PermissionDenied as refusal:  # said in both languages, naming caller and what
            en, zh = (t(refusal.key, lang, **refusal.params(lang)) for lang in ("en", "zh"))
            assert en != zh and caller.split("@")[0] in en and refusal.key in MESSAGES
        else:
            assert not _wrote(result), f"{name} let {caller} write"
        assert snapshot(plant) == before, f"{name} as {caller} changed the database"
    result = call(plant, tmp_path, allowed_caller)
    assert _wrote(result) and snapshot(plant) != before, f"{name} as {allowed_caller} should have written"


def test_the_database_owner_passes_every_check(plant, tmp_path):
    owner = database_owner()
    assert str(owner).startswith("owner:")
    before = snapshot(plant)
    assert save_commentary(plant, "2026-02", "Owner's note.", owner).updated_by == owner
    assert import_upload(plant, "production", PRODUCTION_CSV, "p.csv", owner).written
    assert snapshot(plant) != before
    auth.set_disabled(plant, "sam", True, by=owner)
    assert auth.get_user(plant, "sam") is None  # disabled
    # a name typed into a page is never the owner, even when it reads the same
    with pytest.raises(PermissionDenied):
        save_commentary(plant, "2026-03", "x", str(owner))
    with pytest.raises(PermissionDenied):
        auth.set_disabled(plant, "sam", False, by=str(owner))
