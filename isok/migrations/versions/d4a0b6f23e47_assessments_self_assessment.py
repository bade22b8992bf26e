"""assessments: the client's self-assessment per learning outcome

Revision ID: d4a0b6f23e47
Revises: c3f9a5e12d36
Create Date: 2026-12-05 14:20:00

"""
import sqlalchemy as sa
from alembic import op

import isok.database

# revision identifiers, used by Alembic.
revision = 'd4a0b6f23e47'
down_revision = 'c3f9a5e12d36'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'self_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('outcome_id', sa.Integer(), nullable=False),
        sa.Column('level_code', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('entry_ids', sa.JSON(), nullable=False),
        sa.Column('updated_at', isok.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_self_rating_case_id_case'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outcome_id'], ['learning_outcome.id'],
                                name=op.f('fk_self_rating_outcome_id_learning_outcome')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_self_rating')),
        sa.UniqueConstraint('case_id', 'outcome_id', name=op.f('uq_self_rating_case_id')),
    )
    with op.batch_alter_table('self_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_rating_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_rating_outcome_id'), ['outcome_id'], unique=False)


def downgrade():
    with op.batch_alter_table('self_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_rating_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_self_rating_case_id'))
    op.drop_table('self_rating')
