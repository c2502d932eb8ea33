"""core: per-site secrets for user-id pseudonyms (HMAC-SHA256; core.tenancy.pseudonyms)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 03:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_user_keys",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_core_user_keys")),
    )


def downgrade() -> None:
    op.drop_table("core_user_keys")
