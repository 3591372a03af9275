"""form versions: every change of a campaign's form is a numbered version

Revision ID: 0019_form_versions
Revises: 0018_recovery_codes
Create Date: 2026-12-02 05:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019_form_versions"
down_revision: str | None = "0018_recovery_codes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_versions",
        sa.Column(
            "campaign_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("campaigns.id", ondelete="CASCADE", name="fk_form_versions_campaign_id"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "version", name="pk_form_versions"),
        sa.Column("fields", postgresql.JSONB(), nullable=False),
        sa.Column("made_by", sa.Text(), nullable=False),
        sa.Column("steps", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("counts", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "created_by",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="SET NULL", name="fk_form_versions_created_by"),
        ),
    )
    op.add_column(
        "campaigns", sa.Column("form_version", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column(
        "campaigns",
        sa.Column("published_fields", postgresql.JSONB(), nullable=False, server_default="[]"),
    )
    for table in ("observations", "observation_versions"):
        op.add_column(
            table, sa.Column("form_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.execute(
        "INSERT INTO form_versions (campaign_id, version, fields, made_by, created_at, created_by)"
        " SELECT id, 1, fields, 'create', created_at, created_by FROM campaigns"
    )
    op.execute("UPDATE campaigns SET published_fields = fields")


def downgrade() -> None:
    for table in ("observation_versions", "observations"):
        op.drop_column(table, "form_version")
    op.drop_column("campaigns", "published_fields")
    op.drop_column("campaigns", "form_version")
    op.drop_table("form_versions")
