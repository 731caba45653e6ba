"""officer console: signed-in sessions, last TOTP step per officer

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import storage.models.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('console_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', storage.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', storage.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index('ix_console_sessions_officer', 'console_sessions', ['officer_id'])
    op.create_table('console_totp_use',
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('last_step', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('officer_id')
    )
    # A supervisor's queue spans every office: ordered by deadline without an office.
    op.create_index('ix_cases_due', 'cases', ['due_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_due', table_name='cases')
    op.drop_table('console_totp_use')
    op.drop_index('ix_console_sessions_officer', table_name='console_sessions')
    op.drop_table('console_sessions')
