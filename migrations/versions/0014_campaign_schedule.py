"""campaign schedule: optional opening and closing dates

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("opens_at", sa.DateTime(timezone=True)))
    op.add_column("campaigns", sa.Column("closes_at", sa.DateTime(timezone=True)))
    op.create_check_constraint(
        "ck_campaigns_schedule_order",
        "campaigns",
        "opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at",
    )


def downgrade() -> None:
    op.drop_constraint("ck_campaigns_schedule_order", "campaigns", type_="check")
    op.drop_column("campaigns", "closes_at")
    op.drop_column("campaigns", "opens_at")
