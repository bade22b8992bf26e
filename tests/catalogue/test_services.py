"""The catalogue's rules: who offers what, enrolment with a payment commitment, the waiting list, cancellation
charges, frozen terms, completion and a client's data."""

from datetime import date, time, timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from cases import services as case_services
from cases.models import Gender
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.catalogue import queries, services
from isok.catalogue.models import Completion, CourseStatus, EnrolmentStatus
from isok.catalogue.services import CatalogueError, Payer, Person, SessionInput
from isok.extensions import db
from tests.catalogue.conftest import TODAY, course_fields, outside_payer, outside_person


def refused(field=None, match=None):
    return pytest.raises(CatalogueError, match=match, check=lambda error: field is None or error.field == field)


def actions():
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def staff_enrol(user, course, **payer):
    enrolment, _token = services.enrol(
        user,
        course,
        Person(name=user.name, email=user.email, user=user),
        Payer(contact=user.name, email=user.email, business_id="2345670-5", **payer),
        accept_terms=True,
    )
    db.session.commit()
    return enrolment


def outside_enrol(course, name="Olli Outsider", **payer):
    enrolment, token = services.enrol(
        AnonymousUserMixin(), course, outside_person(name), outside_payer(**payer), accept_terms=True
    )
    db.session.commit()
    return enrolment, token


# --- offering courses ------------------------------------------------------------------------------------------


def test_an_organisation_offers_courses_only_in_its_own_name(app, publisher, make_organisation):
    other = make_organisation(name="Somebody Else")
    with refused("organisation_id"):
        services.create_course(publisher, **course_fields(other))
    course = services.create_course(publisher, **course_fields(publisher.organisation))
    assert (course.status, course.starts_on, course.ends_on) == (
        CourseStatus.DRAFT,
        TODAY + timedelta(days=30),
        TODAY + timedelta(days=31),
    )
    assert "course_created" in actions()


def test_a_course_needs_its_title_in_its_own_language_and_a_place_unless_online(app, publisher, provider):
    with refused("title"):
        services.create_course(publisher, **course_fields(provider, title={"en": "Only English"}))
    with refused("place"):
        services.create_course(publisher, **course_fields(provider, place=" "))
    assert services.create_course(publisher, **course_fields(provider, place=None, mode="online")).place is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sessions": []}, "sessions"),
        ({"sessions": [SessionInput(TODAY, start_time=time(10))]}, "sessions"),
        ({"sessions": [SessionInput(TODAY, TODAY + timedelta(days=1), time(9), time(10))]}, "sessions"),
        ({"sessions": [SessionInput(TODAY, TODAY - timedelta(days=1))]}, "sessions"),
        ({"seats": 0}, "seats"),
        ({"enrolment_closes_on": TODAY - timedelta(days=20)}, "enrolment_closes_on"),
        ({"enrolment_closes_on": TODAY + timedelta(days=90)}, "enrolment_closes_on"),
        ({"languages": []}, "languages"),
        ({"level": 9}, "level"),
        ({"pricing_rule": "free_for_members", "member_fee": 10}, "member_fee"),
        ({"pricing_rule": "per_credit", "credits": None}, "credits"),
        ({"member_fee": -1}, "member_fee"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"unit_ids": [987654]}, "unit_ids"),
        ({"field": "99"}, "field"),
    ],
)
def test_bad_course_input_is_refused_on_its_field(app, publisher, provider, overrides, field):
    with refused(field):
        services.create_course(publisher, **course_fields(provider, **overrides))


def test_another_organisation_cannot_change_a_course(app, make_course, make_user, make_organisation):
    course = make_course()
    stranger = make_user(Role.TEACHER, organisation=make_organisation())
    with refused(None, match="Only the organisation offering"):
        services.update_course(stranger, course, **course_fields(course.organisation, seats=9))


def test_prices_follow_the_rule_for_members_and_outsiders(app, make_course):
    assert (
        services.price_cents(make_course(pricing_rule="free_for_members", member_fee=0, outside_fee=90), member=True)
        == 0
    )
    per_credit = make_course(pricing_rule="per_credit", member_fee=15, outside_fee=30, credits=5)
    assert (services.price_cents(per_credit, True), services.price_cents(per_credit, False)) == (7500, 15000)
    per_course = make_course(pricing_rule="per_course", member_fee=400, outside_fee=900)
    assert services.price_cents(per_course, False) == 90000


