"""validation_set, validation_rapid: validation sets and their tasks

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 16:31:31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "validation_set",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("should_alert", sa.Boolean(), nullable=False),
        sa.Column("is_flag_overruled", sa.Boolean(), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_set")),
    )
    with op.batch_alter_table("validation_set", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_validation_set_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "validation_rapid",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("validation_set_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("truth", sa.JSON(), nullable=False),
        sa.Column("asset", sa.JSON(), nullable=False),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("context_asset", sa.JSON(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("feature_flags", sa.JSON(), nullable=False),
        sa.Column("random_correct_probability", sa.Float(), nullable=False),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("sort_index", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["validation_set_id"],
            ["validation_set.id"],
            name=op.f("fk_validation_rapid_validation_set_id_validation_set"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_rapid")),
    )
    with op.batch_alter_table("validation_rapid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_validation_rapid_content_key"), ["content_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_validation_rapid_validation_set_id"), ["validation_set_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("validation_rapid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validation_rapid_validation_set_id"))
        batch_op.drop_index(batch_op.f("ix_validation_rapid_content_key"))

    op.drop_table("validation_rapid")
    with op.batch_alter_table("validation_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validation_set_owner_id"))

    op.drop_table("validation_set")
