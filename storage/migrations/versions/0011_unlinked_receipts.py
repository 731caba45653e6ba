"""unlinked receipts: outbox rows forgotten once sent (an anonymous case's receipt over
LINE) and one-time receipt nonces for the web tip (issue 15)

Revision ID: 0011
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.models.types import UTCDateTime

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("forget_when_sent", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "receipt_nonces",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_receipt_nonces_expires", "receipt_nonces", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_receipt_nonces_expires", table_name="receipt_nonces")
    op.drop_table("receipt_nonces")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("forget_when_sent")