# --- enrolment -------------------------------------------------------------------------------------------------


def test_a_member_enrols_at_the_member_price_and_an_outsider_at_the_outside_price(app, make_course, counsellor):
    course = make_course()
    mine = staff_enrol(counsellor, course)
    theirs, token = outside_enrol(course)
    assert (mine.member, mine.price_cents, mine.status) == (True, 6000, EnrolmentStatus.CONFIRMED)
    assert (theirs.member, theirs.price_cents, theirs.payer_business_id) == (False, 12000, "2345670-5")
    assert token and theirs.token_hash and services.find_by_token(token) == theirs
    assert mine.payer_name == counsellor.organisation.name and mine.organisation_id == counsellor.organisation_id
    assert actions().count("enrolment_created") == 2


def test_a_full_course_puts_the_next_person_on_the_waiting_list_and_a_cancellation_moves_them_up(
    app, make_course, counsellor
):
    course = make_course(seats=1)
    first = staff_enrol(counsellor, course)
    second, _ = outside_enrol(course, "Waiting Wanda")
    third, _ = outside_enrol(course, "Third Thomas")
    assert (first.status, second.status, third.status) == (
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITING,
        EnrolmentStatus.WAITING,
    )
    assert (services.waiting_position(second), services.waiting_position(third)) == (1, 2)
    assert services.cancel_enrolment(counsellor, first) == 0  # before the free-cancellation date
    db.session.commit()
    db.session.refresh(second)
    assert second.status is EnrolmentStatus.CONFIRMED and second.promoted_at is not None
    assert services.waiting_position(third) == 1
    assert db.session.get(type(course), course.id).seats_taken == 1
    assert "enrolment_promoted" in actions()


def test_more_seats_move_the_waiting_list_up(app, make_course, counsellor, publisher):
    course = make_course(seats=1)
    staff_enrol(counsellor, course)
    waiting, _ = outside_enrol(course)
    services.update_course(publisher, course, **course_fields(course.organisation, seats=2))
    db.session.commit()
    assert waiting.status is EnrolmentStatus.CONFIRMED


def test_enrolment_outside_its_period_is_refused(app, make_course, counsellor):
    course = make_course()
    with refused(None, match="closed on"):
        services.enrol(
            counsellor,
            course,
            Person(name="X", user=counsellor),
            Payer(business_id="2345670-5", contact="X", email="x@x.fi"),
            accept_terms=True,
            on=course.enrolment_closes_on + timedelta(days=1),
        )
    with refused(None, match="opens on"):
        services.enrol(
            counsellor,
            course,
            Person(name="X", user=counsellor),
            Payer(business_id="2345670-5", contact="X", email="x@x.fi"),
            accept_terms=True,
            on=course.enrolment_opens_on - timedelta(days=1),
        )


def test_the_same_person_cannot_enrol_twice(app, make_course, counsellor):
    course = make_course()
    staff_enrol(counsellor, course)
    with refused("name"):
        staff_enrol(counsellor, course)
    outside_enrol(course)
    with refused("name"):
        outside_enrol(course, "  olli   OUTSIDER ")


@pytest.mark.parametrize("business_id", ["1234567-8", "2345670", "ABC", "12345678-5", ""])
def test_an_invalid_business_id_is_refused_and_nothing_is_saved(app, make_course, business_id):
    course = make_course()
    with refused("payer_business_id"):
        outside_enrol(course, business_id=business_id)
    db.session.rollback()
    assert db.session.get(type(course), course.id).seats_taken == 0


def test_a_payment_commitment_needs_accepted_terms_a_contact_and_an_address(app, make_course):
    course = make_course()
    with refused("accept_terms"):
        services.enrol(AnonymousUserMixin(), course, outside_person(), outside_payer(), accept_terms=False)
    with refused("payer_contact"):
        services.enrol(AnonymousUserMixin(), course, outside_person(), outside_payer(contact=""), accept_terms=True)
    with refused("payer_email"):
        services.enrol(AnonymousUserMixin(), course, outside_person(), outside_payer(email="x"), accept_terms=True)


