"""Shared fixtures: a fresh database on SQLite and on PostgreSQL for every data-access test.

PostgreSQL is the machine's server at 127.0.0.1:5432 (PLANTKPI_TEST_PG_URL); each test gets a
database of its own, created from scratch and dropped afterwards.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import get_engine, init_db
from data_access.loaders import clear_cache

PG_ADMIN_URL = os.environ.get("PLANTKPI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin() -> Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def make_database(backend: str, tmp_path, template: str | None = None, *, migrate: bool = True
                  ) -> tuple[Engine, callable]:
    """A new, migrated, empty database; returns (engine, drop). With `template` (a SQLite file or
    a PostgreSQL database name, e.g. from migrated_templates) it is a copy of that database
    instead, several times faster than migrating; with migrate=False it has no schema at all."""
    if backend == "sqlite":
        path = tmp_path / f"plantkpi-{uuid.uuid4().hex[:8]}.db"
        if template:
            shutil.copyfile(template, path)
        engine = get_engine(f"sqlite:///{path}")
        if migrate and not template:
            init_db(engine)
        return engine, engine.dispose
    name = f"plantkpi_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = get_engine(url)
    if migrate and not template:
        init_db(engine)

    def drop():
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


@contextmanager
def serving_database(engine: Engine) -> Iterator[Engine]:
    """Point the app (PLANTKPI_DATABASE_URL) at `engine` for a module-scoped fixture, where
    monkeypatch is not available, and put the previous value back afterwards."""
    previous = os.environ.get("PLANTKPI_DATABASE_URL")
    os.environ["PLANTKPI_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    try:
        yield engine
    finally:
        if previous is None:
            os.environ.pop("PLANTKPI_DATABASE_URL", None)
        else:
            os.environ["PLANTKPI_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory):
    """One empty migrated database per backend and test process, copied for each test."""
    made: dict[str, str] = {}
    drops = []

    def get(backend: str) -> str:
        if backend not in made:
            engine, drop = make_database(backend, tmp_path_factory.mktemp("template"))
            engine.dispose()  # SQLite: the last connection to close folds the WAL into the file
            made[backend] = engine.url.database
            drops.append(drop)
        return made[backend]

    yield get
    for drop in drops:
        drop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path, migrated_templates) -> Iterator[Engine]:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    clear_cache()
    eng, drop = make_database(request.param, tmp_path, migrated_templates(request.param))
    try:
        yield eng
    finally:
        drop()


@pytest.fixture
def sqlite_engine(tmp_path, migrated_templates) -> Iterator[Engine]:
    clear_cache()
    eng, drop = make_database("sqlite", tmp_path, migrated_templates("sqlite"))
    try:
        yield eng
    finally:
        drop()
