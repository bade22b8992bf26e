"""Catalogue operations: plain functions taking the acting user first; they check the rule, change, audit and flush,
never commit.

Seats are counted on the course row (`seats_taken`) and changed only while that row is locked (SELECT … FOR UPDATE on
PostgreSQL; on SQLite every writing request holds the database's write lock from its first statement), so two people
taking the last seat at once get one seat and one place on the waiting list.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal, overload
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context
from flask_babel import get_locale
from sqlalchemy import func, select, update

from assessment.frameworks.models import FrameworkUnit
from cases.models import Client, Gender
from isok import audit, hooks, permissions
from isok.accounts.models import Organisation, User
from isok.accounts.services import valid_business_id
from isok.catalogue import access, notices
from isok.catalogue.models import (
    GRADES,
    TEXT_LANGUAGES,
    Completion,
    Course,
    CourseLanguage,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Field,
    Mode,
    NetworkRules,
    OpenTo,
    PricingRule,
    TraineeRole,
)
from isok.concurrency import WITHOUT_FORM, check_version
from isok.database import utcnow
from isok.extensions import db
from isok.network.models import Partnership
from isok.rules import RuleBroken
from isok.translation import gettext as _


class CatalogueError(RuleBroken):
    """A rule of the catalogue was broken; the message is shown next to `field` (or above the form)."""


def today() -> date:
    """Today where the courses take place (the application's time zone): enrolment periods are local dates."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _text(value) -> str | None:
    return (value or "").strip() or None


def _required(value, field: str) -> str:
    text = _text(value)
    if text is None:
        raise CatalogueError(_("A value is required."), field)
    return text


@overload
def _email(value, field: str, *, required: Literal[True] = True) -> str: ...


@overload
def _email(value, field: str, *, required: bool) -> str | None: ...


def _email(value, field: str, *, required: bool = True) -> str | None:
    text = _text(value)
    if text is None:
        if required:
            raise CatalogueError(_("A value is required."), field)
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise CatalogueError(_("This is not a valid e-mail address."), field) from error


def _choice(enum_class, value, field: str):
    try:
        return enum_class(value)
    except ValueError as error:
        raise CatalogueError(_("Choose one of the listed values."), field) from error


def person_key(name: str) -> str:
    """The form of a name that identifies a person across courses: lower case, single spaces."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def is_member(organisation_id: int | None, on: date | None = None) -> bool:
    """A member of the network: an organisation registered as a partner of the project by that day."""
    if organisation_id is None:
        return False
    return (
        db.session.scalar(
            select(Partnership.id).where(
                Partnership.organisation_id == organisation_id, Partnership.first_cooperation_on <= (on or today())
            )
        )
        is not None
    )


# --- the network's rules ---------------------------------------------------------------------------------------

DEFAULT_FREE_CANCELLATION_DAYS = 14
DEFAULT_LATE_CANCELLATION_PERCENT = 50
RULES_FIELDS = ["pricing", "cancellation", "responsibilities", "free_cancellation_days", "late_cancellation_percent"]


def current_rules() -> NetworkRules | None:
    return db.session.scalar(select(NetworkRules).order_by(NetworkRules.id.desc()).limit(1))


def _texts(values: dict | None, field: str, *, required: bool = False) -> dict[str, str]:
    texts = {code: text for code in TEXT_LANGUAGES if (text := _text((values or {}).get(code)))}
    if required and not texts:
        raise CatalogueError(_("Write this in at least one language."), field)
    return texts


def save_rules(
    actor,
    *,
    pricing: dict,
    cancellation: dict,
    responsibilities: dict,
    free_cancellation_days: int,
    late_cancellation_percent: int,
) -> NetworkRules:
    """Add a version of the network's rules; enrolments made before keep the version their payer accepted."""
    if free_cancellation_days is None or not 0 <= free_cancellation_days <= 365:
        raise CatalogueError(_("Give a number of days from 0 to 365."), "free_cancellation_days")
    if late_cancellation_percent is None or not 0 <= late_cancellation_percent <= 100:
        raise CatalogueError(_("Give a percentage from 0 to 100."), "late_cancellation_percent")
    rules = NetworkRules(
        pricing=_texts(pricing, "pricing", required=True),
        cancellation=_texts(cancellation, "cancellation", required=True),
        responsibilities=_texts(responsibilities, "responsibilities", required=True),
        free_cancellation_days=free_cancellation_days,
        late_cancellation_percent=late_cancellation_percent,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(rules)
    db.session.flush()
    audit.record(actor, "network_rules_saved", rules, changes=audit.snapshot(rules, RULES_FIELDS))
    return rules


# --- courses ---------------------------------------------------------------------------------------------------


@dataclass
class SessionInput:
    starts_on: date | None
    ends_on: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    place: str | None = None


COURSE_FIELDS = [
    "organisation_id",
    "title",
    "description",
    "audience",
    "prerequisites",
    "text_language",
    "field",
    "level",
    "credits",
    "mode",
    "place",
    "seats",
    "enrolment_opens_on",
    "enrolment_closes_on",
    "starts_on",
    "ends_on",
    "open_to",
    "programme",
    "graded",
    "pricing_rule",
    "member_fee_cents",
    "outside_fee_cents",
    "contact_name",
    "contact_email",
    "contact_phone",
    "status",
]
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _sessions(inputs: list[SessionInput]) -> list[tuple]:
    sessions = []
    for index, item in enumerate(inputs):
        if item.starts_on is None:
            if any((item.ends_on, item.start_time, item.end_time, _text(item.place))):
                raise CatalogueError(_("Session %(n)d needs its first day.", n=index + 1), "sessions")
            continue
        ends_on = item.ends_on or item.starts_on
        if ends_on < item.starts_on:
            raise CatalogueError(_("Session %(n)d ends before it starts.", n=index + 1), "sessions")
        if (item.start_time is None) != (item.end_time is None):
            raise CatalogueError(
                _("Session %(n)d: give both times, or neither for whole days.", n=index + 1), "sessions"
            )
        if item.start_time is not None and item.end_time is not None:  # both or neither, as checked above
            if ends_on != item.starts_on:
                raise CatalogueError(
                    _("Session %(n)d: a session with times is one day; add a session per day.", n=index + 1), "sessions"
                )
            if item.end_time <= item.start_time:
                raise CatalogueError(_("Session %(n)d ends before it starts.", n=index + 1), "sessions")
        sessions.append((item.starts_on, ends_on, item.start_time, item.end_time, _text(item.place)))
    if not sessions:
        raise CatalogueError(_("Give the course at least one session."), "sessions")
    return sorted(sessions, key=lambda s: (s[0], s[2] or time.min))


def _cents(value, field: str) -> int:
    if value is None:
        return 0
    if value < 0:
        raise CatalogueError(_("A price cannot be negative."), field)
    return round(value * 100)


def _search_text(course: Course) -> str:
    parts = [
        *course.title.values(),
        *course.description.values(),
        *course.audience.values(),
        course.organisation.name if course.organisation else "",
        course.place or "",
    ]
    return " ".join(" ".join(part.split()) for part in parts if part).casefold()


def _apply_course(
    actor,
    course: Course,
    *,
    organisation: Organisation | None,
    title: dict,
    description: dict | None,
    audience: dict | None,
    prerequisites: dict | None,
    text_language: str,
    field,
    level: int | None,
    credits: int | None,
    mode,
    place: str | None,
    seats: int | None,
    enrolment_opens_on: date | None,
    enrolment_closes_on: date | None,
    sessions: list[SessionInput],
    languages: list[str],
    open_to,
    programme: bool,
    graded: bool,
    pricing_rule,
    member_fee,
    outside_fee,
    contact_name: str,
    contact_email: str,
    contact_phone: str | None,
    unit_ids: list[int],
) -> None:
    if organisation is None or not (
        access.can_offer_for(actor, organisation.id) or programme and access.can_keep_programme(actor)
    ):
        raise CatalogueError(_("You can offer courses only in the name of your own organisation."), "organisation_id")
    if text_language not in TEXT_LANGUAGES:
        raise CatalogueError(_("Choose one of the listed languages."), "text_language")
    titles = _texts(title, "title", required=True)
    if text_language not in titles:
        raise CatalogueError(_("Give the title at least in the language the course is described in."), "title")
    field, mode = _choice(Field, field, "field"), _choice(Mode, mode, "mode")
    open_to, pricing_rule = _choice(OpenTo, open_to, "open_to"), _choice(PricingRule, pricing_rule, "pricing_rule")
    if level is not None and not 1 <= level <= 8:
        raise CatalogueError(_("The EQF level is from 1 to 8."), "level")
    if credits is not None and credits < 0:
        raise CatalogueError(_("Credits cannot be negative."), "credits")
    place = _text(place)
    if mode is not Mode.ONLINE and place is None:
        raise CatalogueError(_("Give the place of a course held in place."), "place")
    if seats is None or seats < 1:
        raise CatalogueError(_("A course has at least one seat."), "seats")
    if seats < course.seats_taken:
        raise CatalogueError(
            _("%(n)d people already hold a seat: cancel enrolments before lowering the seats.", n=course.seats_taken),
            "seats",
        )
    schedule = _sessions(sessions)
    starts_on, ends_on = schedule[0][0], max(s[1] for s in schedule)
    if enrolment_opens_on is None:
        raise CatalogueError(_("A value is required."), "enrolment_opens_on")
    if enrolment_closes_on is None:
        raise CatalogueError(_("A value is required."), "enrolment_closes_on")
    if enrolment_closes_on < enrolment_opens_on:
        raise CatalogueError(_("The enrolment closes before it opens."), "enrolment_closes_on")
    if enrolment_closes_on > ends_on:
        raise CatalogueError(_("The enrolment must close by the course's last day."), "enrolment_closes_on")
    codes = sorted({code.strip().lower() for code in languages if code and code.strip()})
    if not codes or not all(LANGUAGE_CODE.match(code) for code in codes):
        raise CatalogueError(_("Choose at least one language of instruction."), "languages")
    if programme != course.programme and not access.can_keep_programme(actor):
        raise CatalogueError(
            _("Only the project's managers decide which courses belong to the training programme."), "programme"
        )
    member_cents, outside_cents = _cents(member_fee, "member_fee"), _cents(outside_fee, "outside_fee")
    if pricing_rule is PricingRule.FREE_FOR_MEMBERS and member_cents:
        raise CatalogueError(
            _("Under this rule the course is free for members: leave the member price at 0."), "member_fee"
        )
    if pricing_rule is PricingRule.PER_CREDIT and not credits:
        raise CatalogueError(_("A price per credit needs the course's credits."), "credits")
    units = db.session.scalars(select(FrameworkUnit).where(FrameworkUnit.id.in_(unit_ids or []))).all()
    if len(units) != len(set(unit_ids or [])):
        raise CatalogueError(_("Choose units from the list."), "unit_ids")

    course.organisation = organisation
    course.title = titles
    course.description = _texts(description, "description")
    course.audience = _texts(audience, "audience")
    course.prerequisites = _texts(prerequisites, "prerequisites")
    course.text_language = text_language
    course.field, course.level, course.credits, course.mode, course.place = field, level, credits, mode, place
    course.seats = seats
    course.enrolment_opens_on, course.enrolment_closes_on = enrolment_opens_on, enrolment_closes_on
    course.open_to, course.programme, course.graded = open_to, bool(programme), bool(graded)
    course.pricing_rule, course.member_fee_cents, course.outside_fee_cents = pricing_rule, member_cents, outside_cents
    course.contact_name = _required(contact_name, "contact_name")
    course.contact_email = _email(contact_email, "contact_email")
    course.contact_phone = _text(contact_phone)
    course.units = list(units)
    before = [(s.starts_on, s.ends_on, s.start_time, s.end_time, s.place) for s in course.sessions]
    if before != schedule:
        course.sessions = [
            CourseSession(starts_on=a, ends_on=b, start_time=c, end_time=d, place=e) for a, b, c, d, e in schedule
        ]
        course.schedule_version = (course.schedule_version or 0) + (1 if before else 0)
    course.starts_on, course.ends_on = starts_on, ends_on
    if course.languages != codes:
        course.language_rows = [CourseLanguage(code=code) for code in codes]
    course.search_text = _search_text(course)


def create_course(actor, *, publish: bool = False, **fields) -> Course:
    course = Course(seats_taken=0, status=CourseStatus.PUBLISHED if publish else CourseStatus.DRAFT, programme=False)
    _apply_course(actor, course, **fields)
    db.session.add(course)
    db.session.flush()
    audit.record(
        actor,
        "course_created",
        course,
        changes={
            **audit.snapshot(course, COURSE_FIELDS),
            "languages": course.languages,
            "unit_ids": [unit.id for unit in course.units],
        },
    )
    return course


def update_course(actor, course: Course, *, version=WITHOUT_FORM, **fields) -> None:
    """Change a course; enrolled people keep the terms they accepted, and see the new dates beside theirs."""
    if not access.can_manage_course(actor, course):
        raise CatalogueError(_("Only the organisation offering this course can change it."))
    course = _lock(course)
    if course.status is CourseStatus.CANCELLED:
        raise CatalogueError(_("A cancelled course cannot be changed."))
    check_version(
        course,
        version,
        _(
            "Someone else saved this course while you were editing it. Open it again to see "
            "their changes, then make yours."
        ),
        error=CatalogueError,
    )
    languages, units = course.languages, [unit.id for unit in course.units]
    schedule = course.schedule_version
    _apply_course(actor, course, **fields)
    changes = audit.changes_of(course, COURSE_FIELDS)
    if course.languages != languages:
        changes["languages"] = [languages, course.languages]
    if (new_units := [unit.id for unit in course.units]) != units:
        changes["unit_ids"] = [units, new_units]
    if course.schedule_version != schedule:
        changes["schedule_version"] = [schedule, course.schedule_version]
    if changes:
        audit.record(actor, "course_updated", course, changes=changes)
    db.session.flush()
    _fill_seats(actor, course)


def publish_course(actor, course: Course) -> None:
    if not access.can_manage_course(actor, course):
        raise CatalogueError(_("Only the organisation offering this course can change it."))
    if course.status is not CourseStatus.DRAFT:
        raise CatalogueError(_("Only a draft can be published."))
    course.status = CourseStatus.PUBLISHED
    audit.record(actor, "course_published", course)
    db.session.flush()


def cancel_course(actor, course: Course, reason: str) -> int:
    """Cancel a course: every enrolment is cancelled by the provider, free of charge. Returns how many."""
    if not access.can_manage_course(actor, course):
        raise CatalogueError(_("Only the organisation offering this course can change it."))
    if course.status is CourseStatus.CANCELLED:
        raise CatalogueError(_("The course is already cancelled."))
    reason = _required(reason, "reason")
    _lock(course)
    active = _active_enrolments(course)
    for enrolment in active:
        _cancel(actor, enrolment, by_provider=True, charge=0)
    course.status, course.cancelled_reason = CourseStatus.CANCELLED, reason
    audit.record(actor, "course_cancelled", course, changes={"reason": reason, "enrolments_cancelled": len(active)})
    db.session.flush()
    return len(active)


# --- prices ----------------------------------------------------------------------------------------------------


def price_cents(course: Course, member: bool) -> int:
    """The price of one enrolment under the course's rule; a per-course fee is billed once per paying
    organisation (see queries.billing_statement)."""
    if course.pricing_rule is PricingRule.FREE_FOR_MEMBERS and member:
        return 0
    fee = course.member_fee_cents if member else course.outside_fee_cents
    if course.pricing_rule is PricingRule.PER_CREDIT:
        return fee * (course.credits or 0)
    return fee


def free_cancellation_until(course: Course, rules: NetworkRules | None) -> date:
    days = rules.free_cancellation_days if rules else DEFAULT_FREE_CANCELLATION_DAYS
    return course.starts_on - timedelta(days=days)


def late_cancellation_percent(rules: NetworkRules | None) -> int:
    return rules.late_cancellation_percent if rules else DEFAULT_LATE_CANCELLATION_PERCENT


# --- enrolment -------------------------------------------------------------------------------------------------


@dataclass
class Person:
    """Who takes the seat."""

    name: str
    email: str | None = None
    organisation: Organisation | None = None  # a registered organisation, or None for an outside one
    organisation_name: str | None = None  # an outside organisation's name
    user: User | None = None
    client: Client | None = None
    role: TraineeRole | str | None = None
    gender: Gender | str | None = None


@dataclass
class Payer:
    """The paying organisation's commitment, as typed."""

    name: str | None = None
    business_id: str | None = None
    contact: str | None = None
    email: str | None = None
    reference: str | None = None


ENROLMENT_FIELDS = [
    "course_id",
    "status",
    "name",
    "email",
    "user_id",
    "client_id",
    "organisation_id",
    "organisation_name",
    "role",
    "gender",
    "member",
    "payer_name",
    "payer_business_id",
    "payer_contact",
    "payer_email",
    "payer_reference",
    "pricing_rule",
    "price_cents",
    "free_cancellation_until",
    "late_cancellation_percent",
    "rules_id",
]
# What an erasure removes from an enrolment of a client (and from the audit trail's recorded changes).
PERSONAL_FIELDS = ("name", "email")


def _lock(course: Course) -> Course:
    """Hold the course row until the transaction ends and read its seats as they are now."""
    return db.session.scalars(
        select(Course)
        .where(Course.id == course.id)
        .with_for_update(of=Course)
        .execution_options(populate_existing=True)
    ).one()


def _count_seat(course: Course, change: int) -> None:
    """Change the taken seats without touching the course's edit version (a seat taken is not an edit)."""
    db.session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(seats_taken=Course.seats_taken + change)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(course, ["seats_taken"])


def _active_enrolments(course: Course) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.course_id == course.id, Enrolment.status != EnrolmentStatus.CANCELLED)
            .order_by(Enrolment.enrolled_at, Enrolment.id)
        )
    )


