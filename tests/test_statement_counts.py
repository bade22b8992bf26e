"""Every everyday page sends the same number of SQL statements however many records it shows.

One client's whole journey is built, each role's pages are opened and their statements counted; then the records
those pages list grow (more guidance, appointments, consents, portfolio entries, and more cases for the same
counsellor and teacher) and the counts must not move: a page that loads its rows one by one fails here.
"""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assessment.interviews import services as interview_services
from assessment.interviews.models import Interview
from cases import services as case_services
from cases.models import ClientType, ConsentPurpose, GuidanceKind
from isok.database import utcnow
from isok.extensions import db
from isok.network import services as network_services
from portfolio import services as portfolio_services
from portfolio.models import Section
from tests import client_world
from tests.conftest import log_in
from tests.statements import recorded_statements


@pytest.fixture
def world(client, make_user, make_organisation):
    network_services.save_settings(
        None,
        name="ISOK",
        code="S30947",
        starts_on=date(2025, 1, 1),
        ends_on=date(2030, 12, 31),
        rule_set="esf_plus_2021_2027",
        suppression_threshold=5,
    )
    return client_world.build(client, make_user, make_organisation)


def _pages(world, teacher) -> dict:
    case, client = world.case, world.client
    return {
        case.counsellor: ["/", "/cases", f"/cases/{case.id}", f"/clients/{client.id}", f"/cases/{case.id}/portfolio"],
        teacher: ["/", "/interviews/mine", f"/cases/{case.id}/portfolio"],
        world.user: ["/", f"/cases/{case.id}/portfolio"],
        world.manager: ["/", "/network/"],
    }


def _counts(http, pages: dict) -> dict:
    """The statements of each page, by user and address."""
    counts = {}
    http.post("/logout")
    for user, urls in pages.items():
        log_in(http, user)
        for url in urls:
            assert http.get(url).status_code == 200, url  # warm: what a first request caches is not the page's
            with recorded_statements() as statements:
                assert http.get(url).status_code == 200, url
            counts[(user.email, url)] = statements
        http.post("/logout")
    return counts


def _more_of_everything(world, teacher, first: int, count: int) -> None:
    """More of each kind of row the pages list: on the client's own case, and more cases for the same staff."""
    counsellor, case, client = world.case.counsellor, world.case, world.client
    today = case_services.today()
    for n in range(first, first + count):
        case_services.add_guidance_entry(
            counsellor, case, on=today - timedelta(days=10 + n), kind=GuidanceKind.PHONE, note=f"Call {n}"
        )
        case_services.schedule_appointment(
            counsellor, case, starts_at=utcnow() + timedelta(days=3 + n), kind=GuidanceKind.INDIVIDUAL_GUIDANCE
        )
        portfolio_services.add_entry(world.user, case, Section.WORK, f"Kitchen job {n}", {"country": "SY"}, "en")
    for purpose in (ConsentPurpose.VALIDATION, ConsentPurpose.STATISTICS)[first : first + count]:
        case_services.record_consent(
            counsellor, client, purpose=purpose, given_on=today - timedelta(days=5), information_language="ar"
        )
    for n in range(first, first + count):
        other = case_services.register_client(
            counsellor, case.organisation, first_name="Ayan", last_name=f"Farah{n}", birth_date=date(1991, 2, n + 1)
        )
        other_case = case_services.open_case(
            counsellor,
            other,
            organisation=case.organisation,
            client_type=ClientType.SHORT_TERM,
            entry_date=today - timedelta(days=20),
            counsellor=counsellor,
        )
        case_services.schedule_appointment(
            counsellor, other_case, starts_at=utcnow() + timedelta(days=5 + n), kind=GuidanceKind.PHONE
        )
        db.session.flush()
        interview_services.schedule_interview(
            counsellor,
            other_case,
            teacher=teacher,
            starts_at=utcnow() + timedelta(days=7, hours=2 * n),
            duration_minutes=60,
            place="Room 12",
            video_link=None,
        )
    db.session.commit()


def test_no_everyday_page_grows_its_statements_with_its_rows(client, world):
    teacher = db.session.scalar(select(Interview).where(Interview.case_id == world.case.id)).teacher
    pages = _pages(world, teacher)
    _more_of_everything(world, teacher, 0, 1)  # one of each: a list's first row may bring its own query
    few = _counts(client, pages)
    _more_of_everything(world, teacher, 1, 5)
    many = _counts(client, pages)
    grown = {
        page: (len(few[page]), len(many[page]), list((Counter(many[page]) - Counter(few[page])).elements()))
        for page in few
        if len(many[page]) != len(few[page])
    }
    assert not grown, "\n\n".join(
        f"{page}: {before} -> {after}\n" + "\n".join(more) for page, (before, after, more) in grown.items()
    )
