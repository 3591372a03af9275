"""campaign map

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:42:38.743631
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "campaigns",
        sa.Column("map_layers", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("campaigns", sa.Column("basemap_url", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("campaigns", "basemap_url")
    op.drop_column("campaigns", "map_layers")
