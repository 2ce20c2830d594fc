"""Upgrades keep the data (issue 8): a database built at the first schema version and filled,
then migrated to head, still holds every row of every table; and head is exactly what the models
declare (Alembic autogenerate finds nothing to do). On SQLite and PostgreSQL."""
from __future__ import annotations


import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from data_access.backup import schema_revision
from data_access import store
from data_access.db import init_db
from data_access.loaders import clear_cache
from data_access.migrations import alembic_config, upgrade_to_head
from data_access.models import AuditEntry, metadata
from tests.conftest import make_database
from tests.test_backup import fill_database

FIRST = "0001"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_engine(request, tmp_path):
    """A database with no schema at all (the conftest `engine` comes already migrated)."""
    clear_cache()
    engine, drop = make_database(request.param, tmp_path, migrate=False)
    try:
        yield engine
    finally:
        drop()


def head_revision(engine: Engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return schema_revision(conn)


def test_first_revision_is_the_base_of_a_single_chain(sqlite_engine):
    scripts = ScriptDirectory.from_config(alembic_config(sqlite_engine))
    assert scripts.get_bases() == [FIRST]
    assert len(scripts.get_heads()) == 1  # two engineers' migrations never left two heads


def _columns_at(engine: Engine) -> dict[str, list[str]]:
    inspector = sa.inspect(engine)
    return {name: [c["name"] for c in inspector.get_columns(name)] for name in inspector.get_table_names()}


def _old_columns(engine: Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of every table, in the columns the tables had at FIRST, ordered by primary key."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            select = sa.select(*(table.c[c] for c in columns[table.name])).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select)]
    return out


def test_upgrade_from_the_first_revision_keeps_every_row(blank_engine, monkeypatch):
    upgrade_to_head(blank_engine, FIRST)
    assert current_revision(blank_engine) == FIRST
    with blank_engine.begin() as conn:  # what init_db adds after the migrations
        conn.execute(sa.text("INSERT INTO data_version (id, version) VALUES (1, 0)"))
    # kinds may have gained fields since FIRST: the old tables are filled with the columns they had
    old = _columns_at(blank_engine)
    records = store._records
    monkeypatch.setattr(store, "_records", lambda kind, rows, batch: [
        {k: v for k, v in r.items() if k in old[kind]} for r in records(kind, rows, batch)])
    fill_database(blank_engine)
    monkeypatch.undo()
    before = _old_columns(blank_engine, old)
    assert all(before[t.name] for t in metadata.sorted_tables)  # every table holds rows to lose

    init_db(blank_engine)  # what `plantkpi init` and the app do on a new version

    assert current_revision(blank_engine) == head_revision(blank_engine) != FIRST
    assert _old_columns(blank_engine, old) == before
    # the upgrade's own additions work on the old rows: audit_log became append-only (0002)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with blank_engine.begin() as conn:
            conn.execute(sa.delete(AuditEntry.__table__))
    assert _old_columns(blank_engine, old) == before


def test_head_matches_the_models(engine):
    """Nothing for autogenerate to do: the migrations build exactly the declared tables (columns,
    types, nullability, server defaults, indexes, unique and foreign keys). No difference needs to
    be ignored on either backend today; `compare_type` and `compare_server_default` are on so
    that a type or default changed in a kind declaration without a migration is caught.
    (Triggers and CHECK constraints are outside what autogenerate compares.)"""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, metadata)
    assert differences == []
