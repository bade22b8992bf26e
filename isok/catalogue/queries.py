"""Read-only views of the catalogue: the public listing, the programme's ESF figures, the reports.

Functions that take a date range read it as inclusive; leave `since` out for "from the start".
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, select, true
from sqlalchemy.orm import contains_eager, defer, selectinload

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion, VersionStatus
from cases.models import Gender
from isok.accounts.models import Organisation
from isok.catalogue.models import (
    Course,
    CourseLanguage,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Mode,
    course_unit,
)
from isok.extensions import db
from isok.i18n import localized


def _between(column, since: date | None, until: date | None) -> ColumnElement[bool]:
    conditions = [column >= since] if since else []
    if until:
        conditions.append(column <= until)
    return and_(true(), *conditions)


# --- the counsellor and teacher training programme (ESF) -------------------------------------------------------


def _programme_seats():
    """Seats held on trainings of the programme that took place (not cancelled, not waiting)."""
    return and_(
        Course.programme.is_(True),
        Course.status != CourseStatus.CANCELLED,
        Enrolment.status == EnrolmentStatus.CONFIRMED,
    )


def training_people() -> Select:
    """One row per trained person (name_key, organisation_key) with the date of their first training, their gender
    and role, and the date of their first completion.

    The ESF counts a participant once per operation (research §1.5), so a person attending several trainings of
    the programme is one participant, entering at their first training. Use it as a subquery.
    """
    return (
        select(
            Enrolment.name_key,
            Enrolment.organisation_key,
            func.min(Course.starts_on).label("entered_on"),
            func.min(Enrolment.gender).label("gender"),
            func.min(Enrolment.role).label("role"),
            func.min(Enrolment.completed_on).label("completed_on"),
        )
        .join(Course, Enrolment.course_id == Course.id)
        .where(_programme_seats())
        .group_by(Enrolment.name_key, Enrolment.organisation_key)
    )


@dataclass
class TrainingFigures:
    participants: int
    women: int
    men: int
    other_gender: int
    gender_not_stated: int
    completed: int
    organisations: int


def training_figures(since: date | None = None, until: date | None = None) -> TrainingFigures:
    """Persons who entered the programme in the range (by their first training), and of them who completed."""
    people = training_people().subquery()

    def count_gender(gender: Gender):
        return func.count().filter(people.c.gender == gender)

    row = db.session.execute(
        select(
            func.count(),
            count_gender(Gender.FEMALE),
            count_gender(Gender.MALE),
            count_gender(Gender.OTHER),
            count_gender(Gender.NOT_STATED),
            func.count(people.c.completed_on),
            func.count(distinct(people.c.organisation_key)),
        ).where(_between(people.c.entered_on, since, until))
    ).one()
    return TrainingFigures(*row)


def trainings_with_counts(since: date | None = None, until: date | None = None) -> list[tuple[Course, int, int]]:
    """Trainings of the programme that started in the range, each with its participant and completion counts."""
    seats = and_(Enrolment.course_id == Course.id, Enrolment.status == EnrolmentStatus.CONFIRMED)
    rows = db.session.execute(
        select(Course, func.count(Enrolment.id), func.count(Enrolment.completed_on))
        .outerjoin(Enrolment, seats)
        .where(Course.programme.is_(True), _between(Course.starts_on, since, until))
        .group_by(Course.id)
        .order_by(Course.starts_on.desc(), Course.id.desc())
    )
    return list(rows)


def programme_indicators(since: date | None, until: date | None) -> dict[str, int]:
    """The network's target indicators the programme counts (see isok.network.figures)."""
    trained = training_figures(since, until)
    return {"training_participants": trained.participants, "training_organisations": trained.organisations}


# --- the courses an organisation keeps -------------------------------------------------------------------------

MANAGE_PAGE_SIZE = 50


