"""materials: the full-text index takes each change into the index proper (GIN fastupdate off)

With fastupdate on, PostgreSQL keeps new entries in a pending list that every search reads whole until a vacuum
moves them: after a bulk load a word search read 3.3 ms of pending entries instead of 0.5 ms of index. The bank is
read far more often than written, so each write pays instead.

Revision ID: b4e2c7a19d03
Revises: 3f6b0d2e8c51
Create Date: 2026-12-05 20:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b4e2c7a19d03'
down_revision = '3f6b0d2e8c51'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_material_search SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_material_search'::regclass)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_material_search RESET (fastupdate)")
