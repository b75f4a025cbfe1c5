"""participant.cost, participant.cost_unit: a model's price

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:01:07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cost", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("cost_unit", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("cost_unit")
        batch_op.drop_column("cost")
