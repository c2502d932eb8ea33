"""sessions: per-site session settings (inactivity timeout)

Revision ID: sessions_0001
Revises:
Create Date: 2026-11-26 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "sessions_0001"
down_revision = None
branch_labels = ("sessions",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "sessions_site_settings",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("timeout_min", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"], ondelete="CASCADE",
                                name=op.f("fk_sessions_site_settings_site_id_core_sites")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_sessions_site_settings")),
    )


def downgrade() -> None:
    op.drop_table("sessions_site_settings")
