"""asset_chunk: file bytes in the database, so that every replica serves every file

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_chunk",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_asset_chunk")),
    )


def downgrade() -> None:
    op.drop_table("asset_chunk")
