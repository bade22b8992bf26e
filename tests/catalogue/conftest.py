from datetime import date, time, timedelta

import pytest

from cases.models import Gender
from isok.accounts.models import OrganisationType, Role
from isok.catalogue import services
from isok.catalogue.models import Completion, TraineeRole
from isok.catalogue.services import Payer, Person, SessionInput
from isok.extensions import db
from isok.network import services as network_services

TODAY = date.today()


@pytest.fixture
def manager(make_user):
    return make_user(Role.PROJECT_MANAGER)


@pytest.fixture
def provider(make_organisation):
    """The organisation offering the courses, a member of the network."""
    organisation = make_organisation(name="Savonia", type=OrganisationType.EDUCATION_PROVIDER, business_id="0172195-0")
    network_services.add_partner(None, organisation, first_cooperation_on=date(2025, 1, 1))
    db.session.commit()
    return organisation


@pytest.fixture
def member_org(make_organisation):
    organisation = make_organisation(name="Guidance Centre", type=OrganisationType.PUBLIC_BODY)
    network_services.add_partner(None, organisation, first_cooperation_on=date(2025, 1, 1))
    db.session.commit()
    return organisation


@pytest.fixture
def publisher(make_user, provider):
    return make_user(Role.TEACHER, organisation=provider, name="Paula Publisher")


@pytest.fixture
def counsellor(make_user, member_org):
    return make_user(Role.COUNSELLOR, organisation=member_org, name="Leena Ohjaaja")


def course_fields(organisation, **overrides) -> dict:
    start = overrides.pop("starts_in", 30)
    fields = {
        "organisation": organisation,
        "title": {"fi": "Hygieniaosaaminen", "sv": "Hygienkompetens", "en": "Food hygiene"},
        "description": {"fi": "Kurssi", "en": "A course"},
        "audience": {},
        "prerequisites": {},
        "text_language": "fi",
        "field": "10",
        "level": 4,
        "credits": 2,
        "mode": "place",
        "place": "Kuopio",
        "seats": 2,
        "enrolment_opens_on": TODAY - timedelta(days=10),
        "enrolment_closes_on": TODAY + timedelta(days=start - 2),
        "sessions": [
            SessionInput(TODAY + timedelta(days=start), start_time=time(9), end_time=time(15)),
            SessionInput(TODAY + timedelta(days=start + 1), start_time=time(9), end_time=time(15)),
        ],
        "languages": ["fi"],
        "open_to": "everyone",
        "programme": False,
        "graded": True,
        "pricing_rule": "per_participant",
        "member_fee": 60,
        "outside_fee": 120,
        "contact_name": "Kurssisihteeri",
        "contact_email": "courses@savonia.example",
        "contact_phone": None,
        "unit_ids": [],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_course(app, publisher, provider):
    def make(actor=None, publish=True, **overrides):
        course = services.create_course(actor or publisher, publish=publish, **course_fields(provider, **overrides))
        db.session.commit()
        return course

    return make


@pytest.fixture
def make_training(app, manager, make_organisation):
    """A training of the programme (a course marked `programme`), held on past dates."""

    def make(title="Validation basics", starts_on=date(2025, 4, 1), ends_on=date(2025, 4, 2), organisation=None):
        course = services.create_course(
            manager,
            publish=True,
            **course_fields(
                organisation or make_organisation(),
                title={"en": title},
                text_language="en",
                programme=True,
                sessions=[SessionInput(starts_on, ends_on)],
                seats=30,
                enrolment_opens_on=starts_on - timedelta(days=30),
                enrolment_closes_on=starts_on,
                pricing_rule="free_for_members",
                member_fee=0,
                outside_fee=0,
            ),
        )
        db.session.commit()
        return course

    return make


@pytest.fixture
def make_participant(app, manager, make_organisation):
    def make(
        training,
        name="Anna Korhonen",
        organisation=None,
        role=TraineeRole.COUNSELLOR,
        gender=Gender.FEMALE,
        completed_on=None,
    ):
        enrolment = services.record_participant(
            manager,
            training,
            Person(name=name, organisation=organisation or make_organisation(), role=role, gender=gender),
            completion=Completion.COMPLETED if completed_on else None,
            completed_on=completed_on,
        )
        db.session.commit()
        return enrolment

    return make


def outside_payer(**overrides) -> Payer:
    fields = {
        "name": "Etelä-Savon koulutuskeskus Oy",
        "business_id": "2345670-5",
        "contact": "Riitta Laukkanen",
        "email": "billing@outside.example",
        "reference": "PO-17",
    }
    fields.update(overrides)
    return Payer(**fields)


def outside_person(name="Olli Outsider", **overrides) -> Person:
    return Person(
        name=name, email="olli@outside.example", organisation_name="Etelä-Savon koulutuskeskus Oy", **overrides
    )
