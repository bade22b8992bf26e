"""assessments: evidence links the client proposes, confirmed by staff

Revision ID: b7e2c4a91f30
Revises: a7c3e5d10b42
Create Date: 2026-12-05 16:00:00

"""
import sqlalchemy as sa
from alembic import op

import isok.database

# revision identifiers, used by Alembic.
revision = 'b7e2c4a91f30'
down_revision = 'a7c3e5d10b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_client', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('confirmed_at', isok.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_evidence_link_confirmed_by_id_user'), 'user', ['confirmed_by_id'],
                                    ['id'], ondelete='SET NULL')
    # every link made so far was made by staff: confirmed when made
    op.execute("UPDATE evidence_link SET confirmed_at = created_at, confirmed_by_id = created_by_id")


def downgrade():
    op.execute("DELETE FROM evidence_link WHERE confirmed_at IS NULL")
    with op.batch_alter_table('evidence_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_link_confirmed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('by_client')
