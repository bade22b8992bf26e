"""placements: the counsellor's record of an early end and its reason

Revision ID: a1d7e3c90b14
Revises: 6660cc6515b0
Create Date: 2026-12-05 13:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1d7e3c90b14'
down_revision = '6660cc6515b0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_early_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_early_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_column('ended_early_reason')
        batch_op.drop_column('ended_early_on')
