"""Bilingual line names: lines get an optional English name `name_en` beside `name` (the plant's own,
Chinese, name), as the five master kinds did in 0013_bilingual_names

Revision ID: 0014_line_names
Revises: 0013_bilingual_names
Create Date: 2026-12-01

A nullable column: existing rows and files keep working (dashboard.i18n.master_names falls back).
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_line_names"
down_revision = "0013_bilingual_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("lines", sa.Column("name_en", sa.String(length=80), nullable=True,
                                     comment="Line name (English) / 英文名称"))


def downgrade() -> None:
    with op.batch_alter_table("lines") as batch_op:
        batch_op.drop_column("name_en")
