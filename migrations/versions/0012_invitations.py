"""invitations: e-mailed invitations to a campaign or organisation role

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user(name: str) -> sa.Column:
    return sa.Column(
        name,
        postgresql.UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="SET NULL", name=f"fk_invitations_{name}_users"),
    )


def _target(name: str, table: str) -> sa.Column:
    return sa.Column(
        f"{name}_id",
        postgresql.UUID(as_uuid=True),
        sa.ForeignKey(f"{table}.id", ondelete="CASCADE", name=f"fk_invitations_{name}_id_{table}"),
    )


def _when(name: str, nullable: bool = True) -> sa.Column:
    default = None if nullable else sa.func.now()
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=default)


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.Column("email", sa.Text(), nullable=False),
        _target("campaign", "campaigns"),
        _target("organisation", "organisations"),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        _user("invited_by"),
        sa.Column("token_hash", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False, server_default="pending"),
        _when("created_at", nullable=False),
        _when("sent_at", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _when("accepted_at"),
        _user("accepted_by"),
        _when("revoked_at"),
        sa.UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'revoked')", name="ck_invitations_state"
        ),
        sa.CheckConstraint(
            "(campaign_id IS NULL) <> (organisation_id IS NULL)", name="ck_invitations_one_target"
        ),
    )
    op.create_index("ix_invitations_campaign_id", "invitations", ["campaign_id"])
    op.create_index("ix_invitations_organisation_id", "invitations", ["organisation_id"])
    op.create_index(
        "uq_invitations_pending", "invitations",
        [sa.text("coalesce(campaign_id, organisation_id)"), sa.text("lower(email)")],
        unique=True, postgresql_where=sa.text("state = 'pending'"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("invitations")
