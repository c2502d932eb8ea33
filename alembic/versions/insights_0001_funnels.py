"""insights: saved funnel definitions

Revision ID: insights_0001
Revises:
Create Date: 2026-12-02 03:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "insights_0001"
down_revision = None
branch_labels = ("insights",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "insights_funnels",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"], ondelete="CASCADE",
                                name=op.f("fk_insights_funnels_site_id_core_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_funnels")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_insights_funnels_site_id")),
    )
    with op.batch_alter_table("insights_funnels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insights_funnels_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("insights_funnels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insights_funnels_site_id"))
    op.drop_table("insights_funnels")
