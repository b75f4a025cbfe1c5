"""job_task: an index in the order tasks are served, so a fetch reads only the tasks it takes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_task", schema=None) as batch_op:
        batch_op.drop_index("ix_job_task_open")
        batch_op.create_index(
            "ix_job_task_serve", ["job_id", "done", "response_count", "sort_index", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("job_task", schema=None) as batch_op:
        batch_op.drop_index("ix_job_task_serve")
        batch_op.create_index("ix_job_task_open", ["job_id", "done", "response_count"], unique=False)