def organisation_key(organisation: Organisation | None, business_id: str | None, name: str) -> str:
    if organisation is not None:
        return f"org:{organisation.id}"
    if business_id:
        return f"bid:{business_id}"
    return f"name:{person_key(name)}"


def _check_open(actor, course: Course, member: bool, on: date) -> None:
    if course.status is CourseStatus.CANCELLED:
        raise CatalogueError(_("This course has been cancelled."))
    if course.status is not CourseStatus.PUBLISHED:
        raise CatalogueError(_("This course is not open for enrolment."))
    if on < course.enrolment_opens_on:
        raise CatalogueError(
            _("Enrolment for this course opens on %(date)s.", date=course.enrolment_opens_on.isoformat())
        )
    if on > course.enrolment_closes_on:
        raise CatalogueError(
            _("Enrolment for this course closed on %(date)s.", date=course.enrolment_closes_on.isoformat())
        )
    if course.open_to is OpenTo.MEMBERS and not member:
        raise CatalogueError(_("This course is open to the network's member organisations only."))


def _check_not_enrolled(course: Course, client: Client | None, name_key: str, org_key: str) -> None:
    same = (
        (Enrolment.client_id == client.id)
        if client is not None
        else ((Enrolment.name_key == name_key) & (Enrolment.organisation_key == org_key))
    )
    if db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.course_id == course.id, same, Enrolment.status != EnrolmentStatus.CANCELLED
        )
    ):
        raise CatalogueError(_("This person is already enrolled on this course (or on its waiting list)."), "name")


