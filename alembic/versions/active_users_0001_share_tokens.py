"""active_users: read-only share tokens

Revision ID: active_users_0001
Revises:
Create Date: 2026-11-26 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "active_users_0001"
down_revision = None
branch_labels = ("active_users",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "active_users_share_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"],
                                name=op.f("fk_active_users_share_tokens_site_id_core_sites"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_active_users_share_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_active_users_share_tokens_token_hash")),
    )
    with op.batch_alter_table("active_users_share_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_active_users_share_tokens_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("active_users_share_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_active_users_share_tokens_site_id"))
    op.drop_table("active_users_share_tokens")
