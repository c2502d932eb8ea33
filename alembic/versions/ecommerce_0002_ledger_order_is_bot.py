"""ecommerce: the ledger keeps each order's bot flag, so its refunds are left out with it

Orders recorded before this revision keep is_bot = 0 (counted, as they were).

Revision ID: ecommerce_0002
Revises: ecommerce_0001
Create Date: 2026-12-02 03:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ecommerce_0002"
down_revision = "ecommerce_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ecommerce_orders",
                  sa.Column("is_bot", sa.SmallInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("ecommerce_orders") as batch:
        batch.drop_column("is_bot")
