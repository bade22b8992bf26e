"""certificates: a seal's private key may stay in the installation's hardware token (PKCS#11), named by its label

Revision ID: 5d0c3a9e1f42
Revises: 5e780d12fbbc
Create Date: 2026-12-05 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d0c3a9e1f42'
down_revision = '5e780d12fbbc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_seal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_key_label', sa.String(length=200), nullable=True))
        batch_op.alter_column('encrypted_key', existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # A seal whose key is in the token has no key to keep in the database: going back would lose it.
    if op.get_bind().execute(sa.text("SELECT 1 FROM organisation_seal WHERE token_key_label IS NOT NULL")).first():
        raise RuntimeError("Some seals keep their key in a hardware token; install them as files before downgrading.")
    with op.batch_alter_table('organisation_seal', schema=None) as batch_op:
        batch_op.alter_column('encrypted_key', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('token_key_label')
