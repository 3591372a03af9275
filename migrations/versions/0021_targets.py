"""targets: known features a monitoring campaign visits again, with claims and assignments

Revision ID: 0021_targets
Revises: 0018_recovery_codes
Create Date: 2026-12-02 05:00:00.000000
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021_targets"
down_revision: str | None = "0020_media_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_column(name: str) -> sa.Column:
    return sa.Column(
        name,
        postgresql.UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="SET NULL", name=f"fk_targets_{name}_users"),
    )


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("targets", postgresql.JSONB()))
    op.create_table(
        "targets",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_targets"),
        sa.Column(
            "campaign_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "campaigns.id", ondelete="CASCADE", name="fk_targets_campaign_id_campaigns"
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("properties", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column(
            "geom",
            geoalchemy2.Geometry("POINT", srid=4326, spatial_index=False),
            nullable=False,
        ),
        _user_column("assignee_id"),
        _user_column("claimed_by"),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index(
        "ix_targets_campaign_geom", "targets", ["campaign_id", "geom"], postgresql_using="gist"
    )
    op.create_index("ix_targets_assignee_id", "targets", ["assignee_id"])
    op.create_index("ix_targets_claimed_by", "targets", ["claimed_by"])
    # A target's visits, newest first: its state is read from the latest published one.
    op.execute(
        "CREATE INDEX ix_observations_target ON observations "
        "(campaign_id, (properties->>'target'), (coalesce(observed_at, created_at)) DESC) "
        "WHERE properties ? 'target'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_observations_target")
    op.drop_table("targets")
    op.drop_column("campaigns", "targets")
