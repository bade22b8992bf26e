"""notices to people without an account (interpreters), the interpreter of an interview, failed jobs run again

Revision ID: b7e2c4a9f031
Revises: b7e2c4a91f30
Create Date: 2026-12-05 16:10:00

"""
import sqlalchemy as sa
from alembic import op

import isok.database

# revision identifiers, used by Alembic.
revision = 'b7e2c4a9f031'
down_revision = 'b7e2c4a91f30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interpreter_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('interpreter_email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('failed_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_again_at', isok.database.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('failed_job', schema=None) as batch_op:
        batch_op.drop_column('run_again_at')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_column('interpreter_email')
        batch_op.drop_column('interpreter_name')
    op.execute("DELETE FROM notice WHERE user_id IS NULL")
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('locale')
        batch_op.drop_column('email')
