"""catalogue: courses, sessions, the network's rules, enrolments; the programme's trainings become courses

Revision ID: 25efe00d3735
Revises: 9e4b2c7d1a30
Create Date: 2026-12-05 09:52:43.520873

"""
from alembic import op
import sqlalchemy as sa

import isok.database


# revision identifiers, used by Alembic.
revision = '25efe00d3735'
down_revision = '9e4b2c7d1a30'
branch_labels = None
depends_on = None


# The tables as this revision reads and writes them (migrations do not import the models).
training = sa.table('training', sa.column('id', sa.Integer), sa.column('title', sa.String),
                    sa.column('organisation_id', sa.Integer), sa.column('starts_on', sa.Date),
                    sa.column('ends_on', sa.Date), sa.column('place', sa.String), sa.column('description', sa.Text),
                    sa.column('created_at', isok.database.UTCDateTime), sa.column('version', sa.Integer))
participant = sa.table('training_participant', sa.column('id', sa.Integer), sa.column('training_id', sa.Integer),
                       sa.column('name', sa.String), sa.column('name_key', sa.String),
                       sa.column('organisation_id', sa.Integer), sa.column('role', sa.String),
                       sa.column('gender', sa.String), sa.column('completed_on', sa.Date),
                       sa.column('created_at', isok.database.UTCDateTime))
organisation = sa.table('organisation', sa.column('id', sa.Integer), sa.column('name', sa.String))
partnership = sa.table('partnership', sa.column('organisation_id', sa.Integer),
                       sa.column('first_cooperation_on', sa.Date))
course = sa.table('course', *(sa.column(name, kind) for name, kind in [
    ('id', sa.Integer), ('organisation_id', sa.Integer), ('title', sa.JSON), ('description', sa.JSON),
    ('audience', sa.JSON), ('prerequisites', sa.JSON), ('text_language', sa.String), ('field', sa.String),
    ('mode', sa.String), ('place', sa.String), ('seats', sa.Integer), ('seats_taken', sa.Integer),
    ('enrolment_opens_on', sa.Date), ('enrolment_closes_on', sa.Date), ('starts_on', sa.Date), ('ends_on', sa.Date),
    ('open_to', sa.String), ('programme', sa.Boolean), ('graded', sa.Boolean), ('pricing_rule', sa.String),
    ('member_fee_cents', sa.Integer), ('outside_fee_cents', sa.Integer), ('contact_name', sa.String),
    ('contact_email', sa.String), ('status', sa.String), ('schedule_version', sa.Integer),
    ('search_text', sa.Text), ('created_at', isok.database.UTCDateTime), ('updated_at', isok.database.UTCDateTime),
    ('version', sa.Integer)]))
course_session = sa.table('course_session', sa.column('course_id', sa.Integer), sa.column('starts_on', sa.Date),
                          sa.column('ends_on', sa.Date))
course_language = sa.table('course_language', sa.column('course_id', sa.Integer), sa.column('code', sa.String))
enrolment = sa.table('enrolment', *(sa.column(name, kind) for name, kind in [
    ('course_id', sa.Integer), ('status', sa.String), ('enrolled_at', isok.database.UTCDateTime),
    ('name', sa.String), ('name_key', sa.String), ('organisation_id', sa.Integer),
    ('organisation_name', sa.String), ('organisation_key', sa.String), ('role', sa.String), ('gender', sa.String),
    ('member', sa.Boolean), ('pricing_rule', sa.String), ('price_cents', sa.Integer),
    ('free_cancellation_until', sa.Date), ('late_cancellation_percent', sa.Integer), ('terms', sa.JSON),
    ('cancelled_by_provider', sa.Boolean), ('cancellation_charge_cents', sa.Integer), ('completion', sa.String),
    ('completed_on', sa.Date), ('version', sa.Integer)]))


