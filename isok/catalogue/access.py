"""Who may do what in the catalogue.

Anyone, signed in or not, reads the published catalogue and may enrol as a person of an outside organisation. Staff
of an organisation publish and edit its courses and see their enrolments; the project's managers also keep the
trainings of the ESF programme, whoever holds them; administrators keep everything. A signed-in person sees the
enrolments they made or that are theirs, and a counsellor those of the clients they may manage. Everything else is
not found (404), so ids reveal nothing.
"""

from sqlalchemy import Select, false, or_, select, true

from cases import access as case_access
from cases.models import Client
from isok import permissions
from isok.accounts.models import Role
from isok.catalogue.models import Course, CourseStatus, Enrolment
from isok.extensions import db

PUBLISH_COURSES = "publish_courses"  # publish and edit one's own organisation's courses, see their enrolments
ENROL = "enrol"  # enrol oneself, or a client one manages, while signed in

ADMIN, MANAGER, COUNSELLOR = Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR
TEACHER, TUTOR = Role.TEACHER, Role.WORKPLACE_TUTOR

GRANTS = {
    PUBLISH_COURSES: {ADMIN, MANAGER, COUNSELLOR, TEACHER},
    ENROL: {ADMIN, MANAGER, COUNSELLOR, TEACHER, TUTOR},
}


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


def _course_scope(user):
    """The courses the user keeps: their organisation's; for the project's managers also the programme's."""
    if not permissions.can(user, PUBLISH_COURSES):
        return false()
    if ADMIN in user.roles:
        return true()
    conditions = [Course.organisation_id == user.organisation_id] if user.organisation_id else []
    if permissions.can(user, permissions.MANAGE_NETWORK):
        conditions.append(Course.programme.is_(True))
    return or_(*conditions) if conditions else false()


def managed_courses(user) -> Select:
    return select(Course).where(_course_scope(user))


def reported_courses(user) -> Select:
    """The courses a user's reports cover: the network's managers report on the whole network (the billing
    statement of every payer), others on the courses they keep."""
    if permissions.can(user, permissions.MANAGE_NETWORK):
        return select(Course)
    return managed_courses(user)


def can_manage_course(user, course: Course) -> bool:
    if not permissions.can(user, PUBLISH_COURSES):
        return False
    if ADMIN in user.roles or (course.organisation_id is not None and course.organisation_id == user.organisation_id):
        return True
    return course.programme and permissions.can(user, permissions.MANAGE_NETWORK)


def can_offer_for(user, organisation_id: int | None) -> bool:
    """Whether the user may publish a course in the name of this organisation."""
    if not permissions.can(user, PUBLISH_COURSES) or organisation_id is None:
        return False
    return ADMIN in user.roles or organisation_id == user.organisation_id


def can_keep_programme(user) -> bool:
    """Marking a course as a training of the ESF programme decides who counts as an ESF participant."""
    return permissions.can(user, permissions.MANAGE_NETWORK)


def can_read_course(user, course: Course) -> bool:
    """Published and cancelled courses are public; drafts only for those who keep them."""
    return course.status is not CourseStatus.DRAFT or can_manage_course(user, course)


def _enrolment_scope(user):
    if not _signed_in(user):
        return false()
    conditions = [
        Enrolment.user_id == user.id,
        Enrolment.enrolled_by_id == user.id,
        Enrolment.course_id.in_(managed_courses(user).with_only_columns(Course.id)),
    ]
    if permissions.can(user, permissions.MANAGE_CASES):
        conditions.append(Enrolment.client_id.in_(case_access.visible_clients(user).with_only_columns(Client.id)))
    return or_(*conditions)


def visible_enrolments(user) -> Select:
    return select(Enrolment).where(_enrolment_scope(user))


def can_view_enrolment(user, enrolment: Enrolment) -> bool:
    return (
        db.session.scalar(select(Enrolment.id).where(Enrolment.id == enrolment.id, _enrolment_scope(user))) is not None
    )


def can_cancel_as_participant(user, enrolment: Enrolment) -> bool:
    """The participant's side: the person themselves, whoever enrolled them, a counsellor of the client."""
    if not _signed_in(user) or not enrolment.active:
        return False
    if user.id in (enrolment.user_id, enrolment.enrolled_by_id):
        return True
    return enrolment.client is not None and case_access.can_manage_client(user, enrolment.client)


def can_enrol_client(user, client) -> bool:
    return permissions.can(user, ENROL) and case_access.can_manage_client(user, client)


def init_app(app) -> None:
    for capability, roles in GRANTS.items():
        permissions.GRANTS.setdefault(capability, roles)
    for rule in (can_manage_course, can_cancel_as_participant):
        app.jinja_env.globals[rule.__name__] = rule
