"""reports: the progress of each case the report counts (its dates and the day it first reached each stage)

Kept in step at every commit like the participation records; filled here from the cases and their stage history,
so the report counts the same cases right after the upgrade.

Revision ID: 3f6b0d2e8c51
Revises: a7d3e91c5b20
Create Date: 2026-12-05 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6b0d2e8c51'
down_revision = 'a7d3e91c5b20'
branch_labels = None
depends_on = None

STAGES = ('identification', 'documentation', 'assessment', 'certification', 'closed')


def upgrade():
    op.create_table('case_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('study_months_saved', sa.Integer(), nullable=True),
    *(sa.Column(f'{stage}_on', sa.Date(), nullable=True) for stage in STAGES),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_progress_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_case_progress_client_id_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_progress')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_progress_case_id'))
    )
    with op.batch_alter_table('case_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_progress_client_id'), ['client_id'], unique=False)

    case = sa.table('case', sa.column('id'), sa.column('client_id'), sa.column('entry_date'), sa.column('exit_date'),
                    sa.column('study_months_saved'))
    change = sa.table('stage_change', sa.column('case_id'), sa.column('to_stage'), sa.column('on'))
    progress = sa.table('case_progress', *(sa.column(name) for name in (
        'case_id', 'client_id', 'entry_date', 'exit_date', 'study_months_saved', *(f'{stage}_on' for stage in STAGES))))
    reached = sa.select(
        case.c.id, case.c.client_id, case.c.entry_date, case.c.exit_date, case.c.study_months_saved,
        *(sa.func.min(sa.case((change.c.to_stage == stage, change.c.on))) for stage in STAGES),
    ).select_from(case.outerjoin(change, change.c.case_id == case.c.id)).group_by(
        case.c.id, case.c.client_id, case.c.entry_date, case.c.exit_date, case.c.study_months_saved)
    op.get_bind().execute(progress.insert().from_select(list(progress.c.keys()), reached))


def downgrade():
    with op.batch_alter_table('case_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_progress_client_id'))

    op.drop_table('case_progress')
