"""assessments: the teacher's judgement of each piece of evidence against the four rules of evidence

Revision ID: c3f9a5e12d36
Revises: b2e8f4d01c25
Create Date: 2026-12-05 14:10:00

"""
import sqlalchemy as sa
from alembic import op

import isok.database

# revision identifiers, used by Alembic.
revision = 'c3f9a5e12d36'
down_revision = 'b2e8f4d01c25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evidence_judgement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('outcome_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('valid', sa.Boolean(), nullable=False),
        sa.Column('authentic', sa.Boolean(), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('sufficient', sa.Boolean(), nullable=False),
        sa.Column('judged_by_id', sa.Integer(), nullable=True),
        sa.Column('judged_at', isok.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'],
                                name=op.f('fk_evidence_judgement_assessment_id_assessment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['judged_by_id'], ['user.id'], name=op.f('fk_evidence_judgement_judged_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['outcome_id'], ['learning_outcome.id'],
                                name=op.f('fk_evidence_judgement_outcome_id_learning_outcome')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_judgement')),
        sa.UniqueConstraint('assessment_id', 'outcome_id', 'source', 'ref_id',
                            name=op.f('uq_evidence_judgement_assessment_id')),
    )
    with op.batch_alter_table('evidence_judgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_judgement_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_judgement_outcome_id'), ['outcome_id'], unique=False)


def downgrade():
    with op.batch_alter_table('evidence_judgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_judgement_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_judgement_assessment_id'))
    op.drop_table('evidence_judgement')
