"""channel names up to 16 characters: a case or a rating can come from "messenger"
(issue 20); String(8) held "line" and "web"

Revision ID: 0016
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("cases", "ratings")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("channel", type_=sa.String(16), existing_type=sa.String(8),
                               existing_nullable=False)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("channel", type_=sa.String(8), existing_type=sa.String(16),
                               existing_nullable=False)