def _trainings_to_courses():
    """Each training of the programme becomes a published course marked `programme`, held in place, free for
    members and closed for enrolment; each participant becomes a confirmed seat, completed where they completed.
    The titles were typed in the deployment's language, which defaults to Finnish."""
    bind = op.get_bind()
    names = dict(bind.execute(sa.select(organisation.c.id, organisation.c.name)).all())
    for row in bind.execute(sa.select(training).order_by(training.c.id)).all():
        people = bind.execute(sa.select(participant).where(participant.c.training_id == row.id)
                              .order_by(participant.c.id)).all()
        texts = " ".join([row.title, row.description or "", names.get(row.organisation_id, ""), row.place or ""])
        course_id = bind.execute(course.insert().returning(course.c.id).values(
            organisation_id=row.organisation_id, title={"fi": row.title},
            description={"fi": row.description} if row.description else {}, audience={}, prerequisites={},
            text_language="fi", field="01", mode="place", place=row.place, seats=max(len(people), 1),
            seats_taken=len(people), enrolment_opens_on=row.starts_on, enrolment_closes_on=row.starts_on,
            starts_on=row.starts_on, ends_on=row.ends_on, open_to="members", programme=True, graded=False,
            pricing_rule="free_for_members", member_fee_cents=0, outside_fee_cents=0,
            contact_name=names.get(row.organisation_id, ""), contact_email="", status="published",
            schedule_version=0, search_text=" ".join(texts.split()).casefold(), created_at=row.created_at,
            updated_at=row.created_at, version=1)).scalar_one()
        bind.execute(course_session.insert().values(course_id=course_id, starts_on=row.starts_on,
                                                    ends_on=row.ends_on))
        bind.execute(course_language.insert().values(course_id=course_id, code="fi"))
        sessions = [[row.starts_on.isoformat(), row.ends_on.isoformat(), None, None, None]]
        for person in people:
            member = bind.execute(sa.select(partnership.c.organisation_id).where(
                partnership.c.organisation_id == person.organisation_id,
                partnership.c.first_cooperation_on <= row.starts_on)).first() is not None
            bind.execute(enrolment.insert().values(
                course_id=course_id, status="confirmed", enrolled_at=person.created_at, name=person.name,
                name_key=person.name_key, organisation_id=person.organisation_id,
                organisation_name=names.get(person.organisation_id, ""),
                organisation_key=f"org:{person.organisation_id}", role=person.role, gender=person.gender,
                member=member, pricing_rule="free_for_members", price_cents=0, free_cancellation_until=row.starts_on,
                late_cancellation_percent=0, cancelled_by_provider=False, cancellation_charge_cents=0,
                terms={"recorded_by_provider": True, "migrated_from_training": row.id, "sessions": sessions,
                       "schedule_version": 0},
                completion="completed" if person.completed_on else None, completed_on=person.completed_on,
                version=1))


