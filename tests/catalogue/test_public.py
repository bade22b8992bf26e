"""The public catalogue: no login, fi/sv/en, filters and text search, a page per course with schema.org JSON-LD, an
Atom feed and an iCalendar feed of the sessions, each checked with the standard's own parser."""

import json
import re
from datetime import time, timedelta

import feedparser
import icalendar
import pytest

from isok.catalogue import services
from isok.catalogue.services import SessionInput
from isok.extensions import db
from tests.catalogue.conftest import TODAY, course_fields, outside_payer


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def catalogue(make_course, publisher):
    """Three current courses and a draft, a past one and a cancelled one that the catalogue does not list."""
    courses = {
        "hygiene": make_course(),
        "finnish": make_course(
            title={"fi": "Suomea työelämään", "sv": "Finska för arbetslivet"},
            field="00",
            mode="online",
            place=None,
            languages=["fi", "en"],
            starts_in=60,
            enrolment_closes_on=TODAY + timedelta(days=50),
            seats=1,
        ),
        "welding": make_course(
            title={"fi": "Hitsauksen perusteet"},
            field="07",
            mode="blended",
            languages=["fi", "uk"],
            starts_in=10,
            enrolment_closes_on=TODAY + timedelta(days=5),
        ),
        "draft": make_course(title={"fi": "Luonnoskurssi"}, publish=False),
        "past": make_course(
            title={"fi": "Mennyt kurssi"},
            starts_in=-20,
            enrolment_opens_on=TODAY - timedelta(days=40),
            enrolment_closes_on=TODAY - timedelta(days=22),
        ),
    }
    cancelled = make_course(title={"fi": "Peruttu kurssi"})
    services.cancel_course(publisher, cancelled, "Too few")
    db.session.commit()
    courses["cancelled"] = cancelled
    return courses


def titles(response) -> list[str]:
    return re.findall(r'<h2 class="card-title"><a href="/courses/\d+"[^>]*>([^<]+)</a>', text(response))


def test_anyone_finds_the_current_courses_soonest_first(client, catalogue):
    response = client.get("/courses/")
    assert response.status_code == 200
    assert titles(response) == ["Hitsauksen perusteet", "Food hygiene", "Suomea työelämään"]
    assert 'href="/courses/"' in text(client.get("/login"))  # the catalogue is linked for visitors


def test_the_list_shows_a_change_at_once(client, catalogue, counsellor, publisher, provider):
    """The list's cards are kept rendered: a seat taken, an edit, a renamed organisation show on the next visit."""
    finnish = catalogue["finnish"]
    assert "1 free seats" in text(client.get("/courses/?q=finska"))
    services.enrol(
        counsellor, finnish, services.Person(name=counsellor.name, user=counsellor), outside_payer(), accept_terms=True
    )
    db.session.commit()
    assert "Full: waiting list" in text(client.get("/courses/?q=finska"))
    services.update_course(
        publisher,
        finnish,
        version=finnish.version,
        **course_fields(provider, title={"fi": "Suomea työhön", "sv": "Finska för arbetslivet"}, seats=1),
    )
    db.session.commit()
    assert "Suomea työhön" in text(client.get("/courses/?q=finska"))
    provider.name = "Savonia-ammattikorkeakoulu"
    db.session.commit()
    assert "Savonia-ammattikorkeakoulu" in text(client.get("/courses/?q=finska"))


def test_a_visitor_searches_in_swedish(client, catalogue):
    response = client.get("/courses/?q=FINSKA+för", headers={"Accept-Language": "sv"})
    assert titles(response) == ["Finska för arbetslivet"] and 'lang="sv"' in text(response)
    assert titles(client.get("/courses/?q=hygienkompetens")) == ["Food hygiene"]
    assert titles(client.get("/courses/?q=100%25")) == []  # a typed % is a character, not a wildcard


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("field=07", ["Hitsauksen perusteet"]),
        ("language=uk", ["Hitsauksen perusteet"]),
        ("mode=online", ["Hitsauksen perusteet", "Suomea työelämään"]),
        ("mode=place", ["Hitsauksen perusteet", "Food hygiene"]),
        ("starts_from={in20}", ["Food hygiene", "Suomea työelämään"]),
        ("starts_until={in20}", ["Hitsauksen perusteet"]),
    ],
)
def test_filters_narrow_the_list(client, catalogue, query, expected):
    assert titles(client.get("/courses/?" + query.format(in20=(TODAY + timedelta(days=20)).isoformat()))) == expected


