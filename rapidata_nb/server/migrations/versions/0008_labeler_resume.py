"""labeler.resume_hash: resuming a person's labeler needs the resume token issued with its first session

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("labeler", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("labeler", schema=None) as batch_op:
        batch_op.drop_column("resume_hash")