def _language(person: Person, *, own_form: bool) -> str | None:
    """The language a person without an account is mailed in: a client's own, or that of the form they enrolled
    through themselves; none when someone else enrols them (the course's language then)."""
    if person.user is not None:
        return None
    if person.client is not None:
        return person.client.preferred_language
    locale = get_locale() if own_form and has_request_context() else None  # a form's language, not the default
    return str(locale) if locale else None


def _participant(course: Course, person: Person, *, own_form: bool = False) -> dict:
    name = _required(person.name, "name")
    values = {
        "name": name,
        "name_key": person_key(name),
        "email": _email(person.email, "email", required=False),
        "locale": _language(person, own_form=own_form),
        "user_id": person.user.id if person.user else None,
        "client_id": person.client.id if person.client else None,
        "role": None,
        "gender": None,
    }
    if course.programme:
        if person.client is not None:
            raise CatalogueError(_("The trainings of the programme are for counsellors and teachers, not clients."))
        values["role"] = _choice(TraineeRole, person.role, "role")
        values["gender"] = _choice(Gender, person.gender, "gender")
    return values


def _commitment(price: int, payer: Payer, organisation: Organisation | None, accept_terms: bool) -> dict:
    """The payer's commitment: needed whenever the enrolment may cost something."""
    if price == 0:
        return {
            "payer_name": organisation.name if organisation else _text(payer.name),
            "payer_business_id": None,
            "payer_contact": _text(payer.contact),
            "payer_email": _email(payer.email, "payer_email", required=False),
            "payer_reference": _text(payer.reference),
        }
    business_id = (
        organisation.business_id
        if organisation and organisation.business_id
        else _required(payer.business_id, "payer_business_id")
    )
    if not valid_business_id(business_id):
        raise CatalogueError(
            _("This is not a valid Finnish business ID: seven digits, a hyphen and the check digit (1234567-8)."),
            "payer_business_id",
        )
    if not accept_terms:
        raise CatalogueError(_("Accept the network's terms to commit to the payment."), "accept_terms")
    return {
        "payer_name": organisation.name if organisation else _required(payer.name, "payer_name"),
        "payer_business_id": business_id,
        "payer_contact": _required(payer.contact, "payer_contact"),
        "payer_email": _email(payer.email, "payer_email"),
        "payer_reference": _text(payer.reference),
    }


