"""inspections.stage: docs/kinds.md's stages — receipt (semi-finished or finished goods into stock, 入库检验)
and outgoing (at shipment, 出库检验) beside incoming, in_process and final

Revision ID: 0012_inspection_stages
Revises: 0011_pm_plan
Create Date: 2026-12-01

Only the stage CHECK constraint changes: the longest choice is still in_process, so the column stays
10 characters. Batch mode recreates the table on SQLite, which cannot alter a constraint in place.
"""
from alembic import op

revision = "0012_inspection_stages"
down_revision = "0011_pm_plan"
branch_labels = None
depends_on = None

OLD = ("incoming", "in_process", "final")
NEW = ("incoming", "in_process", "final", "receipt", "outgoing")
NAME = "ck_inspections_stage_enum"


def _check(choices: tuple[str, ...]) -> str:
    return '"stage" IN (' + ", ".join(f"'{c}'" for c in choices) + ")"


def _replace_check(choices: tuple[str, ...]) -> None:
    with op.batch_alter_table("inspections") as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.create_check_constraint(NAME, _check(choices))


def upgrade() -> None:
    _replace_check(NEW)


def downgrade() -> None:
    # lots of the new stages have no place in the old schema
    op.execute("DELETE FROM inspections WHERE stage NOT IN (" + ", ".join(f"'{c}'" for c in OLD) + ")")
    _replace_check(OLD)
