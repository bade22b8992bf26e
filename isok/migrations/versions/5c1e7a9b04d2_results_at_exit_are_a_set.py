"""cases, reports: results at exit and at the follow-up are a set (labour-market status, education, qualification)

A case recorded one situation, so a leaver in work and in training counted once. Each situation becomes the set it
meant: employment of either kind is "employed", job searching stays, "inactive" is "neither", and "in education or
training" is "neither" with the education flag; "unknown" is no status. The participation records follow the same
rule, so reports read the same figures before their next sync.

Revision ID: 5c1e7a9b04d2
Revises: 7c1afb352524
Create Date: 2026-12-05 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9b04d2'
down_revision = '7c1afb352524'
branch_labels = None
depends_on = None

RESULT = sa.Enum('employed', 'self_employed', 'job_searching', 'neither', name='labourmarketresult',
                 native_enum=False, length=40)
SITUATION = sa.Enum('employed_short_term', 'employed_long_term', 'self_employed', 'education_or_training',
                    'job_searching', 'inactive', 'unknown', name='situation', native_enum=False, length=40)
STATUS_OF_SITUATION = {'employed_short_term': 'employed', 'employed_long_term': 'employed',
                       'self_employed': 'self_employed', 'job_searching': 'job_searching', 'inactive': 'neither',
                       'education_or_training': 'neither'}
# (old situation column, new status column, new education column, new qualification column or None)
MOMENTS = [('exit_situation', 'exit_labour_status', 'exit_in_education', 'exit_qualification'),
           ('follow_up_situation', 'follow_up_labour_status', 'follow_up_in_education', None)]
TABLES = ('case', 'participation')


def _add_columns(table):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for _old, status, education, qualification in MOMENTS:
            batch_op.add_column(sa.Column(status, RESULT, nullable=True))
            batch_op.add_column(sa.Column(education, sa.Boolean(), nullable=False, server_default=sa.false()))
            if qualification:
                batch_op.add_column(sa.Column(qualification, sa.Boolean(), nullable=False,
                                              server_default=sa.false()))


def _drop_server_defaults(table):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for _old, _status, education, qualification in MOMENTS:
            for name in (education, qualification):
                if name:
                    batch_op.alter_column(name, existing_type=sa.Boolean(), server_default=None)


def upgrade():
    bind = op.get_bind()
    for table in TABLES:
        _add_columns(table)
        for old, status, education, _qualification in MOMENTS:
            target = sa.table(table, sa.column(old), sa.column(status), sa.column(education, sa.Boolean()))
            for situation, new in STATUS_OF_SITUATION.items():
                bind.execute(target.update().where(target.c[old] == situation).values(
                    {status: new, education: situation == 'education_or_training'}))
        _drop_server_defaults(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for old, *_new in MOMENTS:
                batch_op.drop_column(old)


def downgrade():
    bind = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for old, *_new in MOMENTS:
                batch_op.add_column(sa.Column(old, SITUATION, nullable=True))
        for old, status, education, _qualification in MOMENTS:
            target = sa.table(table, sa.column(old), sa.column(status), sa.column(education, sa.Boolean()))
            # One situation again: employment and job searching first, then education, then the rest.
            bind.execute(target.update().values({old: sa.case(
                (target.c[status] == 'employed', 'employed_long_term'),
                (target.c[status] == 'self_employed', 'self_employed'),
                (target.c[status] == 'job_searching', 'job_searching'),
                (target.c[education].is_(True), 'education_or_training'),
                (target.c[status] == 'neither', 'inactive'),
                else_=None)}))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _old, status, education, qualification in MOMENTS:
                for name in (status, education, qualification):
                    if name:
                        batch_op.drop_column(name)