def test_a_members_only_course_refuses_outside_organisations(app, make_course, counsellor):
    course = make_course(open_to="members")
    with refused(None, match="member organisations only"):
        outside_enrol(course)
    assert staff_enrol(counsellor, course).status is EnrolmentStatus.CONFIRMED


def test_drafts_and_cancelled_courses_take_no_enrolments(app, make_course, publisher, counsellor):
    with refused(None, match="not open"):
        staff_enrol(counsellor, make_course(publish=False))
    course = make_course()
    services.cancel_course(publisher, course, "Too few")
    with refused(None, match="cancelled"):
        staff_enrol(counsellor, course)


def test_a_client_cannot_enrol_while_signed_in(app, make_course, make_user, provider):
    with refused(None, match="cannot enrol"):
        staff_enrol(make_user(Role.CLIENT, organisation=provider), make_course())


# --- terms frozen at enrolment ---------------------------------------------------------------------------------


def test_later_changes_of_price_and_dates_leave_the_accepted_terms_alone(app, make_course, counsellor, publisher):
    course = make_course()
    enrolment = staff_enrol(counsellor, course)
    accepted = dict(enrolment.terms)
    moved = [SessionInput(TODAY + timedelta(days=40), start_time=time(9), end_time=time(15))]
    services.update_course(publisher, course, **course_fields(course.organisation, member_fee=99, sessions=moved))
    db.session.commit()
    db.session.refresh(enrolment)
    assert (enrolment.price_cents, enrolment.terms) == (6000, accepted)
    assert course.schedule_version == 1 and course.starts_on == TODAY + timedelta(days=40)
    assert enrolment.terms["sessions"] != course.schedule()  # the enrolled person is shown the change


def test_a_stale_edit_is_refused(app, make_course, publisher):
    course = make_course()
    with refused(None, match="Someone else saved"):
        services.update_course(
            publisher, course, version=course.version - 1, **course_fields(course.organisation, seats=5)
        )


# --- cancellation ----------------------------------------------------------------------------------------------


def test_cancelling_after_the_free_date_is_charged_the_accepted_share(app, make_course, counsellor):
    course = make_course(starts_in=10)  # the free cancellation ended four days ago (14 days before the start)
    enrolment = staff_enrol(counsellor, course)
    assert enrolment.free_cancellation_until == course.starts_on - timedelta(days=14)
    assert services.cancel_enrolment(counsellor, enrolment) == 3000  # 50 % of 60 €
    db.session.commit()
    assert (enrolment.status, enrolment.cancellation_charge_cents) == (EnrolmentStatus.CANCELLED, 3000)


def test_changed_dates_make_a_late_cancellation_free(app, make_course, counsellor, publisher):
    course = make_course(starts_in=10)
    enrolment = staff_enrol(counsellor, course)
    moved = [SessionInput(TODAY + timedelta(days=11), start_time=time(9), end_time=time(15))]
    services.update_course(
        publisher,
        course,
        **course_fields(course.organisation, sessions=moved, enrolment_closes_on=TODAY + timedelta(days=8)),
    )
    assert services.cancel_enrolment(counsellor, enrolment) == 0


def test_the_rules_in_force_at_enrolment_decide_the_charge(app, make_course, counsellor, manager):
    services.save_rules(
        manager,
        pricing={"en": "P"},
        cancellation={"en": "C"},
        responsibilities={"en": "R"},
        free_cancellation_days=2,
        late_cancellation_percent=100,
    )
    course = make_course(starts_in=10)
    enrolment = staff_enrol(counsellor, course)
    services.save_rules(
        manager,
        pricing={"en": "P"},
        cancellation={"en": "C2"},
        responsibilities={"en": "R"},
        free_cancellation_days=30,
        late_cancellation_percent=10,
    )
    assert enrolment.terms["cancellation_terms"] == {"en": "C"}
    assert services.cancel_enrolment(counsellor, enrolment) == 0  # eight days before: free under its rules


def test_the_provider_cancels_free_of_charge_and_a_cancelled_course_cancels_everyone(
    app, make_course, counsellor, publisher
):
    course = make_course(starts_in=10)
    enrolment = staff_enrol(counsellor, course)
    waiting, _ = outside_enrol(course, "A")
    outside_enrol(course, "B")
    assert services.cancel_enrolment(publisher, enrolment, by_provider=True) == 0
    assert services.cancel_course(publisher, course, "The teacher fell ill") == 2
    db.session.commit()
    statuses = {e.status for e in course_enrolments(course)}
    assert statuses == {EnrolmentStatus.CANCELLED} and course.seats_taken == 0
    assert all(e.cancellation_charge_cents == 0 for e in course_enrolments(course))
    assert waiting.cancelled_by_provider