def _courses_to_trainings():
    """Back: the programme's courses become trainings and their confirmed seats of registered organisations
    participants (enrolments of outside organisations and every other course have no place there)."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(course).where(course.c.programme.is_(True)).order_by(course.c.id)).all()
    for row in rows:
        title = next((row.title[code] for code in ("fi", "en", "sv") if row.title.get(code)),
                     next(iter(row.title.values()), ""))
        description = next((text for text in (row.description or {}).values() if text), None)
        training_id = bind.execute(training.insert().returning(training.c.id).values(
            title=title[:200], organisation_id=row.organisation_id, starts_on=row.starts_on, ends_on=row.ends_on,
            place=row.place, description=description, created_at=row.created_at, version=1)).scalar_one()
        seats = bind.execute(sa.select(enrolment).where(enrolment.c.course_id == row.id,
                                                        enrolment.c.status == "confirmed",
                                                        enrolment.c.organisation_id.is_not(None))).all()
        seen = set()
        for seat in seats:
            if (seat.name_key, seat.organisation_id) in seen:
                continue
            seen.add((seat.name_key, seat.organisation_id))
            bind.execute(participant.insert().values(
                training_id=training_id, name=seat.name, name_key=seat.name_key,
                organisation_id=seat.organisation_id, role=seat.role or "other", gender=seat.gender or "not_stated",
                completed_on=seat.completed_on, created_at=seat.enrolled_at))


def upgrade():
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('prerequisites', sa.JSON(), nullable=False),
    sa.Column('text_language', sa.String(length=10), nullable=False),
    sa.Column('field', sa.Enum('00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', name='field', native_enum=False, length=40), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('credits', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('online', 'place', 'blended', name='mode', native_enum=False, length=40), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), nullable=False),
    sa.Column('enrolment_opens_on', sa.Date(), nullable=False),
    sa.Column('enrolment_closes_on', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('open_to', sa.Enum('everyone', 'members', name='opento', native_enum=False, length=40), nullable=False),
    sa.Column('programme', sa.Boolean(), nullable=False),
    sa.Column('graded', sa.Boolean(), nullable=False),
    sa.Column('pricing_rule', sa.Enum('free_for_members', 'per_participant', 'per_credit', 'per_course', name='pricingrule', native_enum=False, length=40), nullable=False),
    sa.Column('member_fee_cents', sa.Integer(), nullable=False),
    sa.Column('outside_fee_cents', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'cancelled', name='coursestatus', native_enum=False, length=40), nullable=False),
    sa.Column('cancelled_reason', sa.Text(), nullable=True),
    sa.Column('schedule_version', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 0', name=op.f('ck_course_seats_not_negative')),
    sa.CheckConstraint('seats_taken >= 0', name=op.f('ck_course_seats_taken_not_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_course_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_field'), ['field'], unique=False)
        batch_op.create_index('ix_course_listing', ['status', 'ends_on', 'starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_programme'), ['programme'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_starts_on'), ['starts_on'], unique=False)

    op.create_table('course_language',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_language_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'code', name=op.f('pk_course_language'))
    )
    with op.batch_alter_table('course_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_language_code'), ['code'], unique=False)

    op.create_table('course_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_course_session_ends_after_start')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_session_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_session'))
    )
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_session_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_session_starts_on'), ['starts_on'], unique=False)

    op.create_table('network_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pricing', sa.JSON(), nullable=False),
    sa.Column('cancellation', sa.JSON(), nullable=False),
    sa.Column('responsibilities', sa.JSON(), nullable=False),
    sa.Column('free_cancellation_days', sa.Integer(), nullable=False),
    sa.Column('late_cancellation_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_rules_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_rules'))
    )
    op.create_table('course_unit',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_unit_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['framework_unit.id'], name=op.f('fk_course_unit_unit_id_framework_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'unit_id', name=op.f('pk_course_unit'))
    )
    with op.batch_alter_table('course_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waiting', 'cancelled', name='enrolmentstatus', native_enum=False, length=40), nullable=False),
    sa.Column('enrolled_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_key', sa.String(length=220), nullable=False),
    sa.Column('role', sa.Enum('counsellor', 'teacher', 'other', name='traineerole', native_enum=False, length=40), nullable=True),
    sa.Column('gender', sa.Enum('female', 'male', 'other', 'not_stated', name='gender', native_enum=False, length=40), nullable=True),
    sa.Column('member', sa.Boolean(), nullable=False),
    sa.Column('payer_name', sa.String(length=200), nullable=True),
    sa.Column('payer_business_id', sa.String(length=9), nullable=True),
    sa.Column('payer_contact', sa.String(length=200), nullable=True),
    sa.Column('payer_email', sa.String(length=254), nullable=True),
    sa.Column('payer_reference', sa.String(length=100), nullable=True),
    sa.Column('pricing_rule', sa.Enum('free_for_members', 'per_participant', 'per_credit', 'per_course', name='pricingrule', native_enum=False, length=40), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('free_cancellation_until', sa.Date(), nullable=False),
    sa.Column('late_cancellation_percent', sa.Integer(), nullable=False),
    sa.Column('rules_id', sa.Integer(), nullable=True),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('terms_accepted_at', isok.database.UTCDateTime(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('promoted_at', isok.database.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', isok.database.UTCDateTime(), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_by_provider', sa.Boolean(), nullable=False),
    sa.Column('cancellation_charge_cents', sa.Integer(), nullable=False),
    sa.Column('completion', sa.Enum('completed', 'not_completed', name='completion', native_enum=False, length=40), nullable=True),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('grade is null or (grade >= 1 and grade <= 5)', name=op.f('ck_enrolment_grade_1_to_5')),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_enrolment_price_not_negative')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['user.id'], name=op.f('fk_enrolment_cancelled_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_enrolment_client_id_client'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_enrolment_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['user.id'], name=op.f('fk_enrolment_enrolled_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_enrolment_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['rules_id'], ['network_rules.id'], name=op.f('fk_enrolment_rules_id_network_rules')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_enrolment_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_enrolment_token_hash'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_completed_on'), ['completed_on'], unique=False)
        batch_op.create_index('ix_enrolment_course_status', ['course_id', 'status', 'enrolled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_enrolled_by_id'), ['enrolled_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_payer_business_id'), ['payer_business_id'], unique=False)
        batch_op.create_index('ix_enrolment_person', ['name_key', 'organisation_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_user_id'), ['user_id'], unique=False)

    _trainings_to_courses()

    with op.batch_alter_table('training_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_participant_completed_on'))
        batch_op.drop_index(batch_op.f('ix_training_participant_name_key'))
        batch_op.drop_index(batch_op.f('ix_training_participant_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_training_participant_training_id'))

    op.drop_table('training_participant')
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_training_starts_on'))

    op.drop_table('training')


def downgrade():
    op.create_table('training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', isok.database.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training'))
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('training_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('counsellor', 'teacher', 'other', name='traineerole', native_enum=False, length=40), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', 'other', 'not_stated', name='gender', native_enum=False, length=40), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', isok.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_participant_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], name=op.f('fk_training_participant_training_id_training'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_participant')),
    sa.UniqueConstraint('training_id', 'name_key', 'organisation_id', name=op.f('uq_training_participant_training_id'))
    )
    with op.batch_alter_table('training_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_participant_training_id'), ['training_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_participant_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_participant_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_participant_completed_on'), ['completed_on'], unique=False)

    _courses_to_trainings()

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_user_id'))
        batch_op.drop_index('ix_enrolment_person')
        batch_op.drop_index(batch_op.f('ix_enrolment_payer_business_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_enrolled_by_id'))
        batch_op.drop_index('ix_enrolment_course_status')
        batch_op.drop_index(batch_op.f('ix_enrolment_completed_on'))
        batch_op.drop_index(batch_op.f('ix_enrolment_client_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('course_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_unit_unit_id'))

    op.drop_table('course_unit')
    op.drop_table('network_rules')
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_session_starts_on'))
        batch_op.drop_index(batch_op.f('ix_course_session_course_id'))

    op.drop_table('course_session')
    with op.batch_alter_table('course_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_language_code'))

    op.drop_table('course_language')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_starts_on'))
        batch_op.drop_index(batch_op.f('ix_course_programme'))
        batch_op.drop_index(batch_op.f('ix_course_organisation_id'))
        batch_op.drop_index('ix_course_listing')
        batch_op.drop_index(batch_op.f('ix_course_field'))

    op.drop_table('course')
