"""Course notices: an enrolment confirmed (or put on the waiting list), a waiting place moved up into a seat, the
course's dates changed, an enrolment or the whole course cancelled by the offering organisation. Each goes to the
enrolled person and to whoever enrolled them, in the app and by mail in their own language, with the course's
calendar file attached while the seat holds. A person without an account (of an outside organisation, or a client
without a login) is mailed at the address the enrolment records, in its language (else the course's).

A confirmation also goes to the person who enrolled (it is their receipt, with the calendar file for their mailbox);
the other notices follow audited changes, and nobody is told of their own act.
"""

from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import format_currency, format_date, get_locale
from sqlalchemy import select

from cases.models import Case
from isok.accounts.models import User
from isok.catalogue import access, feeds
from isok.catalogue.models import CourseStatus, Enrolment, EnrolmentStatus
from isok.extensions import db
from isok.i18n import CLIENT_LOCALES
from isok.notices import registry
from isok.notices import services as notices
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

KIND = "course_enrolment"
ENROLLED, PROMOTED, DATES_CHANGED, CANCELLED = "enrolled", "promoted", "dates_changed", "cancelled"


def init_app(app: Flask) -> None:
    registry.kind(
        app, registry.Kind(KIND, _l("Course enrolments: confirmed, moved up, dates changed, cancelled"), write, visible)
    )
    registry.on_audit(app, "enrolment_promoted", _promoted)
    registry.on_audit(app, "enrolment_cancelled", _cancelled)
    registry.on_audit(app, "course_updated", _dates_changed)


def _people(enrolment: Enrolment) -> list[int]:
    """The enrolled person (with an account) and whoever enrolled them, once each."""
    return list(dict.fromkeys(uid for uid in (enrolment.user_id, enrolment.enrolled_by_id) if uid is not None))


def _case_id(enrolment: Enrolment) -> int | None:
    """A client's enrolment is about their case: erasing the client's data removes the notices with it."""
    if enrolment.client_id is None:
        return None
    return db.session.scalar(
        select(Case.id).where(Case.client_id == enrolment.client_id).order_by(Case.id.desc()).limit(1)
    )


def _own_address(enrolment: Enrolment, people: list[int]) -> str | None:
    """The address to mail a participant without an account at, unless an account told already reads it."""
    if enrolment.user_id is not None or not enrolment.email:
        return None
    told = db.session.scalars(select(User.email).where(User.id.in_(people), User.email.is_not(None)))
    if enrolment.email.casefold() in {address.casefold() for address in told}:
        return None
    return enrolment.email


def _locale(enrolment: Enrolment) -> str | None:
    """The enrolment's language, else the course's, when the interface speaks it; else the installation's (None)."""
    spoken = [code for code in (enrolment.locale, enrolment.course.text_language) if code in CLIENT_LOCALES]
    return spoken[0] if spoken else None


def _tells(enrolment: Enrolment, event: str) -> list[registry.Tell]:
    case_id, people, params = _case_id(enrolment), _people(enrolment), {"event": event}
    tells = [registry.Tell(uid, KIND, enrolment.id, params, case_id=case_id) for uid in people]
    if email := _own_address(enrolment, people):
        tells.append(
            registry.Tell(None, KIND, enrolment.id, params, case_id=case_id, email=email, locale=_locale(enrolment))
        )
    return tells


def confirm(enrolment: Enrolment) -> None:
    """Tell of a new enrolment, the enrolling person included (called by the service that enrols)."""
    for told in _tells(enrolment, ENROLLED):
        notices.tell(told)


def _promoted(entry) -> list[registry.Tell]:
    return _tells(db.session.get(Enrolment, entry.object_id), PROMOTED)


def _cancelled(entry) -> list[registry.Tell]:
    if not (entry.changes or {}).get("by_provider"):
        return []  # the participant's side cancelled: they know
    return _tells(db.session.get(Enrolment, entry.object_id), CANCELLED)


def _dates_changed(entry) -> list[registry.Tell]:
    if "schedule_version" not in (entry.changes or {}):
        return []
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.course_id == entry.object_id, Enrolment.status != EnrolmentStatus.CANCELLED)
        .order_by(Enrolment.id)
    )
    return [told for enrolment in enrolments for told in _tells(enrolment, DATES_CHANGED)]


