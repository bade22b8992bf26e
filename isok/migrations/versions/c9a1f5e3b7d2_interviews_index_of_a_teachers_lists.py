"""interviews: an index of each teacher's interviews by status and start, for their bounded lists

Revision ID: c9a1f5e3b7d2
Revises: b4e8c2d7f1a3
Create Date: 2026-12-05 20:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9a1f5e3b7d2'
down_revision = 'b4e8c2d7f1a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.create_index('ix_interview_teacher_status_start', ['teacher_id', 'status', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_index('ix_interview_teacher_status_start')