def test_only_the_provider_cancels_on_the_providers_behalf(app, make_course, counsellor):
    enrolment = staff_enrol(counsellor, make_course())
    with refused(None, match="on its behalf"):
        services.cancel_enrolment(counsellor, enrolment, by_provider=True)


def course_enrolments(course):
    return queries.course_enrolments(course.id)


# --- completion ------------------------------------------------------------------------------------------------


def test_completion_and_grade_are_recorded_by_the_provider(app, make_course, counsellor, publisher):
    course = make_course(
        starts_in=-5, enrolment_opens_on=TODAY - timedelta(days=30), enrolment_closes_on=TODAY - timedelta(days=7)
    )
    enrolment = services.record_participant(
        publisher, course, Person(name="Anna", organisation=counsellor.organisation)
    )
    with refused(None, match="Only the organisation"):
        services.record_completion(counsellor, enrolment, completion="completed")
    with refused("grade"):
        services.record_completion(publisher, enrolment, completion="not_completed", grade="3")
    with refused("grade"):
        services.record_completion(publisher, enrolment, completion="completed", grade="7")
    services.record_completion(publisher, enrolment, completion="completed", grade="4")
    assert (enrolment.completion, enrolment.grade, enrolment.completed_on) == (Completion.COMPLETED, 4, course.ends_on)
    with refused(None, match="completion is recorded"):
        services.cancel_enrolment(publisher, enrolment, by_provider=True)


def test_a_waiting_place_cannot_complete(app, make_course, counsellor, publisher):
    course = make_course(seats=1)
    staff_enrol(counsellor, course)
    waiting, _ = outside_enrol(course)
    with refused("completion"):
        services.record_completion(publisher, waiting, completion="completed")


# --- a client's enrolments ---------------------------------------------------------------------------------------


def test_a_counsellor_enrols_a_client_they_manage_and_erasure_removes_who_it_was(
    app, make_course, counsellor, make_user, make_organisation
):
    course = make_course()
    client = case_services.register_client(
        counsellor,
        counsellor.organisation,
        first_name="Rahel",
        last_name="Tesfay",
        gender=Gender.FEMALE,
        birth_date=date(1990, 1, 1),
    )
    db.session.commit()
    stranger = make_user(Role.COUNSELLOR, organisation=make_organisation())
    with refused(None, match="clients whose cases you manage"):
        services.enrol(stranger, course, Person(name="Rahel Tesfay", client=client), Payer(), accept_terms=True)
    enrolment, _ = services.enrol(
        counsellor,
        course,
        Person(name="Rahel Tesfay", client=client),
        Payer(contact="L", email="l@example.org", business_id="2345670-5"),
        accept_terms=True,
    )
    with refused("name"):
        services.enrol(
            counsellor,
            course,
            Person(name="Rahel T.", client=client),
            Payer(contact="L", email="l@example.org", business_id="2345670-5"),
            accept_terms=True,
        )
    assert services.client_enrolments_data(client)[0].data[0]["name"] == "Rahel Tesfay"
    case_services.erase_client(None, client)
    db.session.commit()
    db.session.refresh(enrolment)
    assert (enrolment.name, enrolment.client_id, enrolment.status) == ("(erased)", None, EnrolmentStatus.CONFIRMED)
    created = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "enrolment_created", AuditEntry.object_id == enrolment.id)
    )
    assert created.changes["name"] == "(erased)"


def test_a_programme_training_is_not_for_clients(app, make_training, manager, make_organisation, counsellor):
    training = make_training(starts_on=TODAY + timedelta(days=20), ends_on=TODAY + timedelta(days=20))
    client = case_services.register_client(
        counsellor,
        counsellor.organisation,
        first_name="R",
        last_name="T",
        gender=Gender.FEMALE,
        birth_date=date(1990, 1, 1),
    )
    with refused(None, match="not clients"):
        services.record_participant(
            manager, training, Person(name="R T", client=client, organisation=counsellor.organisation)
        )
