"""ratings: satisfaction with a closed case or an answer (issue 7)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import storage.models.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=8), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('office_id', sa.String(length=40), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('sealed_comment', sa.LargeBinary(), nullable=True),
    sa.Column('offered_at', storage.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rated_at', storage.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_rated', ['org_id', 'rated_at'], unique=False)
        batch_op.create_index('ix_ratings_case', ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_case')
        batch_op.drop_index('ix_ratings_rated')
    op.drop_table('ratings')
