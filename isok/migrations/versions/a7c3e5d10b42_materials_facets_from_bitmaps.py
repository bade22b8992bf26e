"""materials: the search's facets from bitmaps kept in memory, rebuilt when the bank's version changes

Revision ID: a7c3e5d10b42
Revises: d4a0b6f23e47
Create Date: 2026-12-05 16:30:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5d10b42'
down_revision = 'd4a0b6f23e47'
branch_labels = None
depends_on = None


def upgrade():
    bank = op.create_table('material_bank',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_bank'))
    )
    op.bulk_insert(bank, [{'id': 1, 'generation': secrets.randbits(62), 'version': 0}])
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index('ix_material_facets')
        batch_op.drop_column('units_served')
        batch_op.add_column(sa.Column('bank_version', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_material_bank_version'), ['bank_version'], unique=False)


def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_bank_version'))
        batch_op.drop_column('bank_version')
        batch_op.add_column(sa.Column('units_served', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_material_facets', ['status', 'licence', 'audience_mask', 'language_mask', 'kind',
                                                     'field', 'organisation_id', 'units_served'], unique=False)
    op.execute(
        "UPDATE material SET units_served = "
        "(SELECT count(*) FROM material_unit WHERE material_unit.material_id = material.id)"
    )
    op.drop_table('material_bank')