def enrol(
    actor, course: Course, person: Person, payer: Payer, *, accept_terms: bool, on: date | None = None
) -> tuple[Enrolment, str | None]:
    """Enrol a person on a course, or on its waiting list when the seats are taken.

    Signed in, the enrolling user's organisation pays and gets the member price if it is a member of the network;
    without an account the person is of an outside organisation, which the payer names. Returns the enrolment and,
    for an enrolment made without an account, the secret of its link (shown once).
    """
    on = on or today()
    signed_in = getattr(actor, "is_authenticated", False)
    if signed_in:
        if not permissions.can(actor, access.ENROL):
            raise CatalogueError(_("Your account cannot enrol on courses; ask your counsellor to enrol you."))
        if person.client is not None and not access.can_enrol_client(actor, person.client):
            raise CatalogueError(_("You can enrol only clients whose cases you manage."))
        organisation = actor.organisation
        if organisation is None:
            raise CatalogueError(_("Your account belongs to no organisation; enrol through the public form."))
    else:
        organisation = None
    member = signed_in and is_member(organisation.id, on)
    course = _lock(course)
    _check_open(actor, course, member, on)
    participant = _participant(course, person, own_form=not signed_in)
    price = price_cents(course, member)
    commitment = _commitment(price, payer, organisation, accept_terms)
    if organisation is not None:
        person_org, person_org_name = organisation, organisation.name
    else:
        person_org_name = _required(person.organisation_name or payer.name, "organisation_name")
        person_org = (
            db.session.scalar(select(Organisation).where(Organisation.business_id == commitment["payer_business_id"]))
            if commitment["payer_business_id"]
            else None
        )
    org_key = organisation_key(person_org, commitment["payer_business_id"], person_org_name)
    _check_not_enrolled(course, person.client, participant["name_key"], org_key)
    rules = current_rules()
    until = free_cancellation_until(course, rules)
    percent = late_cancellation_percent(rules)
    seat = course.seats_taken < course.seats
    token = secrets.token_urlsafe(24) if not signed_in else None
    enrolment = Enrolment(
        course_id=course.id,
        status=EnrolmentStatus.CONFIRMED if seat else EnrolmentStatus.WAITING,
        enrolled_by_id=actor.id if signed_in else None,
        **participant,
        organisation_id=person_org.id if person_org else None,
        organisation_name=person_org_name,
        organisation_key=org_key,
        member=member,
        **commitment,
        pricing_rule=course.pricing_rule,
        price_cents=price,
        free_cancellation_until=until,
        late_cancellation_percent=percent,
        rules_id=rules.id if rules else None,
        terms_accepted_at=utcnow() if accept_terms else None,
        token_hash=hashlib.sha256(token.encode()).hexdigest() if token else None,
        terms={
            "title": course.title,
            "organisation": course.organisation.name,
            "mode": course.mode.value,
            "place": course.place,
            "sessions": course.schedule(),
            "schedule_version": course.schedule_version,
            "pricing_rule": course.pricing_rule.value,
            "price_cents": price,
            "member": member,
            "credits": course.credits,
            "free_cancellation_until": until.isoformat(),
            "late_cancellation_percent": percent,
            "rules_id": rules.id if rules else None,
            "cancellation_terms": rules.cancellation if rules else {},
        },
    )
    db.session.add(enrolment)
    if seat:
        _count_seat(course, +1)
    db.session.flush()
    audit.record(actor, "enrolment_created", enrolment, changes=audit.snapshot(enrolment, ENROLMENT_FIELDS))
    notices.confirm(enrolment)
    return enrolment, token


