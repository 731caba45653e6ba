"""evidence copy state: officer copies are rebuilt by the worker (issue 15)

Every existing copy goes back to pending: copies made before this passed HEIC photos,
PDFs and QuickTime location keys through as sent, so the worker rebuilds them all from
the sealed originals, and until then officers are shown none.

Revision ID: 0012
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("copy_state", sa.String(8), nullable=False,
                                   server_default="pending"))
        batch.add_column(sa.Column("copy_claimed_until", sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("copy_attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.create_index("ix_evidence_copy_state", ["copy_state"])
    op.execute("UPDATE evidence SET sealed_clean = NULL")


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_index("ix_evidence_copy_state")
        batch.drop_column("copy_attempts")
        batch.drop_column("copy_claimed_until")
        batch.drop_column("copy_state")
