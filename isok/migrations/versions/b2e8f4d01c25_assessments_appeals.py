"""assessments: the client's appeal (a rectification request) and the organisation's period for it

Revision ID: b2e8f4d01c25
Revises: a1d7e3c90b14
Create Date: 2026-12-05 14:00:00

"""
import sqlalchemy as sa
from alembic import op

import isok.database

# revision identifiers, used by Alembic.
revision = 'b2e8f4d01c25'
down_revision = 'a1d7e3c90b14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appeal_days', sa.Integer(), server_default='14', nullable=False))
    op.create_table(
        'appeal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', isok.database.UTCDateTime(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('reviewer_assigned_at', isok.database.UTCDateTime(), nullable=True),
        sa.Column('status', sa.Enum('open', 'upheld', 'changed', name='appealstatus', native_enum=False,
                                    length=40), nullable=False),
        sa.Column('decided_at', isok.database.UTCDateTime(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_appeal_assessment_id_assessment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_appeal_requested_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_appeal_reviewer_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal')),
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_status'))
        batch_op.drop_index(batch_op.f('ix_appeal_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_appeal_assessment_id'))
    op.drop_table('appeal')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('appeal_days')
