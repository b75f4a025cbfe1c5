"""bridge_token: who signed in (user_id) instead of a parked bearer token (access_token)

The token is issued when the command line reads the bridge, so no bearer token is stored in clear. A login
pending during the upgrade is lost; the person starts it again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 16:54:17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM bridge_token")
    with op.batch_alter_table("bridge_token", schema=None) as batch_op:
        batch_op.drop_column("access_token")
        batch_op.add_column(sa.Column("user_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM bridge_token")
    with op.batch_alter_table("bridge_token", schema=None) as batch_op:
        batch_op.drop_column("user_id")
        batch_op.add_column(sa.Column("access_token", sa.String(length=200), nullable=True))
