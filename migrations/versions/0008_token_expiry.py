"""token expiry and last use

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _lifetime_days() -> int:
    """Tokens issued before expiry existed get the configured lifetime from now."""
    from app.config import Settings

    return Settings().token_lifetime_days


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True)))
    op.execute(
        sa.text(
            "UPDATE api_tokens SET expires_at = now() + make_interval(days => :days)"
        ).bindparams(days=_lifetime_days())
    )
    op.alter_column("api_tokens", "expires_at", nullable=False)


def downgrade() -> None:
    op.drop_column("api_tokens", "last_used_at")
    op.drop_column("api_tokens", "expires_at")
