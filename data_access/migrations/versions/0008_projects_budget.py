"""projects.budget (optional): an R&D project's budget, against which the R&D page shows its cost

Revision ID: 0008_projects_budget
Revises: 0007_accounts
Create Date: 2026-12-01

Plain ADD COLUMN on both backends (a nullable column: existing projects have no budget).
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_projects_budget"
down_revision = "0007_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("budget", sa.Float(), nullable=True, comment="Budget / 预算"))


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch_op:
        batch_op.drop_column("budget")
