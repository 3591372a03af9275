"""layer owners: a reference layer may belong to an organisation

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: a shared layer (uploaded by an instance admin), usable by every campaign.
    op.add_column(
        "reference_layers",
        sa.Column(
            "organisation_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "organisations.id",
                ondelete="RESTRICT",
                name="fk_reference_layers_organisation_id_organisations",
            ),
        ),
    )
    op.create_index("ix_reference_layers_organisation_id", "reference_layers", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_reference_layers_organisation_id", table_name="reference_layers")
    op.drop_column("reference_layers", "organisation_id")
