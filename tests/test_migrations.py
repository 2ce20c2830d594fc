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
from data_access.db import init_db
from data_access.loaders import clear_cache
from data_access.migrations import alembic_config, upgrade_to_head
from data_access.models import AuditEntry, metadata
from tests.conftest import make_database
from tests.test_backup import dump, fill_database

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


def test_upgrade_from_the_first_revision_keeps_every_row(blank_engine):
    upgrade_to_head(blank_engine, FIRST)
    assert current_revision(blank_engine) == FIRST
    with blank_engine.begin() as conn:  # what init_db adds after the migrations
        conn.execute(sa.text("INSERT INTO data_version (id, version) VALUES (1, 0)"))
    fill_database(blank_engine)
    before = dump(blank_engine)
    assert all(before[t.name] for t in metadata.sorted_tables)  # every table holds rows to lose

    init_db(blank_engine)  # what `plantkpi init` and the app do on a new version

    assert current_revision(blank_engine) == head_revision(blank_engine) != FIRST
    assert dump(blank_engine, like=before) == before  # the columns added since keep their defaults
    # the upgrade's own additions work on the old rows: audit_log became append-only (0002)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with blank_engine.begin() as conn:
            conn.execute(sa.delete(AuditEntry.__table__))
    assert dump(blank_engine, like=before) == before  # the columns added since keep their defaults


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
