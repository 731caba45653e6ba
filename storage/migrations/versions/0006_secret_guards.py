"""secret guards: wrong-secret counting for case codes that have no case

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import storage.models.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secret_guards",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("secret_failures", sa.Integer(), nullable=False),
        sa.Column("secret_window_start", storage.models.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("locked_until", storage.models.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_secret_guards_locked_until", "secret_guards", ["locked_until"])


def downgrade() -> None:
    op.drop_index("ix_secret_guards_locked_until", table_name="secret_guards")
    op.drop_table("secret_guards")
