"""model_response: model labelers' verdicts on a job's tasks, kept apart from the crowd's responses

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 22:18:18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_response",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("datapoint_id", sa.String(length=64), nullable=True),
        sa.Column("labeler_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("shown_order", sa.JSON(), nullable=True),
        sa.Column("probability_a", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["labeler_id"], ["labeler.id"], name=op.f("fk_model_response_labeler_id_labeler")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["job_task.id"], name=op.f("fk_model_response_task_id_job_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_response")),
        sa.UniqueConstraint("task_id", "labeler_id", name="uq_model_response"),
    )
    with op.batch_alter_table("model_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_response_job_id"), ["job_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("model_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_response_job_id"))
    op.drop_table("model_response")
