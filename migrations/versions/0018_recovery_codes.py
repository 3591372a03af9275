"""recovery codes: a device account's way back from another phone

Revision ID: 0018_recovery_codes
Revises: 0014
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018_recovery_codes"
down_revision: str | None = "0017_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recovery_codes",
        sa.Column(
            "user_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_recovery_codes_user_id_users"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_recovery_codes"),
        sa.Column("code_hash", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("code_hash", name="uq_recovery_codes_code_hash"),
    )


def downgrade() -> None:
    op.drop_table("recovery_codes")
