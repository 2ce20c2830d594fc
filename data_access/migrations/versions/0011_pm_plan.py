"""maintenance.status and maintenance.planned_date: the preventive-maintenance plan (planned vs done)

Revision ID: 0011_pm_plan
Revises: 0010_exception_acks
Create Date: 2026-12-01

Two nullable columns: the rows already stored are done work (empty status = done) without a plan
date. Alembic does not see CHECK constraints on an existing table: the status choices and the rule
"a planned row has its planned date" are added here by hand (batch mode: SQLite rebuilds the table).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_pm_plan"
down_revision = "0010_exception_acks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("maintenance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=7), nullable=True, comment="Status / 状态"))
        batch_op.add_column(sa.Column("planned_date", sa.Date(), nullable=True, comment="Planned date / 计划日期"))
        batch_op.create_check_constraint("ck_maintenance_status_enum", "\"status\" IN ('done', 'planned')")
        batch_op.create_check_constraint(
            "ck_maintenance_planned_has_date",
            "\"status\" IS NULL OR \"status\" <> 'planned' OR \"planned_date\" IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("maintenance", schema=None) as batch_op:
        batch_op.drop_constraint("ck_maintenance_planned_has_date", type_="check")
        batch_op.drop_constraint("ck_maintenance_status_enum", type_="check")
        batch_op.drop_column("planned_date")
        batch_op.drop_column("status")
