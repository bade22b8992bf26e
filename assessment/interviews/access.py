"""Who sees which interviews, schedules and records them; a teacher's interview brings its case into view."""

from sqlalchemy import Select, exists, select

from assessment.interviews.models import Interview, InterviewStatus
from cases.access import can_view_case, case_visible
from cases.models import Case
from isok.accounts.models import Role
from isok.permissions import RECORD_INTERVIEWS, SCHEDULE_INTERVIEWS, can


def reasons_to_open(roles: frozenset[Role], user_id: int, organisation_id: int | None) -> list:
    """A teacher opens the cases where they have an interview that is not cancelled."""
    if Role.TEACHER not in roles:
        return []
    return [exists().where(Interview.case_id == Case.id, Interview.teacher_id == user_id,
                           Interview.status != InterviewStatus.CANCELLED)]


def visible_interviews(user) -> Select:
    """Interviews of the cases the user may open (a teacher's own interviews bring their cases into view)."""
    return select(Interview).where(case_visible(user, Interview.case_id))


def can_schedule_interview(user, case: Case) -> bool:
    return can(user, SCHEDULE_INTERVIEWS) and can_view_case(user, case)


def can_record_interview(user, interview: Interview) -> bool:
    return can(user, RECORD_INTERVIEWS) and interview.teacher_id == user.id