def record_participant(
    actor, course: Course, person: Person, *, completion=None, grade=None, completed_on: date | None = None
) -> Enrolment:
    """The offering organisation records a participant itself (someone who came without enrolling, or a training
    held before the catalogue): no payment commitment, no enrolment period, a seat all the same."""
    if not access.can_manage_course(actor, course):
        raise CatalogueError(_("Only the organisation offering this course can record its participants."))
    if course.status is CourseStatus.CANCELLED:
        raise CatalogueError(_("This course has been cancelled."))
    organisation = person.organisation
    if organisation is None:
        raise CatalogueError(_("Choose the participant's organisation."), "organisation_id")
    course = _lock(course)
    participant = _participant(course, person)
    org_key = organisation_key(organisation, None, organisation.name)
    _check_not_enrolled(course, person.client, participant["name_key"], org_key)
    if course.seats_taken >= course.seats:
        raise CatalogueError(_("The course is full: raise its seats to record another participant."), "name")
    enrolment = Enrolment(
        course_id=course.id,
        status=EnrolmentStatus.CONFIRMED,
        enrolled_by_id=getattr(actor, "id", None),
        **participant,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_key=org_key,
        member=is_member(organisation.id),
        pricing_rule=course.pricing_rule,
        price_cents=0,
        free_cancellation_until=course.starts_on,
        late_cancellation_percent=0,
        terms={
            "recorded_by_provider": True,
            "sessions": course.schedule(),
            "schedule_version": course.schedule_version,
        },
    )
    db.session.add(enrolment)
    _count_seat(course, +1)
    db.session.flush()
    audit.record(actor, "participant_recorded", enrolment, changes=audit.snapshot(enrolment, ENROLMENT_FIELDS))
    if completion:
        record_completion(actor, enrolment, completion=completion, grade=grade, completed_on=completed_on)
    return enrolment


