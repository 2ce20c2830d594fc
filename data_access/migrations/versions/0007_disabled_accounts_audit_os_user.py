"""users.disabled (an account that may no longer sign in or write) and audit_log.os_user (the
operating-system user of the process that wrote the entry)

Revision ID: 0007_accounts
Revises: 0006_operations
Create Date: 2026-12-01

Plain ADD COLUMN on both backends (no SQLite batch rebuild), so audit_log keeps its append-only
triggers from 0002.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from data_access.audit_log import install_audit_guard

revision = "0007_accounts"
down_revision = "0006_operations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("audit_log", sa.Column("os_user", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("os_user")
    install_audit_guard(op.get_bind())  # a SQLite batch rebuild drops the table's triggers
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("disabled")
