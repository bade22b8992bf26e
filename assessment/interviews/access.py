"""Who sees which interviews, schedules and records them; a teacher's interview brings its case into view."""

from sqlalchemy import Select, exists, false, select

from assessment.interviews.models import Interview, InterviewStatus
from cases.access import can_view_case, case_visible
from cases.models import Case
from isok.accounts.models import Role
from isok.fields import FieldSet
from isok.permissions import RECORD_INTERVIEWS, SCHEDULE_INTERVIEWS, can

INTERVIEW_READERS = {Role.ADMIN, Role.COUNSELLOR, Role.TEACHER, Role.CLIENT}


def reasons_to_open(roles: frozenset[Role], user_id: int, organisation_id: int | None) -> list:
    """A teacher opens the cases where they have an interview that is not cancelled."""
    if Role.TEACHER not in roles:
        return []
    return [
        exists().where(
            Interview.case_id == Case.id, Interview.teacher_id == user_id, Interview.status != InterviewStatus.CANCELLED
        )
    ]


def visible_interviews(user) -> Select:
    """Interviews of the cases the user may open (a teacher's own interviews bring their cases into view); project
    managers count cases and read no interview."""
    if not getattr(user, "is_authenticated", False) or not user.roles & INTERVIEW_READERS:
        return select(Interview).where(false())
    return select(Interview).where(case_visible(user, Interview.case_id))


def can_schedule_interview(user, case: Case) -> bool:
    return can(user, SCHEDULE_INTERVIEWS) and can_view_case(user, case)


def can_record_interview(user, interview: Interview) -> bool:
    return can(user, RECORD_INTERVIEWS) and interview.teacher_id == user.id


# --- need to know: the fields each role sees of interviews (isok.fields) ---------------------------------------

_PEOPLE = frozenset(INTERVIEW_READERS)  # the case's keepers, its teacher, the client

INTERVIEW_FIELDS = FieldSet(
    "interview",
    "interview",
    {
        (
            "starts_at",
            "duration_minutes",
            "status",
            "teacher_id",
            "scheduled_by_id",
            "place",
            "video_link",
            "language",
            "interpreter_language",
            "interpreter_name",
            "interpreter_email",
            "next_steps",
            "recorded_at",
        ): _PEOPLE,
    },
    internal=("id", "case_id", "created_at", "version"),
)

FINDING_FIELDS = FieldSet(
    "interview_finding",
    "interview_finding",
    {
        ("result", "note"): _PEOPLE,
    },
    internal=("id", "interview_id", "outcome_id"),
)

FIELD_SETS = (INTERVIEW_FIELDS, FINDING_FIELDS)
