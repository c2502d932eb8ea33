"""export: destinations, exported intervals, deletion audit, per-site retention

Revision ID: export_0001
Revises:
Create Date: 2026-12-02 03:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "export_0001"
down_revision = None
branch_labels = ("export",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "export_destinations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("endpoint_url", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("bucket", sa.String(length=255), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("access_key_enc", sa.Text(), nullable=False),
        sa.Column("secret_key_enc", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("compression", sa.String(length=8), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("backup", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("cursor_ms", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"], ondelete="CASCADE",
                                name=op.f("fk_export_destinations_site_id_core_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_destinations")),
    )
    op.create_index("ix_export_destinations_site", "export_destinations", ["site_id"])
    op.create_table(
        "export_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("interval_start_ms", sa.BigInteger(), nullable=False),
        sa.Column("interval_end_ms", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["destination_id"], ["export_destinations.id"], ondelete="CASCADE",
                                name=op.f("fk_export_runs_destination_id_export_destinations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_runs")),
        sa.UniqueConstraint("destination_id", "interval_start_ms", name=op.f("uq_export_runs_destination_id")),
    )
    op.create_table(
        "export_deletions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("removed", sa.BigInteger(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_deletions")),
    )
    op.create_index("ix_export_deletions_site", "export_deletions", ["site_id", "id"])
    op.create_table(
        "export_retention",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["core_sites.id"], ondelete="CASCADE",
                                name=op.f("fk_export_retention_site_id_core_sites")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_export_retention")),
    )


def downgrade() -> None:
    op.drop_table("export_retention")
    op.drop_index("ix_export_deletions_site", table_name="export_deletions")
    op.drop_table("export_deletions")
    op.drop_table("export_runs")
    op.drop_index("ix_export_destinations_site", table_name="export_destinations")
    op.drop_table("export_destinations")
