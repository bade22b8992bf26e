"""reports: participation records, recorded results, corrections, submitted reports

Revision ID: 927ad911d37e
Revises: b3a28745f127
Create Date: 2026-11-25 00:28:24.326898

"""
from alembic import op
import sqlalchemy as sa

import isok.database

# revision identifiers, used by Alembic.
revision = '927ad911d37e'
down_revision = 'b3a28745f127'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submitted_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('half', sa.Integer(), nullable=False),
    sa.Column('rule_set', sa.String(length=40), nullable=False),
    sa.Column('period_figures', sa.JSON(), nullable=False),
    sa.Column('cumulative_figures', sa.JSON(), nullable=False),
    sa.Column('submitted_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_submitted_report_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submitted_report')),
    sa.UniqueConstraint('year', 'half', name=op.f('uq_submitted_report_year'))
    )

    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('case_count', sa.Integer(), nullable=False),
    sa.Column('client_type', sa.Enum('long_term', 'short_term', name='clienttype', native_enum=False, length=40), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', 'other', 'not_stated', name='gender', native_enum=False, length=40), nullable=False),
    sa.Column('age_at_entry', sa.Integer(), nullable=True),
    sa.Column('labour_status', sa.Enum('unemployed', 'inactive', 'employed', name='labourstatus', native_enum=False, length=40), nullable=True),
    sa.Column('long_term_unemployed', sa.Boolean(), nullable=False),
    sa.Column('in_education_or_training', sa.Boolean(), nullable=False),
    sa.Column('self_employed', sa.Boolean(), nullable=False),
    sa.Column('isced_level', sa.Integer(), nullable=True),
    sa.Column('third_country_national', sa.Enum('yes', 'no', 'declined', 'not_asked', name='answer', native_enum=False, length=40), nullable=False),
    sa.Column('foreign_background', sa.Enum('yes', 'no', 'declined', 'not_asked', name='answer', native_enum=False, length=40), nullable=False),
    sa.Column('minority', sa.Enum('yes', 'no', 'declined', 'not_asked', name='answer', native_enum=False, length=40), nullable=False),
    sa.Column('disability', sa.Enum('yes', 'no', 'declined', 'not_asked', name='answer', native_enum=False, length=40), nullable=False),
    sa.Column('homeless', sa.Enum('yes', 'no', 'declined', 'not_asked', name='answer', native_enum=False, length=40), nullable=False),
    sa.Column('rural', sa.Enum('yes', 'no', 'declined', 'not_asked', name='answer', native_enum=False, length=40), nullable=False),
    sa.Column('entry_frozen_at', isok.database.UTCDateTime(), nullable=True),
    sa.Column('entry_frozen_in', sa.String(length=7), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('exit_situation', sa.Enum('employed_short_term', 'employed_long_term', 'self_employed', 'education_or_training', 'job_searching', 'inactive', 'unknown', name='situation', native_enum=False, length=40), nullable=True),
    sa.Column('qualification_certified', sa.Boolean(), nullable=False),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_situation', sa.Enum('employed_short_term', 'employed_long_term', 'self_employed', 'education_or_training', 'job_searching', 'inactive', 'unknown', name='situation', native_enum=False, length=40), nullable=True),
    sa.Column('client_version', sa.Integer(), nullable=False),
    sa.Column('case_versions', sa.Integer(), nullable=False),
    sa.Column('last_case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_participation_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation')),
    sa.UniqueConstraint('client_id', name=op.f('uq_participation_client_id'))
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_entry_date'), ['entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_exit_date'), ['exit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_follow_up_due'), ['follow_up_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_gender'), ['gender'], unique=False)

    op.create_table('participation_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', isok.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_participation_correction_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participation_id'], ['participation.id'], name=op.f('fk_participation_correction_participation_id_participation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_correction'))
    )
    with op.batch_alter_table('participation_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_correction_participation_id'), ['participation_id'], unique=False)

    op.create_table('recorded_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.Column('qualification_gained', sa.Boolean(), nullable=False),
    sa.Column('responded', sa.Boolean(), nullable=True),
    sa.Column('better_situation', sa.Enum('precarious_to_stable', 'under_to_full', 'higher_skilled_job', 'promotion', name='bettersituation', native_enum=False, length=40), nullable=True),
    sa.Column('updated_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participation_id'], ['participation.id'], name=op.f('fk_recorded_result_participation_id_participation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_recorded_result_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recorded_result')),
    sa.UniqueConstraint('participation_id', name=op.f('uq_recorded_result_participation_id'))
    )


def downgrade():
    op.drop_table('recorded_result')
    with op.batch_alter_table('participation_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_correction_participation_id'))

    op.drop_table('participation_correction')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_gender'))
        batch_op.drop_index(batch_op.f('ix_participation_follow_up_due'))
        batch_op.drop_index(batch_op.f('ix_participation_exit_date'))
        batch_op.drop_index(batch_op.f('ix_participation_entry_date'))

    op.drop_table('participation')
    op.drop_table('submitted_report')