def managed_course_rows(courses: Select, page: int = 1) -> list[tuple[Course, int]]:
    """The courses of a scoped select, newest first, each with its waiting list's length."""
    waiting = (
        select(func.count(Enrolment.id))
        .where(Enrolment.course_id == Course.id, Enrolment.status == EnrolmentStatus.WAITING)
        .correlate(Course)
        .scalar_subquery()
    )
    stmt = (
        courses.add_columns(waiting)
        .order_by(Course.starts_on.desc(), Course.id.desc())
        .limit(MANAGE_PAGE_SIZE + 1)
        .offset((page - 1) * MANAGE_PAGE_SIZE)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def managed_counts(courses: Select, today: date) -> dict[str, int]:
    """For the start page: upcoming courses, their seats taken and the people waiting."""
    upcoming = courses.where(Course.ends_on >= today, Course.status == CourseStatus.PUBLISHED).subquery()
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(upcoming.c.seats_taken), 0)).select_from(upcoming)
    ).one()
    waiting = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.course_id.in_(select(upcoming.c.id)), Enrolment.status == EnrolmentStatus.WAITING
        )
    )
    return {"courses": row[0], "seats_taken": row[1], "waiting": waiting}


def course_enrolments(course_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment).where(Enrolment.course_id == course_id).order_by(Enrolment.enrolled_at, Enrolment.id)
        )
    )


def schedule_changed_for(enrolments: list[Enrolment], course: Course) -> set[int]:
    """The enrolments whose accepted sessions differ from the course's sessions now (their people are told)."""
    now = course.schedule()
    return {e.id for e in enrolments if e.active and e.terms.get("sessions") is not None and e.terms["sessions"] != now}


def teachable_units(course: Course | None = None) -> list[tuple[int, str]]:
    """The units of published qualification frameworks (and those the course already teaches), as choices."""
    linked = [unit.id for unit in course.units] if course is not None else []
    rows = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name, FrameworkVersion.name)
        .join(FrameworkVersion, FrameworkUnit.version_id == FrameworkVersion.id)
        .where((FrameworkVersion.status == VersionStatus.PUBLISHED) | FrameworkUnit.id.in_(linked))
        .order_by(FrameworkVersion.id, FrameworkUnit.position, FrameworkUnit.id)
    )
    return [(unit_id, f"{localized(framework)} · {code} {localized(name)}") for unit_id, code, name, framework in rows]


# --- the public catalogue --------------------------------------------------------------------------------------

PAGE_SIZE = 20


@dataclass
class Filters:
    q: str = ""
    field: str = ""
    language: str = ""
    mode: str = ""
    starts_from: date | None = None
    starts_until: date | None = None
    organisation: int | None = None
    unit: int | None = None
    free: bool = False


def _current(today: date):
    return and_(Course.status == CourseStatus.PUBLISHED, Course.ends_on >= today)


def catalogue_page(filters: Filters, today: date, page: int = 1) -> tuple[list[Course], bool]:
    """One page of the current courses matching the filters, soonest first, and whether another page follows."""
    stmt = select(Course).where(_current(today))
    if filters.q:  # every language's texts, case-folded in Python (SQLite folds only ASCII)
        stmt = stmt.where(Course.search_text.contains(" ".join(filters.q.split()).casefold(), autoescape=True))
    if filters.field:
        stmt = stmt.where(Course.field == filters.field)
    if filters.language:
        stmt = stmt.where(
            exists().where(CourseLanguage.course_id == Course.id, CourseLanguage.code == filters.language)
        )
    if filters.mode in (Mode.ONLINE, Mode.PLACE):
        stmt = stmt.where(Course.mode.in_([filters.mode, Mode.BLENDED]))
    if filters.starts_from:
        stmt = stmt.where(Course.starts_on >= filters.starts_from)
    if filters.starts_until:
        stmt = stmt.where(Course.starts_on <= filters.starts_until)
    if filters.organisation:
        stmt = stmt.where(Course.organisation_id == filters.organisation)
    if filters.unit:
        stmt = stmt.where(exists().where(course_unit.c.course_id == Course.id, course_unit.c.unit_id == filters.unit))
    if filters.free:
        stmt = stmt.where(Course.seats_taken < Course.seats)
    # The list shows neither the long texts nor the search text: leave them in the database.
    stmt = (
        stmt.options(
            selectinload(Course.language_rows),
            defer(Course.description),
            defer(Course.audience),
            defer(Course.prerequisites),
            defer(Course.search_text),
        )
        .order_by(Course.starts_on, Course.id)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    courses = list(db.session.scalars(stmt))
    return courses[:PAGE_SIZE], len(courses) > PAGE_SIZE


def filter_choices(today: date) -> dict[str, list]:
    """What the current courses offer to filter by: organisations, languages and units."""
    current = _current(today)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(Course, Course.organisation_id == Organisation.id)
        .where(current)
        .distinct()
        .order_by(Organisation.name)
    ).all()
    languages = db.session.scalars(
        select(CourseLanguage.code)
        .join(Course, CourseLanguage.course_id == Course.id)
        .where(current)
        .distinct()
        .order_by(CourseLanguage.code)
    ).all()
    taught = (
        select(course_unit.c.unit_id)
        .join(Course, course_unit.c.course_id == Course.id)
        .where(current)
        .scalar_subquery()
    )  # units by id: PostgreSQL cannot compare the JSON names for DISTINCT
    units = db.session.execute(
        select(FrameworkUnit.id, FrameworkUnit.code, FrameworkUnit.name)
        .where(FrameworkUnit.id.in_(taught))
        .order_by(FrameworkUnit.code)
    ).all()
    return {
        "organisations": list(organisations),
        "languages": list(languages),
        "units": [(unit_id, f"{code} {localized(name)}") for unit_id, code, name in units],
    }


