"""office edits: an office's fields as changed in the console, over offices.yaml

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import storage.models.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_edits",
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", storage.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint("org_id", "office_id"),
    )


def downgrade() -> None:
    op.drop_table("office_edits")
