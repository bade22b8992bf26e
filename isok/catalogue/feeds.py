"""The catalogue for machines: schema.org JSON-LD of a course, an Atom feed (RFC 4287) of the catalogue and iCalendar
(RFC 5545) files of course sessions. Plain data in, text out; the views pass the URLs.
"""

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from assessment.interviews.calendar import escape_text, fold, utc_stamp
from isok import atom
from isok.catalogue.models import Course, CourseSession, Mode

PRODUCT_ID = "-//isok//course catalogue//EN"
SCHEMA_MODES = {Mode.ONLINE: "online", Mode.PLACE: "onsite", Mode.BLENDED: "blended"}


# --- schema.org ------------------------------------------------------------------------------------------------


def _place(course: Course, place: str | None) -> dict:
    if course.mode is Mode.ONLINE:
        return {"@type": "VirtualLocation"}
    return {"@type": "Place", "name": place or course.place, "address": place or course.place}


def course_jsonld(course: Course, url: str, locale: str) -> str:
    """A Course with its sessions as CourseInstances and its prices as Offers, in the reader's language."""
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "url": url,
        "name": course.text("title", locale),
        "description": course.text("description", locale) or course.text("title", locale),
        "inLanguage": course.languages,
        "provider": {"@type": "Organization", "name": course.organisation.name},
        "teaches": [
            f"{unit.code} {unit.name.get(locale) or next(iter(unit.name.values()), '')}" for unit in course.units
        ],
        "offers": [
            _offer(course, course.member_fee_cents, "network members"),
            _offer(course, course.outside_fee_cents, "others"),
        ],
        "hasCourseInstance": [
            {
                "@type": "CourseInstance",
                "courseMode": SCHEMA_MODES[course.mode],
                "startDate": _iso(session.starts_on, session.start_time),
                "endDate": _iso(session.ends_on, session.end_time),
                "location": _place(course, session.place),
                "inLanguage": course.languages,
            }
            for session in course.sessions
        ],
    }
    if course.level:
        data["educationalLevel"] = f"EQF {course.level}"
    if course.credits:
        data["numberOfCredits"] = course.credits
    if audience := course.text("audience", locale):
        data["audience"] = {"@type": "Audience", "audienceType": audience}
    if prerequisites := course.text("prerequisites", locale):
        data["coursePrerequisites"] = prerequisites
    # Inside <script>, "</" would end the element: escape it the way JSON allows.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _offer(course: Course, cents: int, category: str) -> dict:
    free = course.pricing_rule.value == "free_for_members" and category == "network members"
    return {
        "@type": "Offer",
        "category": category,
        "price": "0.00" if free else f"{cents / 100:.2f}",
        "priceCurrency": "EUR",
        "validFrom": course.enrolment_opens_on.isoformat(),
        "validThrough": course.enrolment_closes_on.isoformat(),
        "availability": "https://schema.org/InStock" if course.free_seats else "https://schema.org/SoldOut",
    }


def _iso(day: date, at: time | None) -> str:
    return datetime.combine(day, at).isoformat() if at else day.isoformat()


# --- Atom ------------------------------------------------------------------------------------------------------


def atom_feed(courses: list[Course], *, feed_url: str, site_url: str, course_url, title: str, locale: str) -> bytes:
    """An Atom feed of courses; each entry's id is the course's page, its update the course's last change."""
    return atom.feed(
        [_atom_entry(course, course_url(course), locale) for course in courses],
        feed_url=feed_url,
        site_url=site_url,
        title=title,
        locale=locale,
    )


def _atom_entry(course: Course, url: str, locale: str) -> atom.Entry:
    dates = course.starts_on.isoformat() + (
        "" if course.ends_on == course.starts_on else f" – {course.ends_on.isoformat()}"
    )
    summary = " · ".join(
        part for part in (dates, course.organisation.name, course.place, course.text("description", locale)) if part
    )
    if course.status.value == "cancelled":
        summary = f"[{course.status.value}] {summary}"
    return atom.Entry(
        url=url,
        title=course.text("title", locale),
        updated=course.updated_at,
        published=course.created_at,
        author=course.organisation.name,
        summary=summary,
    )


# --- iCalendar -------------------------------------------------------------------------------------------------


def _session_lines(
    session: CourseSession,
    *,
    url: str,
    host: str,
    zone: ZoneInfo,
    stamp: str,
    locale: str,
    sequence: int,
    cancelled: bool,
    summary_prefix: str = "",
) -> list[str]:
    course = session.course
    if session.start_time is not None:
        starts = datetime.combine(session.starts_on, session.start_time, zone)
        ends = datetime.combine(session.ends_on, session.end_time, zone)
        when = [f"DTSTART:{utc_stamp(starts)}", f"DTEND:{utc_stamp(ends)}"]
    else:  # whole days: DTEND is the day after the last (RFC 5545 §3.6.1)
        when = [
            f"DTSTART;VALUE=DATE:{session.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{session.ends_on + timedelta(days=1):%Y%m%d}",
        ]
    lines = [
        "BEGIN:VEVENT",
        f"UID:course-{course.id}-session-{session.id}@{host}",
        f"DTSTAMP:{stamp}",
        *when,
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(summary_prefix + course.text('title', locale))}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"URL:{url}",
        f"ORGANIZER;CN={escape_text(course.organisation.name)}:mailto:{course.contact_email}"
        if course.contact_email
        else "",
    ]
    if location := session.place or course.place:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append("END:VEVENT")
    return [line for line in lines if line]


def calendar(
    sessions: list[CourseSession],
    *,
    course_url,
    host: str,
    zone: str,
    locale: str,
    name: str,
    now: datetime | None = None,
) -> str:
    """A VCALENDAR of course sessions, as text with CRLF line ends."""
    stamp = utc_stamp(now or datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for session in sessions:
        lines += _session_lines(
            session,
            url=course_url(session.course),
            host=host,
            zone=ZoneInfo(zone),
            stamp=stamp,
            locale=locale,
            sequence=session.course.schedule_version,
            cancelled=session.course.status.value == "cancelled",
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