def find_by_token(token: str) -> Enrolment | None:
    if not token or len(token) > 100:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return db.session.scalar(select(Enrolment).where(Enrolment.token_hash == digest))


# --- cancellation and the waiting list --------------------------------------------------------------------------


def cancellation_charge(enrolment: Enrolment, on: date) -> int:
    """What cancelling costs under the terms the payer accepted: nothing for a place on the waiting list, up to
    the free-cancellation date, or once the course's dates are no longer those accepted; otherwise the accepted
    share of the price."""
    if enrolment.status is not EnrolmentStatus.CONFIRMED or on <= enrolment.free_cancellation_until:
        return 0
    accepted = enrolment.terms.get("sessions")
    if accepted is not None and accepted != enrolment.course.schedule():
        return 0
    return round(enrolment.price_cents * enrolment.late_cancellation_percent / 100)


def _cancel(actor, enrolment: Enrolment, *, by_provider: bool, charge: int) -> None:
    was_confirmed = enrolment.status is EnrolmentStatus.CONFIRMED
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_at = utcnow()
    enrolment.cancelled_by_id = getattr(actor, "id", None)
    enrolment.cancelled_by_provider = by_provider
    enrolment.cancellation_charge_cents = charge
    if was_confirmed:
        _count_seat(enrolment.course, -1)
    db.session.flush()
    audit.record(
        actor,
        "enrolment_cancelled",
        enrolment,
        changes={"by_provider": by_provider, "charge_cents": charge, "was_confirmed": was_confirmed},
    )