def latest_published(limit: int = 50) -> list[Course]:
    """The courses of the Atom feed: published or cancelled, most recently changed first."""
    return list(
        db.session.scalars(
            select(Course)
            .where(Course.status != CourseStatus.DRAFT)
            .order_by(Course.updated_at.desc(), Course.id.desc())
            .limit(limit)
        )
    )


def upcoming_sessions(today: date, course_id: int | None = None) -> list[CourseSession]:
    """Sessions of published courses from today on (of one course, or of the whole catalogue)."""
    stmt = (
        select(CourseSession)
        .join(Course, CourseSession.course_id == Course.id)
        .where(Course.status == CourseStatus.PUBLISHED, CourseSession.ends_on >= today)
        .options(contains_eager(CourseSession.course))
        .order_by(CourseSession.starts_on, CourseSession.id)
    )
    if course_id is not None:
        stmt = stmt.where(Course.id == course_id)
    return list(db.session.scalars(stmt))


# --- from a gap to a course ------------------------------------------------------------------------------------


def courses_teaching(framework_id: int, unit_codes: set[str], today: date) -> list[tuple[Course, list[str]]]:
    """Courses still open for enrolment that teach units of the framework (in any of its versions) by their
    codes, soonest first, each with the codes it teaches of those asked."""
    if not unit_codes:
        return []
    rows = db.session.execute(
        select(Course, FrameworkUnit.code)
        .join(course_unit, course_unit.c.course_id == Course.id)
        .join(FrameworkUnit, FrameworkUnit.id == course_unit.c.unit_id)
        .join(FrameworkVersion, FrameworkVersion.id == FrameworkUnit.version_id)
        .where(
            Course.status == CourseStatus.PUBLISHED,
            Course.enrolment_closes_on >= today,
            FrameworkVersion.framework_id == framework_id,
            FrameworkUnit.code.in_(unit_codes),
        )
        .order_by(Course.starts_on, Course.id, FrameworkUnit.code)
    ).all()
    found: dict[int, tuple[Course, list[str]]] = {}
    for course, code in rows:
        found.setdefault(course.id, (course, []))[1].append(code)
    return list(found.values())


def client_enrolment_statuses(client_id: int, course_ids: list[int]) -> dict[int, EnrolmentStatus]:
    """The client's active enrolments among these courses."""
    rows = db.session.execute(
        select(Enrolment.course_id, Enrolment.status).where(
            Enrolment.client_id == client_id,
            Enrolment.course_id.in_(course_ids),
            Enrolment.status != EnrolmentStatus.CANCELLED,
        )
    )
    return dict(rows.all())
