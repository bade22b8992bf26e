"""cases: an index of cases by client and entry date, for the count of clients who started validation

Revision ID: a7d3e91c5b20
Revises: e5c1a7d09b42
Create Date: 2026-12-05 19:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7d3e91c5b20'
down_revision = 'e5c1a7d09b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_client_entry', ['client_id', 'entry_date'], unique=False)


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_client_entry')
