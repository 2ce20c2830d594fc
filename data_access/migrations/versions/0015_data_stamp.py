"""A stamp beside the data version: a random token every write (and a new database) sets, so that
(version, stamp) names one state of the data even across databases rebuilt at the same path or restored
from a backup and written to again. The columnar snapshots (data_access.snapshots) are keyed by it.

Revision ID: 0015_data_stamp
Revises: 0014_line_names
Create Date: 2026-12-02
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0015_data_stamp"
down_revision = "0014_line_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("data_version", sa.Column("stamp", sa.String(length=32), nullable=True))
    op.execute(sa.text("UPDATE data_version SET stamp = :stamp").bindparams(stamp=secrets.token_hex(8)))


def downgrade() -> None:
    with op.batch_alter_table("data_version") as batch_op:
        batch_op.drop_column("stamp")