def visible(user, notice) -> bool:
    """An account sees what its role lets it see; an address is mailed while the enrolment still records it."""
    enrolment = db.session.get(Enrolment, notice.object_id)
    if enrolment is None:
        return False
    if user is None:
        return enrolment.user_id is None and enrolment.email == notice.email
    return access.can_view_enrolment(user, enrolment)


def _session_line(session, course) -> str:
    day = format_date(session.starts_on, "full")
    if session.ends_on != session.starts_on:
        day += f" – {format_date(session.ends_on, 'full')}"
    if session.start_time:
        day += f", {session.start_time:%H:%M}–{session.end_time:%H:%M}"
    if place := session.place or course.place:
        day += f", {place}"
    return day


def _calendar_file(enrolment: Enrolment) -> tuple[str, str, str]:
    course = enrolment.course
    text = feeds.calendar(
        course.sessions,
        course_url=lambda c: registry.link("catalogue.course", course_id=c.id),
        host=urlsplit(current_app.config["PUBLIC_URL"]).hostname or "isok",
        zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        locale=str(get_locale() or "fi"),
        name=course.text("title"),
    )
    return f"enrolment-{enrolment.id}.ics", "text/calendar", text


def _subject(enrolment: Enrolment, event: str) -> str:
    title = enrolment.course.text("title")
    if event == ENROLLED and enrolment.status is EnrolmentStatus.WAITING:
        return _("On the waiting list: %(course)s", course=title)
    if event == CANCELLED and enrolment.course.status is CourseStatus.CANCELLED:
        return _("%(course)s is cancelled", course=title)
    return {
        ENROLLED: _("Enrolment confirmed: %(course)s", course=title),
        PROMOTED: _("A seat is yours: %(course)s", course=title),
        DATES_CHANGED: _("The dates of %(course)s have changed", course=title),
        CANCELLED: _("The enrolment on %(course)s is cancelled by the organisation offering it", course=title),
    }[event]


def write(notice) -> registry.Written | None:
    enrolment = db.session.get(Enrolment, notice.object_id)
    if enrolment is None:
        return None
    from isok.catalogue.services import waiting_position  # the services tell through this module

    course, event = enrolment.course, notice.params.get("event")
    lines = []
    if event == PROMOTED:
        lines.append(_("A cancellation freed a seat: the place on the waiting list is now a confirmed seat."))
    elif event == DATES_CHANGED:
        lines.append(
            _(
                "The dates now are below. Your price and terms stay those you accepted; you may cancel free of "
                "charge if the new dates do not suit you."
            )
        )
    elif event == CANCELLED:
        if course.status is CourseStatus.CANCELLED and course.cancelled_reason:
            lines.append(f"{_('Reason')}: {course.cancelled_reason}")
        lines.append(_("The enrolment is cancelled free of charge."))
    if position := waiting_position(enrolment):
        lines.append(f"{enrolment.status.label}: {_('number %(n)d on the waiting list', n=position)}")
    if enrolment.client_id is None:  # a client's name stays out of mails, which outlive the record
        lines.append(f"{_('Participant')}: {enrolment.name}, {enrolment.organisation_name}")
    lines.append(f"{_('Offered by')}: {course.organisation.name}")
    lines.append(f"{_('Sessions')}:")
    lines += [f"- {_session_line(session, course)}" for session in course.sessions]
    if event != CANCELLED:
        lines.append(f"{_('Price')}: {format_currency(enrolment.price_cents / 100, 'EUR')}")
        lines.append(f"{_('Free cancellation until')}: {format_date(enrolment.free_cancellation_until)}")
    seat_holds = enrolment.status is EnrolmentStatus.CONFIRMED or course.status is CourseStatus.CANCELLED
    by_address = notice.user_id is None  # no account to sign in with: the course's public page instead
    return registry.Written(
        _subject(enrolment, event),
        "\n".join(lines),
        registry.link("catalogue.course", course_id=course.id)
        if by_address
        else registry.link("catalogue.confirmation", enrolment_id=enrolment.id),
        [_calendar_file(enrolment)] if seat_holds else [],
        footer=_("You get this e-mail because your address was given in isok when enrolling on this course.")
        if by_address
        else "",
    )