def cancel_enrolment(actor, enrolment: Enrolment, *, by_provider: bool = False, on: date | None = None) -> int:
    """Cancel an enrolment; the first on the waiting list moves up into a freed seat. Returns the charge (cents).

    The offering organisation cancels free of charge; the participant's side pays the late share after the
    free-cancellation date they accepted.
    """
    on = on or today()
    if not enrolment.active:
        raise CatalogueError(_("This enrolment is already cancelled."))
    if by_provider and not access.can_manage_course(actor, enrolment.course):
        raise CatalogueError(_("Only the organisation offering this course can cancel enrolments on its behalf."))
    if enrolment.completion is not None:
        raise CatalogueError(_("A participant whose completion is recorded cannot be cancelled."))
    course = _lock(enrolment.course)
    charge = 0 if by_provider else cancellation_charge(enrolment, on)
    _cancel(actor, enrolment, by_provider=by_provider, charge=charge)
    _fill_seats(actor, course, on)
    return charge


def _fill_seats(actor, course: Course, on: date | None = None) -> list[Enrolment]:
    """Move people up from the waiting list, first come first served, while seats are free and the course runs."""
    on = on or today()
    if course.status is not CourseStatus.PUBLISHED or course.ends_on < on:
        return []
    db.session.refresh(course, ["seats_taken"])
    free = course.seats - course.seats_taken
    if free <= 0:
        return []
    waiting = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.WAITING)
            .order_by(Enrolment.enrolled_at, Enrolment.id)
            .limit(free)
        )
    )
    for enrolment in waiting:
        enrolment.status = EnrolmentStatus.CONFIRMED
        enrolment.promoted_at = utcnow()
        _count_seat(course, +1)
        db.session.flush()
        audit.record(actor, "enrolment_promoted", enrolment, changes={"status": ["waiting", "confirmed"]})
    return waiting


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status is not EnrolmentStatus.WAITING:
        return None
    ahead = db.session.scalars(
        select(func.count())
        .select_from(Enrolment)
        .where(
            Enrolment.course_id == enrolment.course_id,
            Enrolment.status == EnrolmentStatus.WAITING,
            (Enrolment.enrolled_at < enrolment.enrolled_at)
            | ((Enrolment.enrolled_at == enrolment.enrolled_at) & (Enrolment.id < enrolment.id)),
        )
    ).one()
    return ahead + 1


