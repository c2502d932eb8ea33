"""core: per-site goals (custom event names or pageview path patterns) for the query engine

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_goals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"], name=op.f("fk_core_goals_site_id_core_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_goals")),
        sa.UniqueConstraint("site_id", "display_name", name=op.f("uq_core_goals_site_id")),
    )
    with op.batch_alter_table("core_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_goals_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_goals_site_id"))
    op.drop_table("core_goals")
