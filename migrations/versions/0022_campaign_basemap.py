"""campaign basemap: the name of a basemap the instance serves

Revision ID: 0022_campaign_basemap
Revises: 0021_targets
Create Date: 2026-12-03 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_campaign_basemap"
down_revision: str | None = "0021_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("basemap", sa.Text()))


def downgrade() -> None:
    op.drop_column("campaigns", "basemap")