def test_free_seats_organisation_and_units_filter(client, catalogue, counsellor, provider, make_organisation):
    full = catalogue["finnish"]
    services.enrol(
        counsellor,
        full,
        services.Person(name=counsellor.name, user=counsellor),
        services.Payer(contact="L", email="l@example.org", business_id="2345670-5"),
        accept_terms=True,
    )
    db.session.commit()
    assert "Suomea työelämään" not in titles(client.get("/courses/?free=1"))
    assert len(titles(client.get(f"/courses/?organisation={provider.id}"))) == 3
    assert client.get("/courses/?organisation=abc").status_code == 400  # not one of the choices, told so


def test_a_course_page_carries_schema_org_course_json_ld(client, catalogue):
    course = catalogue["hygiene"]
    page = text(client.get(f"/courses/{course.id}", headers={"Accept-Language": "sv"}))
    data = json.loads(re.search(r'<script type="application/ld\+json">(.+?)</script>', page, re.S).group(1))
    assert (data["@context"], data["@type"], data["name"]) == ("https://schema.org", "Course", "Hygienkompetens")
    assert data["provider"] == {"@type": "Organization", "name": "Savonia"}
    instance = data["hasCourseInstance"][0]
    assert instance["@type"] == "CourseInstance" and instance["courseMode"] == "onsite"
    assert instance["startDate"] == f"{course.starts_on.isoformat()}T09:00:00"
    assert {(o["category"], o["price"], o["priceCurrency"]) for o in data["offers"]} == {
        ("network members", "60.00", "EUR"),
        ("others", "120.00", "EUR"),
    }
    assert data["numberOfCredits"] == 2 and data["inLanguage"] == ["fi"]


def test_drafts_are_not_found_and_cancelled_courses_say_so(client, catalogue):
    assert client.get(f"/courses/{catalogue['draft'].id}").status_code == 404
    assert client.get("/courses/987654").status_code == 404
    assert "Cancelled: Too few" in text(client.get(f"/courses/{catalogue['cancelled'].id}"))


def test_the_atom_feed_is_valid_atom(client, catalogue):
    response = client.get("/courses/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    entries = {entry.title: entry for entry in feed.entries}
    assert "Luonnoskurssi" not in entries and {"Food hygiene", "Peruttu kurssi"} <= set(entries)
    assert entries["Food hygiene"].link.endswith(f"/courses/{catalogue['hygiene'].id}")


def test_the_session_calendar_is_valid_icalendar(client, catalogue, publisher):
    welding = catalogue["welding"]
    services.update_course(
        publisher,
        welding,
        **_fields(
            welding,
            sessions=[
                SessionInput(TODAY + timedelta(days=10), TODAY + timedelta(days=12)),
                SessionInput(TODAY + timedelta(days=14), start_time=time(9, 30), end_time=time(15)),
            ],
        ),
    )
    db.session.commit()
    response = client.get("/courses/sessions.ics")
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert len(events) == 6  # hygiene 2, finnish 2, welding 2; nothing of the draft, the past or the cancelled
    whole = next(e for e in events.values() if e.decoded("DTSTART") == TODAY + timedelta(days=10))
    assert whole.decoded("DTEND") == TODAY + timedelta(days=13)  # whole days end the day after the last
    timed = next(
        e
        for e in events.values()
        if str(e["SUMMARY"]) == "Hitsauksen perusteet" and e.decoded("DTSTART") != TODAY + timedelta(days=10)
    )
    assert timed.decoded("DTSTART").utcoffset() == timedelta(0) and int(timed["SEQUENCE"]) == 1
    one = icalendar.Calendar.from_ical(client.get(f"/courses/{welding.id}/sessions.ics").data)
    assert len(one.walk("VEVENT")) == 2


def _fields(course, **overrides):
    fields = course_fields(
        course.organisation,
        title=course.title,
        field=course.field.value,
        mode=course.mode.value,
        languages=course.languages,
        enrolment_closes_on=course.enrolment_closes_on,
    )
    fields.update(overrides)
    return fields
