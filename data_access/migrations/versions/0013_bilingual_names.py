"""Bilingual master-data names: products, materials, machines, customers and suppliers get an optional
English name `name_en` beside `name` (the plant's own, Chinese, name)

Revision ID: 0013_bilingual_names
Revises: 0010_exception_acks
Create Date: 2026-12-01

Plain ADD COLUMN on both backends: a nullable column, so existing rows and files keep working (the
user's language picks the name, falling back to the other: dashboard.ui.names).
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_bilingual_names"
down_revision = "0012_inspection_stages"
branch_labels = None
depends_on = None

# table -> (length, English label of the column as the kind declares it)
_TABLES = {"products": (120, "Product name (English)"), "materials": (120, "Material name (English)"),
           "machines": (80, "Machine name (English)"), "customers": (120, "Customer name (English)"),
           "suppliers": (120, "Supplier name (English)")}


def upgrade() -> None:
    for table, (length, en) in _TABLES.items():
        op.add_column(table, sa.Column("name_en", sa.String(length=length), nullable=True, comment=f"{en} / 英文名称"))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("name_en")
