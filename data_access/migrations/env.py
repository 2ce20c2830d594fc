"""Alembic environment: runs on the engine handed over by data_access.migrations."""
from alembic import context

from data_access import models  # noqa: F401  (registers every table on the metadata)

config = context.config
target_metadata = models.metadata


def run_migrations_online() -> None:
    # Always run through data_access.migrations.alembic_config, which hands the engine over
    # (plantkpi init, plantkpi db revision, the tests); env.py itself opens no database.
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it (batch mode) and dropping the old one, which the foreign
            # keys of the tables referring to it refuse; they are checked as a whole after the migration.
            # (The PRAGMA only works outside a transaction: on the DBAPI connection, before BEGIN.)
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration would break foreign keys: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
