"""cases: counts kept in step with the cases (by counsellor and stage; clients by their latest entry date)

Revision ID: b4e8c2d7f1a3
Revises: b4e2c7a19d03
Create Date: 2026-12-05 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b4e8c2d7f1a3'
down_revision = 'b4e2c7a19d03'
branch_labels = None
depends_on = None

STAGES = ('identification', 'documentation', 'assessment', 'certification', 'closed')


def upgrade():
    op.create_table(
        'case_stage_count',
        sa.Column('counsellor_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stage', sa.Enum(*STAGES, name='stage', native_enum=False, length=40), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('counsellor_key', 'stage', name=op.f('pk_case_stage_count')),
    )
    op.create_table(
        'client_latest_entry',
        sa.Column('client_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('entry_date', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_client_latest_entry_client_id_client')),
        sa.PrimaryKeyConstraint('client_id', name=op.f('pk_client_latest_entry')),
    )
    op.create_table(
        'latest_entry_count',
        sa.Column('entry_date', sa.Date(), nullable=False),
        sa.Column('clients', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('entry_date', name=op.f('pk_latest_entry_count')),
    )
    # Filled from the cases there are (cases/counts.py keeps them in step from here on).
    op.execute(
        'INSERT INTO case_stage_count (counsellor_key, stage, cases) '
        'SELECT coalesce(counsellor_id, 0), stage, count(*) FROM "case" GROUP BY coalesce(counsellor_id, 0), stage'
    )
    op.execute(
        'INSERT INTO client_latest_entry (client_id, entry_date) '
        'SELECT client_id, max(entry_date) FROM "case" GROUP BY client_id'
    )
    op.execute(
        'INSERT INTO latest_entry_count (entry_date, clients) '
        'SELECT entry_date, count(*) FROM client_latest_entry GROUP BY entry_date'
    )


def downgrade():
    op.drop_table('latest_entry_count')
    op.drop_table('client_latest_entry')
    op.drop_table('case_stage_count')
