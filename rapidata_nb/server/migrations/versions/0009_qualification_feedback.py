"""audience.qualification_feedback: what a candidate learns about their qualification answers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audience", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "qualification_feedback",
                sa.String(length=16),
                nullable=False,
                server_default="after_decision",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("audience", schema=None) as batch_op:
        batch_op.drop_column("qualification_feedback")
