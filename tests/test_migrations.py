"""Upgrades keep the data (issue 8): a database built at the first schema version and filled,
then migrated to head, still holds every row of every table; and head is exactly what the models
declare (Alembic autogenerate finds nothing to do). On SQLite and PostgreSQL.

The rows are taken from the declarations, not from a list of tables: a database at head is
filled (tests.test_backup.fill_database: every kind's example rows and the system tables), and
whatever of it the first schema has room for (its tables, its columns) is copied into the old
database. A table or column added since FIRST therefore never breaks this test; a migration that
loses or changes old rows does (issue 12)."""
from __future__ import annotations


import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from data_access.backup import schema_revision
from data_access.db import init_db
from data_access.loaders import clear_cache
from data_access.migrations import alembic_config, next_revision_id, upgrade_to_head, write_revision
from data_access.models import AuditEntry, metadata
from tests.conftest import make_database
from tests.test_backup import fill_database

FIRST = "0001"


def schema_as_built(engine: Engine) -> list[sa.Table]:
    """The app's tables as they are in the database (not as the models declare them), parents
    before children."""
    reflected = sa.MetaData()
    reflected.reflect(engine)
    return [t for t in reflected.sorted_tables if t.name != "alembic_version"]


def rows_of(engine: Engine, tables: list[sa.Table]) -> dict[str, list[tuple]]:
    """Every row of the given tables (only their columns), ordered by primary key."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in tables}


def copy_into(source: Engine, target: Engine, tables: list[sa.Table]) -> None:
    """The rows of `source` (at head) that fit `tables` (the target's older schema): the columns
    the old tables have; columns added since are left to the migration that adds them."""
    with source.connect() as read, target.begin() as write:
        for table in tables:
            model = metadata.tables[table.name]
            columns = [model.c[c.name] for c in table.columns if c.name in model.c]
            rows = [dict(r._mapping) for r in read.execute(sa.select(*columns))]
            if rows:
                write.execute(table.insert(), rows)

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


def test_upgrade_from_the_first_revision_keeps_every_row(blank_engine, tmp_path):
    upgrade_to_head(blank_engine, FIRST)
    assert current_revision(blank_engine) == FIRST
    old_tables = schema_as_built(blank_engine)
    filled, drop = make_database("sqlite", tmp_path)  # at head, filled from the declarations
    try:
        fill_database(filled)
        copy_into(filled, blank_engine, old_tables)
    finally:
        drop()
    before = rows_of(blank_engine, old_tables)
    assert all(before.values()), [n for n, rows in before.items() if not rows]  # every table holds rows to lose

    init_db(blank_engine)  # what `plantkpi init` and the app do on a new version

    assert current_revision(blank_engine) == head_revision(blank_engine) != FIRST
    assert rows_of(blank_engine, old_tables) == before
    assert {t.name for t in schema_as_built(blank_engine)} == set(metadata.tables)  # and the new tables are there
    # the upgrade's own additions work on the old rows: audit_log became append-only (0002)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with blank_engine.begin() as conn:
            conn.execute(sa.delete(AuditEntry.__table__))
    assert rows_of(blank_engine, old_tables) == before


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


def test_revision_command_has_nothing_to_write_while_models_and_migrations_agree(sqlite_engine):
    """`plantkpi db revision -m ...` writes no file today (the check above, seen from the command),
    and the next file would be numbered one past the highest revision."""
    versions = list(ScriptDirectory.from_config(alembic_config(sqlite_engine)).walk_revisions())
    highest = max(int(s.revision[:4]) for s in versions)
    assert write_revision("nothing") is None
    assert len(list(ScriptDirectory.from_config(alembic_config(sqlite_engine)).walk_revisions())) == len(versions)
    assert next_revision_id(sqlite_engine) == f"{highest + 1:04d}"
