"""Factories for frameworks, cases with a target qualification, and interviews, built through the services."""

import json
from datetime import date, timedelta
from itertools import count

import pytest

from assessment import framework_services, interview_services
from assessment.framework_services import SAMPLE_FRAMEWORKS_DIR
from cases.models import Case, Client, ClientType, Stage
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db

_sequence = count(1)


def framework_document(code="TEST-Q", scale="fi-vocational-1-5", units=2, outcomes=3) -> dict:
    """A small valid framework document."""
    return {
        "code": code,
        "name": {"fi": "Testitutkinto", "sv": "Testexamen", "en": "Test qualification"},
        "scale": scale,
        "units": [
            {"code": f"U{u}", "name": {"fi": f"Osa {u}", "en": f"Unit {u}"}, "credits": 10 * u,
             "outcomes": [{"code": f"U{u}.{o}", "text": {"fi": f"osaa asian {u}.{o}", "en": f"can do {u}.{o}"},
                           "criteria": {"1": {"en": "with guidance"}, "3": {"en": "independently"}}}
                          for o in range(1, outcomes + 1)]}
            for u in range(1, units + 1)
        ],
    }


def sample_text(name="catering.json") -> str:
    return (SAMPLE_FRAMEWORKS_DIR / name).read_text(encoding="utf-8")


@pytest.fixture
def client(app):
    """A client whose browser asks for English, so pages read as the source strings whatever the catalogues say."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def scales(app):
    framework_services.load_scales(None)
    db.session.commit()


@pytest.fixture
def make_version(scales, make_user):
    """A framework version from a document (published unless told otherwise)."""

    def make(doc=None, publish=True, actor=None):
        actor = actor or make_user(Role.ADMIN)
        version = framework_services.import_framework(actor, json.dumps(doc or framework_document()))
        if publish:
            framework_services.publish_version(actor, version)
        db.session.commit()
        return version

    return make


@pytest.fixture
def make_case(app, make_organisation, make_user):
    """A case (built on the models: the cases package's services live in another branch) in a given organisation,
    optionally with a target qualification."""

    def make(organisation=None, counsellor=None, version=None, client_user=None, stage=Stage.ASSESSMENT,
             first_name="Amina"):
        organisation = organisation or make_organisation()
        client = Client(first_name=first_name, last_name=f"Client{next(_sequence)}",
                        user_id=client_user.id if client_user else None)
        case = Case(client=client, organisation_id=organisation.id, counsellor_id=counsellor.id if counsellor else None,
                    client_type=ClientType.LONG_TERM, stage=stage, entry_date=date.today())
        db.session.add(case)
        db.session.flush()
        if version is not None:
            framework_services.set_target_qualification(None, case, version)
        db.session.commit()
        return case

    return make


@pytest.fixture
def make_interview(app):
    """Book an interview; past start times are booked as if a week earlier."""

    def make(case, teacher, starts_in=timedelta(days=3), duration=60, actor=None, **fields):
        starts_at = (utcnow() + starts_in).replace(microsecond=0)
        interview = interview_services.schedule_interview(
            actor, case, teacher=teacher, starts_at=starts_at, duration_minutes=duration,
            place=fields.pop("place", "Room 1"), as_of=starts_at - timedelta(days=7), **fields)
        db.session.commit()
        return interview

    return make