# --- completion ------------------------------------------------------------------------------------------------


def record_completion(actor, enrolment: Enrolment, *, completion, grade=None, completed_on: date | None = None) -> None:
    """Record whether a participant completed the course (and their grade, where the course grades)."""
    course = enrolment.course
    if not access.can_manage_course(actor, course):
        raise CatalogueError(_("Only the organisation offering this course can record completion."))
    if enrolment.status is not EnrolmentStatus.CONFIRMED:
        raise CatalogueError(_("Only a participant holding a seat can complete the course."), "completion")
    completion = _choice(Completion, completion, "completion") if completion else None
    if completion is Completion.COMPLETED:
        completed_on = completed_on or min(course.ends_on, today())
        if completed_on < course.starts_on:
            raise CatalogueError(_("The completion date is before the course started."), "completed_on")
        if completed_on > today():
            raise CatalogueError(_("This date is in the future. Record it once it has happened."), "completed_on")
    else:
        completed_on = None
    if grade is not None and grade != "":
        if not course.graded:
            raise CatalogueError(_("This course gives no grades."), "grade")
        if completion is not Completion.COMPLETED:
            raise CatalogueError(_("Only a completed course has a grade."), "grade")
        if int(grade) not in GRADES:
            raise CatalogueError(_("A grade is from 1 to 5."), "grade")
        grade = int(grade)
    else:
        grade = None
    enrolment.completion, enrolment.grade, enrolment.completed_on = completion, grade, completed_on
    if changes := audit.changes_of(enrolment, ["completion", "grade", "completed_on"]):
        audit.record(actor, "completion_recorded", enrolment, changes=changes)
    db.session.flush()


# --- a client's data --------------------------------------------------------------------------------------------


def client_enrolments(client: Client) -> list[Enrolment]:
    return list(
        db.session.scalars(select(Enrolment).where(Enrolment.client_id == client.id).order_by(Enrolment.enrolled_at))
    )


ENROLMENT_EXPORT_FIELDS = [
    "id",
    "course_id",
    "status",
    "enrolled_at",
    "name",
    "email",
    "organisation_name",
    "payer_name",
    "payer_reference",
    "price_cents",
    "completion",
    "grade",
    "completed_on",
]


def client_enrolments_data(client: Client) -> list[hooks.ExportPart]:
    """A client's data export: their enrolments, with the courses and what was recorded of them."""
    enrolments = client_enrolments(client)
    if not enrolments:
        return []
    data = [
        {
            **audit.snapshot(e, ENROLMENT_EXPORT_FIELDS),
            "course": e.terms.get("title") or e.course.title,
            "offered_by": e.course.organisation.name,
        }
        for e in enrolments
    ]
    return [
        hooks.ExportPart(
            "course_enrolments",
            data,
            "catalogue/export_summary.html",
            context={"enrolments": enrolments},
            tables=("enrolment",),
        )
    ]


def erase_client_enrolments(actor, client: Client) -> None:
    """Erasure: the client's enrolments keep what the course reports count (status, completion), not who."""
    for enrolment in client_enrolments(client):
        enrolment.name, enrolment.name_key, enrolment.email = audit.ERASED, f"erased:{enrolment.id}", None
        enrolment.client_id = None
        audit.redact("enrolment", enrolment.id, PERSONAL_FIELDS)
    db.session.flush()
