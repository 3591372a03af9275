"""media fields: each file answers a question of the form; audio files have no pixel size

Revision ID: 0020_media_fields
Revises: 0018_recovery_codes
Create Date: 2026-12-02 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_media_fields"
down_revision: str | None = "0019_form_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The question answered: `photo_front`, or `trees/0/photo` inside a repeat; null for the
    # photos of the observation itself (as before).
    op.add_column("media", sa.Column("field", sa.Text(), nullable=True))
    op.alter_column("media", "width", existing_type=sa.Integer(), nullable=True)
    op.alter_column("media", "height", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM media WHERE width IS NULL OR height IS NULL")
    op.alter_column("media", "height", existing_type=sa.Integer(), nullable=False)
    op.alter_column("media", "width", existing_type=sa.Integer(), nullable=False)
    op.drop_column("media", "field")
