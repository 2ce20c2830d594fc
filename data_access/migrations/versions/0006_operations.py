"""Operations: routings keyed (product_code, seq, machine_code) so that alternative machines of one
operation share its seq; bom.seq, the operation that consumes the material (docs/kinds.md)

Revision ID: 0006_operations
Revises: 0005_sessions
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_operations"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("routings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_routings_key", type_="unique")
        batch_op.create_unique_constraint("uq_routings_key", ["product_code", "seq", "machine_code"])
    with op.batch_alter_table("bom", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True, comment="Consuming operation no. / 耗用工序号"))
        batch_op.create_check_constraint("ck_bom_seq_min", '"seq" >= 0')


def downgrade() -> None:
    with op.batch_alter_table("bom", schema=None) as batch_op:
        batch_op.drop_constraint("ck_bom_seq_min", type_="check")
        batch_op.drop_column("seq")
    with op.batch_alter_table("routings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_routings_key", type_="unique")
        batch_op.create_unique_constraint("uq_routings_key", ["product_code", "seq"])
