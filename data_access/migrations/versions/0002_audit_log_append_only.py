"""audit_log is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

The SQL lives in data_access.audit_log (one place), which also offers audit_guard_suspended()
for the whole-database restore.
"""
from alembic import op

from data_access.audit_log import install_audit_guard, remove_audit_guard

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    install_audit_guard(op.get_bind())


def downgrade() -> None:
    remove_audit_guard(op.get_bind())
