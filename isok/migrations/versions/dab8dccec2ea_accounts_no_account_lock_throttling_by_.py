"""accounts: no account lock (throttling by address and address with account instead)

Revision ID: dab8dccec2ea
Revises: 2e62db4687a6
Create Date: 2026-12-05 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import isok.database


# revision identifiers, used by Alembic.
revision = 'dab8dccec2ea'
down_revision = '2e62db4687a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', isok.database.UTCDateTime(), nullable=True))
