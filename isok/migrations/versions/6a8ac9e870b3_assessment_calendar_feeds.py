"""assessment: calendar feeds

Revision ID: 6a8ac9e870b3
Revises: 0325f05b3abc
Create Date: 2026-11-24 23:45:57.517499

"""
from alembic import op
import sqlalchemy as sa

import isok.database

# revision identifiers, used by Alembic.
revision = '6a8ac9e870b3'
down_revision = '0325f05b3abc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', isok.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_calendar_feed_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feed_user_id'))
    )


def downgrade():
    op.drop_table('calendar_feed')
