"""reports: the data version and the computed reports kept with it

Revision ID: 9e4b2c7d1a30
Revises: 5a6da5a5a1f8
Create Date: 2026-12-05 11:00:00

"""
from alembic import op
import sqlalchemy as sa

import isok.database


# revision identifiers, used by Alembic.
revision = '9e4b2c7d1a30'
down_revision = '5a6da5a5a1f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cached_report',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', isok.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_cached_report'))
    )
    op.create_table('report_data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_data_version'))
    )


def downgrade():
    op.drop_table('report_data_version')
    op.drop_table('cached_report')
