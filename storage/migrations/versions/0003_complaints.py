"""complaints: draft evidence files (sealed) waiting for the citizen to confirm

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import storage.models.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("media_kind", sa.String(length=12), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", storage.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("draft_files", schema=None) as batch_op:
        batch_op.create_index("ix_draft_files_draft", ["draft_id"], unique=False)
        batch_op.create_index("ix_draft_files_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("draft_files", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_files_created")
        batch_op.drop_index("ix_draft_files_draft")
    op.drop_table("draft_files")
