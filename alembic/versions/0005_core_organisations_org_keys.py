"""core: organisations own sites (existing sites move into the default one); organisation API keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DEFAULT_ORG_ID = "org_default"  # core.db.models.DEFAULT_ORG_ID (a migration keeps its own copy)


def upgrade() -> None:
    orgs = op.create_table(
        "core_organisations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_organisations")),
    )
    op.bulk_insert(orgs, [{"id": DEFAULT_ORG_ID, "name": "default"}])
    # Every existing site gets the default organisation; the server default also covers rows
    # written by code that predates organisations.
    with op.batch_alter_table("core_sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.String(length=32), server_default=DEFAULT_ORG_ID,
                                      nullable=False))
        batch_op.create_index(batch_op.f("ix_core_sites_org_id"), ["org_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_core_sites_org_id_core_organisations"), "core_organisations",
                                    ["org_id"], ["id"])
    op.create_table(
        "core_org_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("site_ids", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["core_organisations.id"],
                                name=op.f("fk_core_org_keys_org_id_core_organisations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_org_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_core_org_keys_key_hash")),
    )
    with op.batch_alter_table("core_org_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_org_keys_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_table("core_org_keys")
    with op.batch_alter_table("core_sites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_core_sites_org_id_core_organisations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_core_sites_org_id"))
        batch_op.drop_column("org_id")
    op.drop_table("core_organisations")
