"""A workplace tutor works for a company outside the school: they reach their placements' pages (the client's name,
the tasks, the units and criteria, their own ratings and the joint result), never the case, the client record, the
portfolio or the qualification catalogue."""

from datetime import date, timedelta

from sqlalchemy import func, select

from assessment.assessments.models import Assessment, AssessorRole, Rating
from assessment.placements import services as placement_services
from cases import services as case_services
from cases.models import ConsentPurpose
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from isok.translation import force_locale
from isok.translation import gettext as _
from portfolio import services as portfolio_services
from portfolio.models import Section
from tests.assessment.conftest import build_assessment, submit_ratings
from tests.assessment.placements.test_views import _rating_form
from tests.conftest import log_in


def test_tutor_reaches_the_placement_and_nothing_of_the_case(client, setup):
    setup.case.client.latin_name = "Latin Transliteration"
    setup.case.client.phone = "+358 40 1234567"
    db.session.commit()
    log_in(client, setup.tutor)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/cases"' not in home and 'href="/frameworks"' not in home
    page = client.get(f"/placements/{setup.placement.id}").get_data(as_text=True)
    assert setup.case.client.full_name in page and "Latin Transliteration" in page and "Kitchen work" in page
    assert setup.version.units[0].code in page
    assert "+358 40 1234567" not in page and f"/cases/{setup.case.id}" not in page
    assert client.get(f"/assessments/{setup.assessment.id}").status_code == 200
    assert client.get(f"/assessments/{setup.assessment.id}/rate").status_code == 200
    for url in (
        "/cases",
        "/cases/export.csv",
        f"/cases/{setup.case.id}",
        f"/clients/{setup.case.client_id}",
        f"/cases/{setup.case.id}/portfolio",
        "/frameworks",
        f"/frameworks/versions/{setup.version.id}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/cases/{setup.case.id}/assessment").status_code == 404


def test_tutor_with_two_placements_sees_each_client_only_in_its_placement(client, setup, people):
    second = build_assessment(people.counsellor, people.teacher, people.tutor, people.hotel, people.home)
    db.session.commit()
    log_in(client, setup.tutor)
    first_page = client.get(f"/placements/{setup.placement.id}").get_data(as_text=True)
    second_page = client.get(f"/placements/{second.placement.id}").get_data(as_text=True)
    assert setup.case.client.full_name in first_page and second.case.client.full_name not in first_page
    assert second.case.client.full_name in second_page and setup.case.client.full_name not in second_page
    for case in (setup.case, second.case):
        assert client.get(f"/cases/{case.id}").status_code == 403


def test_tutor_of_an_ended_placement_reads_their_ratings_and_gives_nothing_new(client, setup):
    submit_ratings(setup.tutor, setup.assessment)
    submit_ratings(setup.teacher, setup.assessment)
    setup.placement.start_date = date.today() - timedelta(days=120)
    setup.placement.end_date = date.today() - timedelta(days=60)
    db.session.commit()
    log_in(client, setup.tutor)
    assert "Waiting for your assessment" not in client.get("/").get_data(as_text=True)
    sheet = client.get(f"/assessments/{setup.assessment.id}/rate")
    assert sheet.status_code == 200 and "Seen at work" in sheet.get_data(as_text=True)
    assert client.get(f"/assessments/{setup.assessment.id}/reconcile").status_code == 200

    # a tutor of an ended placement who never rated cannot start now; nothing is saved
    tutor_sheet = db.session.get(Assessment, setup.assessment.id).assessor_in(AssessorRole.WORKPLACE_TUTOR)
    tutor_sheet.submitted_at = None
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Rating))
    response = client.post(
        f"/assessments/{setup.assessment.id}/rate",
        data=_rating_form(setup.assessment, level="3", action="submit", conflict="no"),
    )
    assert response.status_code == 400 and "nothing new can be given" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Rating)) == before


def test_revoked_tutor_link_answers_not_found(client, setup):
    link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    placement_services.revoke_tutor_link(setup.counsellor, link)
    db.session.commit()
    assert client.get(f"/placement-link/{token}").status_code == 404
    assert client.post(f"/placement-link/{token}/start").status_code == 404


# --- consent decides what leaves the school --------------------------------------------------------------------


def _share(setup, workplace_name=None):
    """A shareable and a private portfolio item, and the client's consent naming `workplace_name`."""
    counsellor, client = setup.counsellor, setup.case.client
    shared = portfolio_services.add_entry(
        counsellor,
        setup.case,
        Section.WORK,
        "Breakfast cook",
        {"employer": "Hotel Aleppo", "tasks": "Breakfast buffet for 80"},
        "en",
        shareable=True,
    )
    private = portfolio_services.add_entry(counsellor, setup.case, Section.GOALS, "Own restaurant", {}, "en")
    consent = None
    if workplace_name:
        consent = case_services.record_consent(
            counsellor,
            client,
            purpose=ConsentPurpose.SHARE_WITH_WORKPLACE,
            workplace=workplace_name,
            given_on=date.today(),
            information_language="en",
        )
    db.session.commit()
    return shared, private, consent


def test_tutor_sees_shareable_items_only_while_the_consent_names_their_workplace(client, setup):
    shared, private, consent = _share(setup, f"  {setup.workplace.name.upper()} ")
    log_in(client, setup.tutor)
    page = client.get(f"/placements/{setup.placement.id}").get_data(as_text=True)
    assert "Breakfast cook" in page and "Breakfast buffet for 80" in page and "Own restaurant" not in page
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "view_shared", AuditEntry.actor_id == setup.tutor.id)
        )
        is not None
    )

    case_services.withdraw_consent(setup.counsellor, consent, date.today())
    db.session.commit()
    page = client.get(f"/placements/{setup.placement.id}").get_data(as_text=True)
    assert "Breakfast cook" not in page and "Breakfast buffet" not in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "consent_withdrawn")) is not None


def test_nothing_is_shared_without_a_consent_for_that_workplace(client, setup):
    _share(setup, "Some Other Restaurant Oy")
    log_in(client, setup.tutor)
    page = client.get(f"/placements/{setup.placement.id}").get_data(as_text=True)
    assert "Breakfast cook" not in page and "Shared by the client" not in page


def test_an_ended_placement_shares_nothing_new(client, setup):
    _share(setup, setup.workplace.name)
    setup.placement.start_date = date.today() - timedelta(days=120)
    setup.placement.end_date = date.today() - timedelta(days=60)
    db.session.commit()
    log_in(client, setup.tutor)
    assert "Breakfast cook" not in client.get(f"/placements/{setup.placement.id}").get_data(as_text=True)


def test_the_client_sees_who_sees_what_of_theirs_in_their_language(client, setup, make_user):
    _share(setup, setup.workplace.name)
    user = make_user(Role.CLIENT, locale="fi")
    case_services.link_user(setup.counsellor, setup.case.client, user)
    db.session.commit()
    log_in(client, user)
    page = client.get("/my-case").get_data(as_text=True)
    assert setup.tutor.name in page and setup.workplace.name in page and "Breakfast cook" in page
    assert "Own restaurant" not in page
    with force_locale("fi"):
        assert _("Who can see what of yours right now") in page
        assert _("Who can see what of yours right now") != "Who can see what of yours right now"
