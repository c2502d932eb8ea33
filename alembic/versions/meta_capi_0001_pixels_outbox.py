"""meta_capi: pixel settings, delivery outbox, request log

Revision ID: meta_capi_0001
Revises:
Create Date: 2026-11-25 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "meta_capi_0001"
down_revision = None
branch_labels = ("meta_capi",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "meta_capi_pixels",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("pixel_id", sa.String(length=32), nullable=False),
        sa.Column("token_enc", sa.Text(), nullable=False),
        sa.Column("token_last4", sa.String(length=4), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("test_event_code", sa.String(length=64), nullable=False),
        sa.Column("graph_version", sa.String(length=16), nullable=False),
        sa.Column("event_mapping", sa.Text(), nullable=False),
        sa.Column("ldu", sa.Boolean(), nullable=False),
        sa.Column("ldu_country", sa.Integer(), nullable=False),
        sa.Column("ldu_state", sa.Integer(), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"], ondelete="CASCADE",
                                name=op.f("fk_meta_capi_pixels_site_id_core_sites")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_meta_capi_pixels")),
    )
    op.create_table(
        "meta_capi_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("pixel_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_name", sa.String(length=200), nullable=False),
        sa.Column("event_time", sa.Integer(), nullable=False),
        sa.Column("payload_enc", sa.Text(), nullable=False),
        sa.Column("pii_enc", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("fbtrace_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_capi_outbox")),
        sa.UniqueConstraint("site_id", "pixel_id", "event_id",
                            name=op.f("uq_meta_capi_outbox_site_id")),
    )
    op.create_index("ix_meta_capi_outbox_due", "meta_capi_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "meta_capi_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("pixel_id", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("events_received", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("fbtrace_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_capi_deliveries")),
    )
    op.create_index("ix_meta_capi_deliveries_site", "meta_capi_deliveries", ["site_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_meta_capi_deliveries_site", table_name="meta_capi_deliveries")
    op.drop_table("meta_capi_deliveries")
    op.drop_index("ix_meta_capi_outbox_due", table_name="meta_capi_outbox")
    op.drop_table("meta_capi_outbox")
    op.drop_table("meta_capi_pixels")
