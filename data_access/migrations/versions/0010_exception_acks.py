"""exception_acks: a manager's acknowledgement of an open exception (comment, measure when acknowledged)

Revision ID: 0010_exception_acks
Revises: 0009_scorecard
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010_exception_acks"
down_revision = "0009_scorecard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("exception_acks",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column("measure", sa.Float(), nullable=False),
    sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("exception_acks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exception_acks_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exception_acks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exception_acks_key"))
    op.drop_table("exception_acks")
