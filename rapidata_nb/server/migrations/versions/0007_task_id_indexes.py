"""response and task_lease lose their task_id index: their (task_id, labeler_id) unique index serves
lookups by task as well, and every crowd insert paid for both

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TABLES = ("response", "task_lease")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_task_id")


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_task_id", ["task_id"], unique=False)
