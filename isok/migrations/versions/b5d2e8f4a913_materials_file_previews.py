"""materials: a small preview picture of a material's file (a picture, a PDF's first page)

Revision ID: b5d2e8f4a913
Revises: b7e2c4a9f031
Create Date: 2026-12-05 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d2e8f4a913'
down_revision = 'b7e2c4a9f031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('material_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('material_file', schema=None) as batch_op:
        batch_op.drop_column('preview_sha256')
