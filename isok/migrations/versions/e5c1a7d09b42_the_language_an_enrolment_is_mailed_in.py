"""the language a person enrolled without an account is mailed in

Revision ID: e5c1a7d09b42
Revises: c245e21261e5
Create Date: 2026-12-05 17:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5c1a7d09b42'
down_revision = 'c245e21261e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_column('locale')
