"""public outcomes: what each outcome covers, its drawn area, and its place in the change feed

Revision ID: 0016_public_outcomes
Revises: 0014
Create Date: 2026-12-02 01:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0016_public_outcomes"
down_revision: str | None = "0015_review_workflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outcomes", sa.Column("selection", postgresql.JSONB(), nullable=True))
    op.add_column(
        "outcomes",
        sa.Column("area", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=True),
    )
    op.add_column("outcomes", sa.Column("status_counts", postgresql.JSONB(), nullable=True))
    # Outcomes join observations' changes in the change feed: same sequence, same keyset.
    op.add_column(
        "outcomes",
        sa.Column(
            "change_seq",
            sa.BigInteger(),
            server_default=sa.text("nextval('observation_change_seq')"),
            nullable=False,
        ),
    )
    op.add_column(
        "outcomes",
        sa.Column(
            "xid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
    )
    op.create_index("ix_outcomes_feed", "outcomes", ["xid", "change_seq"], unique=False)
    op.create_table(
        "outcome_observations",
        sa.Column("outcome_id", sa.UUID(), nullable=False),
        sa.Column("observation_id", sa.UUID(), nullable=False),
        # The observation's status when the outcome was posted: public figures stay stable.
        sa.Column("status", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["outcomes.id"],
            name=op.f("fk_outcome_observations_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"], ["observations.id"],
            name=op.f("fk_outcome_observations_observation_id_observations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outcome_id", "observation_id",
                                name=op.f("pk_outcome_observations")),
    )  # fmt: skip
    op.create_index(
        "ix_outcome_observations_observation", "outcome_observations", ["observation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_outcome_observations_observation", table_name="outcome_observations")
    op.drop_table("outcome_observations")
    op.drop_index("ix_outcomes_feed", table_name="outcomes")
    for column in ("xid", "change_seq", "status_counts", "area", "selection"):
        op.drop_column("outcomes", column)
