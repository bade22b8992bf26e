"""portfolio: entries marked shareable with a workplace (with the client's consent)

Revision ID: e4b7c2d91a06
Revises: bdd76d8ae0f9
Create Date: 2026-12-05 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7c2d91a06'
down_revision = 'bdd76d8ae0f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('portfolio_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shareable', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('portfolio_entry', schema=None) as batch_op:
        batch_op.drop_column('shareable')
