"""review workflow: observations' origin, confirmations, followers, validators' skips

Revision ID: 0015_review_workflow
Revises: 0014_campaign_schedule
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_review_workflow"
# The revision id of 0014_campaign_schedule.
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reference(name: str, table: str, fk: str) -> sa.Column:
    return sa.Column(
        name,
        postgresql.UUID(as_uuid=True),
        sa.ForeignKey(f"{table}.id", ondelete="CASCADE", name=fk),
        nullable=False,
    )


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.add_column(
        "observations", sa.Column("origin", sa.Text(), server_default="field", nullable=False)
    )
    op.create_table(
        "observation_confirmations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _reference("observation_id", "observations",
                   "fk_observation_confirmations_observation_id_observations"),
        _reference("user_id", "users", "fk_observation_confirmations_user_id_users"),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("media", postgresql.ARRAY(postgresql.UUID(as_uuid=True)), server_default="{}",
                  nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_observation_confirmations"),
        sa.UniqueConstraint("observation_id", "user_id",
                            name="uq_observation_confirmations_observation_id"),
        sa.CheckConstraint("kind IN ('still_there', 'not_fixed', 'same')",
                           name="ck_observation_confirmations_kind"),
    )  # fmt: skip
    op.create_index(
        "ix_observation_confirmations_user_id", "observation_confirmations", ["user_id"]
    )
    op.create_table(
        "observation_followers",
        _reference("observation_id", "observations",
                   "fk_observation_followers_observation_id_observations"),
        _reference("user_id", "users", "fk_observation_followers_user_id_users"),
        _created_at(),
        sa.PrimaryKeyConstraint("observation_id", "user_id", name="pk_observation_followers"),
    )  # fmt: skip
    op.create_index("ix_observation_followers_user_id", "observation_followers", ["user_id"])
    op.create_table(
        "review_skips",
        _reference("observation_id", "observations",
                   "fk_review_skips_observation_id_observations"),
        _reference("reviewer_id", "users", "fk_review_skips_reviewer_id_users"),
        _created_at(),
        sa.PrimaryKeyConstraint("observation_id", "reviewer_id", name="pk_review_skips"),
    )  # fmt: skip
    op.create_index("ix_review_skips_reviewer_id", "review_skips", ["reviewer_id"])


def downgrade() -> None:
    op.drop_table("review_skips")
    op.drop_table("observation_followers")
    op.drop_table("observation_confirmations")
    op.drop_column("observations", "origin")
