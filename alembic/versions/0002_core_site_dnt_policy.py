"""core: per-site DNT / GPC policy

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dnt_policy", sa.String(length=32), server_default="count_anonymously",
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("core_sites", schema=None) as batch_op:
        batch_op.drop_column("dnt_policy")
