"""inspections.stage: the quality stages the source names (品管: 半成品入库、成品入库、出库检验) —
semi_in, finished_in and outgoing beside incoming, in_process and final

Revision ID: 0012_inspection_stages
Revises: 0010_exception_acks
Create Date: 2026-12-01

The column widens to 11 characters (finished_in) and the stage CHECK constraint takes the new
choices; batch mode recreates the table on SQLite, which cannot alter a constraint in place.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_inspection_stages"
down_revision = "0011_pm_plan"
branch_labels = None
depends_on = None

OLD = ("incoming", "in_process", "final")
NEW = ("incoming", "in_process", "semi_in", "final", "finished_in", "outgoing")
NAME = "ck_inspections_stage_enum"


def _check(choices: tuple[str, ...]) -> str:
    return '"stage" IN (' + ", ".join(f"'{c}'" for c in choices) + ")"


def upgrade() -> None:
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.alter_column("stage", type_=sa.String(length=11), existing_type=sa.String(length=10),
                              existing_nullable=False, existing_comment="Stage / 检验阶段")
        batch_op.create_check_constraint(NAME, _check(NEW))


def downgrade() -> None:
    # lots of the new stages have no place in the old schema
    op.execute("DELETE FROM inspections WHERE stage NOT IN ('incoming', 'in_process', 'final')")
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.alter_column("stage", type_=sa.String(length=10), existing_type=sa.String(length=11),
                              existing_nullable=False, existing_comment="Stage / 检验阶段")
        batch_op.create_check_constraint(NAME, _check(OLD))
