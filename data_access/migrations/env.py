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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
