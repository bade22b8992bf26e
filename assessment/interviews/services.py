"""Interviews: a counsellor books a vocational teacher to interview a client; the teacher records, per learning
outcome of the case's target qualification, what the interview verified, and recommends the next steps."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlparse

from flask import current_app, has_request_context, url_for
from flask_babel import format_datetime, format_time
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from assessment.frameworks.models import FrameworkUnit, LearningOutcome
from assessment.frameworks.services import target_qualification
from assessment.interviews import access, calendar
from assessment.interviews.models import CalendarFeed, Interview, InterviewFinding, InterviewStatus, Verification
from cases import access as case_access
from cases.models import Case, Client
from isok import audit
from isok.accounts.models import Role, User
from isok.concurrency import check_version
from isok.database import utcnow
from isok.extensions import db
from isok.i18n import language_name
from isok.rules import RuleBroken
from isok.translation import gettext as _

MIN_DURATION = 15
MAX_DURATION = 8 * 60
SCHEDULE_FIELDS = [
    "case_id",
    "teacher_id",
    "starts_at",
    "duration_minutes",
    "place",
    "video_link",
    "language",
    "interpreter_language",
    "interpreter_name",
    "interpreter_email",
]
FEED_HISTORY = timedelta(days=90)


class InterviewError(RuleBroken):
    """A rule about interviews was broken; the message is shown next to the field."""


def _check_version(interview: Interview, expected_version) -> None:
    check_version(
        interview,
        expected_version,
        _(
            "Someone else changed this interview while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        ),
        error=InterviewError,
    )


def teachers() -> list[User]:
    """Active users with the vocational teacher role, by name."""
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [user for user in users if Role.TEACHER in user.roles]


# --- booking ---------------------------------------------------------------------------------------------------


def _overlapping(starts_at: datetime, ends_at: datetime, condition, exclude_id: int | None) -> Interview | None:
    # Portable overlap test: candidates start before the new end and at most MAX_DURATION before the new start.
    stmt = (
        select(Interview)
        .join(Case, Interview.case_id == Case.id)
        .where(
            condition,
            Interview.status != InterviewStatus.CANCELLED,
            Interview.starts_at < ends_at,
            Interview.starts_at > starts_at - timedelta(minutes=MAX_DURATION),
        )
        .order_by(Interview.starts_at)
    )
    if exclude_id is not None:
        stmt = stmt.where(Interview.id != exclude_id)
    return next((other for other in db.session.scalars(stmt) if other.ends_at > starts_at), None)


def _when(interview: Interview) -> str:
    return _(
        "%(start)s–%(end)s",
        start=format_datetime(interview.starts_at, "short"),
        end=format_time(interview.ends_at, "short"),
    )


def _check_booking(
    actor,
    case: Case,
    *,
    teacher: User | None,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None,
    video_link: str | None,
    now: datetime,
    exclude_id: int | None = None,
) -> User:
    """The teacher, once the booking is known to be possible."""
    if teacher is None or Role.TEACHER not in teacher.roles or not teacher.active:
        raise InterviewError(_("Choose an active user with the vocational teacher role."), "teacher_id")
    if starts_at <= now:
        raise InterviewError(_("The interview must start in the future."), "starts_at")
    if not MIN_DURATION <= (duration_minutes or 0) <= MAX_DURATION:
        raise InterviewError(
            _("The duration is from %(min)d to %(max)d minutes.", min=MIN_DURATION, max=MAX_DURATION),
            "duration_minutes",
        )
    if not (place or video_link):
        raise InterviewError(_("Give a place or a video link."), "place")
    if video_link and urlparse(video_link).scheme not in ("https", "http"):
        raise InterviewError(_("A video link starts with https://."), "video_link")
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    clash = _overlapping(starts_at, ends_at, Interview.teacher_id == teacher.id, exclude_id)
    if clash is not None:
        client = str(clash.case.client) if case_access.can_view_case(actor, clash.case) else _("another client")
        raise InterviewError(
            _(
                "%(teacher)s already has an interview at %(when)s (with %(client)s).",
                teacher=teacher.name,
                when=_when(clash),
                client=client,
            ),
            "teacher_id",
        )
    clash = _overlapping(starts_at, ends_at, Case.client_id == case.client_id, exclude_id)
    if clash is not None:
        raise InterviewError(
            _(
                "The client already has an interview at %(when)s (with %(teacher)s).",
                when=_when(clash),
                teacher=clash.teacher.name,
            ),
            "starts_at",
        )
    return teacher


def _interpreter(language: str | None, name: str | None, email: str | None) -> dict:
    """The interpreter's record: a language, and whom to tell of the booking (by mail, when there is an address)."""
    name, email = (name or "").strip() or None, (email or "").strip() or None
    if (name or email) and not language:
        raise InterviewError(_("Choose the language the interpreter interprets."), "interpreter_language")
    return {"interpreter_language": language or None, "interpreter_name": name, "interpreter_email": email}


def schedule_interview(
    actor,
    case: Case,
    *,
    teacher: User | None,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None = None,
    video_link: str | None = None,
    language: str = "fi",
    interpreter_language: str | None = None,
    interpreter_name: str | None = None,
    interpreter_email: str | None = None,
    as_of: datetime | None = None,
) -> Interview:
    """Book an interview; refuse a time in the past and any overlap with the teacher's or the client's others.

    `as_of` is the moment the booking counts as made (now, unless demo data books past interviews).
    """
    teacher = _check_booking(
        actor,
        case,
        teacher=teacher,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
        now=as_of or utcnow(),
    )
    interpreter = _interpreter(interpreter_language, interpreter_name, interpreter_email)
    interview = Interview(
        case_id=case.id,
        teacher_id=teacher.id,
        scheduled_by_id=getattr(actor, "id", None),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place or None,
        video_link=video_link or None,
        language=language,
        **interpreter,
    )
    db.session.add(interview)
    audit.record(actor, "schedule_interview", interview, changes=audit.snapshot(interview, SCHEDULE_FIELDS))
    return interview


def reschedule_interview(
    actor,
    interview: Interview,
    expected_version,
    *,
    teacher: User | None,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None = None,
    video_link: str | None = None,
    language: str = "fi",
    interpreter_language: str | None = None,
    interpreter_name: str | None = None,
    interpreter_email: str | None = None,
) -> None:
    _check_version(interview, expected_version)
    if interview.status != InterviewStatus.SCHEDULED:
        raise InterviewError(_("Only a scheduled interview can be changed."))
    teacher = _check_booking(
        actor,
        interview.case,
        teacher=teacher,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
        now=utcnow(),
        exclude_id=interview.id,
    )
    interpreter = _interpreter(interpreter_language, interpreter_name, interpreter_email)
    interview.teacher_id = teacher.id
    interview.starts_at, interview.duration_minutes = starts_at, duration_minutes
    interview.place, interview.video_link = place or None, video_link or None
    interview.language = language
    for name, value in interpreter.items():
        setattr(interview, name, value)
    audit.record(actor, "reschedule_interview", interview, changes=audit.changes_of(interview, SCHEDULE_FIELDS))


def cancel_interview(actor, interview: Interview, expected_version) -> None:
    _check_version(interview, expected_version)
    if interview.status != InterviewStatus.SCHEDULED:
        raise InterviewError(_("Only a scheduled interview can be cancelled."))
    interview.status = InterviewStatus.CANCELLED
    audit.record(actor, "cancel_interview", interview, changes=audit.changes_of(interview, ["status"]))


# --- recording -------------------------------------------------------------------------------------------------


def outcomes_of_case(case: Case) -> list[LearningOutcome]:
    """The learning outcomes of the case's target qualification, unit by unit."""
    qualification = target_qualification(case)
    if qualification is None:
        return []
    return [outcome for unit in qualification.version.units for outcome in unit.outcomes]


def record_interview(
    actor,
    interview: Interview,
    expected_version,
    *,
    findings: dict[int, tuple[Verification, str | None]],
    next_steps: dict,
) -> None:
    """Record what the interview verified, per learning outcome, and the recommended next steps.

    findings: {outcome id: (verification, note)}; next_steps: {"placement": bool, "training": bool,
    "certify_units": [unit ids], "note": str}.
    """
    _check_version(interview, expected_version)
    if interview.teacher_id != getattr(actor, "id", None):
        raise InterviewError(_("Only the teacher who held the interview records it."))
    if interview.status == InterviewStatus.CANCELLED:
        raise InterviewError(_("The interview was cancelled."))
    if utcnow() < interview.starts_at:
        raise InterviewError(
            _(
                "The interview starts at %(when)s: its findings can be recorded from then on. Nothing was saved.",
                when=_when(interview),
            )
        )
    qualification = target_qualification(interview.case)
    if qualification is None:
        raise InterviewError(_("The case has no target qualification yet; ask the counsellor to set it first."))
    version = qualification.version
    allowed = {outcome.id: outcome for outcome in outcomes_of_case(interview.case)}
    for outcome_id in findings:
        if outcome_id not in allowed:
            outcome = db.session.get(LearningOutcome, outcome_id)
            raise InterviewError(
                _(
                    "The learning outcome %(code)s is not part of the case's target qualification %(name)s.",
                    code=outcome.code if outcome else f"#{outcome_id}",
                    name=version.framework.code,
                )
            )
    if not findings:
        raise InterviewError(_("Record the result of at least one learning outcome."))
    unit_ids = {unit.id for unit in version.units}
    certify = [int(unit_id) for unit_id in next_steps.get("certify_units", [])]
    if set(certify) - unit_ids:
        raise InterviewError(
            _("Only units of the case's target qualification can be recommended for certification."), "certify_units"
        )
    existing = {finding.outcome_id: finding for finding in interview.findings}
    for outcome_id, (result, note) in findings.items():
        finding = existing.pop(outcome_id, None)
        if finding is None:
            interview.findings.append(InterviewFinding(outcome_id=outcome_id, result=result, note=note or None))
        else:
            finding.result, finding.note = result, note or None
    for finding in existing.values():
        interview.findings.remove(finding)
    interview.next_steps = {
        "placement": bool(next_steps.get("placement")),
        "training": bool(next_steps.get("training")),
        "certify_units": sorted(certify),
        "note": (next_steps.get("note") or "").strip(),
    }
    interview.status = InterviewStatus.RECORDED
    interview.recorded_at = utcnow()
    audit.record(
        actor,
        "record_interview",
        interview,
        changes={
            "findings": {allowed[outcome_id].code: result.value for outcome_id, (result, _n) in findings.items()},
            "next_steps": interview.next_steps,
        },
    )


def units_by_id(ids) -> list[FrameworkUnit]:
    ids = list(ids or [])
    if not ids:
        return []
    return list(
        db.session.scalars(select(FrameworkUnit).where(FrameworkUnit.id.in_(ids)).order_by(FrameworkUnit.position))
    )


# --- lists -----------------------------------------------------------------------------------------------------


def case_interviews(user, case: Case) -> list[Interview]:
    return list(
        db.session.scalars(
            access.visible_interviews(user).where(Interview.case_id == case.id).order_by(Interview.starts_at.desc())
        )
    )


# What an interview list shows of each interview, loaded with the list rather than row by row.
_LISTED = (joinedload(Interview.case).joinedload(Case.client), joinedload(Interview.teacher))


TEACHER_LISTS = ("to_record", "upcoming", "recorded")


@dataclass
class InterviewPage:
    interviews: list[Interview]
    has_next: bool


def teacher_interviews(
    user, lists=TEACHER_LISTS, *, page: int = 1, size: int = 25, now: datetime | None = None
) -> dict[str, InterviewPage]:
    """One page of each of the teacher's own lists: waiting to be recorded (started, not recorded) and upcoming,
    soonest first, and recorded, latest first. Pages, never whole lists: a teacher's interviews only grow."""
    now = now or utcnow()
    base = select(Interview).where(Interview.teacher_id == user.id).options(*_LISTED)
    scheduled = base.where(Interview.status == InterviewStatus.SCHEDULED)
    queries = {
        "to_record": scheduled.where(Interview.starts_at <= now).order_by(Interview.starts_at, Interview.id),
        "upcoming": scheduled.where(Interview.starts_at > now).order_by(Interview.starts_at, Interview.id),
        "recorded": base.where(Interview.status == InterviewStatus.RECORDED).order_by(
            Interview.starts_at.desc(), Interview.id.desc()
        ),
    }
    pages = {}
    for name in lists:
        rows = list(db.session.scalars(queries[name].limit(size + 1).offset((page - 1) * size)))
        pages[name] = InterviewPage(rows[:size], len(rows) > size)
    return pages


def due_and_overdue(user, now: datetime | None = None, limit: int = 10) -> dict[str, list[Interview]]:
    """Scheduled interviews of the cases the user sees: due (in the future) and overdue (started, not recorded)."""
    now = now or utcnow()
    scheduled = access.visible_interviews(user).where(Interview.status == InterviewStatus.SCHEDULED).options(*_LISTED)
    return {
        "due": list(
            db.session.scalars(scheduled.where(Interview.starts_at > now).order_by(Interview.starts_at).limit(limit))
        ),
        "overdue": list(
            db.session.scalars(scheduled.where(Interview.starts_at <= now).order_by(Interview.starts_at).limit(limit))
        ),
    }


def client_upcoming_interviews(user, now: datetime | None = None) -> list[Interview]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Interview)
            .join(Case, Interview.case_id == Case.id)
            .join(Client, Case.client_id == Client.id)
            .where(Client.user_id == user.id, Interview.status == InterviewStatus.SCHEDULED, Interview.starts_at > now)
            .order_by(Interview.starts_at)
        )
    )


# --- calendar --------------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed(user) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def issue_calendar_token(user) -> str:
    """Give the user a new private feed address (the old one stops working); the token is returned only now."""
    token = secrets.token_urlsafe(32)
    feed = calendar_feed(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_token_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash, feed.created_at = _token_hash(token), utcnow()
    audit.record(user, "issue_calendar_feed", feed)
    return token


def revoke_calendar_token(user) -> None:
    feed = calendar_feed(user)
    if feed is not None:
        audit.record(user, "revoke_calendar_feed", feed)
        db.session.delete(feed)
        db.session.flush()


def feed_owner(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _token_hash(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def feed_interviews(user, now: datetime | None = None) -> list[Interview]:
    """The user's interviews as teacher, as client or as the counsellor who booked them, from 90 days back."""
    now = now or utcnow()
    own_cases = select(Case.id).join(Client, Case.client_id == Client.id).where(Client.user_id == user.id)
    return list(
        db.session.scalars(
            select(Interview)
            .where(
                or_(
                    Interview.teacher_id == user.id,
                    Interview.scheduled_by_id == user.id,
                    Interview.case_id.in_(own_cases),
                ),
                Interview.starts_at > now - FEED_HISTORY,
            )
            .order_by(Interview.starts_at)
        )
    )


def _uid(interview: Interview) -> str:
    host = urlparse(current_app.config.get("PUBLIC_URL", "")).hostname or "isok"
    return f"interview-{interview.id}@{host}"


def interview_event(interview: Interview, *, name_client: bool) -> calendar.CalendarEvent:
    """The interview as a calendar event; the client's name only where asked (a feed may be synced elsewhere)."""
    lines = [
        _("Teacher: %(name)s", name=interview.teacher.name),
        _("Language: %(language)s", language=language_name(interview.language)),
    ]
    if name_client:
        lines.insert(0, _("Client: %(name)s", name=interview.case.client))
    if interview.interpreter_language:
        lines.append(_("Interpreter: %(language)s", language=language_name(interview.interpreter_language)))
    if interview.video_link:
        lines.append(_("Video link: %(url)s", url=interview.video_link))
    url = url_for("assessment.interview", interview_id=interview.id, _external=True) if has_request_context() else ""
    return calendar.CalendarEvent(
        uid=_uid(interview),
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        summary=_("Validation interview (case %(id)d)", id=interview.case_id),
        location=interview.place or interview.video_link or "",
        description="\n".join(lines),
        url=url,
        sequence=interview.version,
        cancelled=interview.status == InterviewStatus.CANCELLED,
    )


def interpreter_event(interview: Interview, *, released: bool = False) -> calendar.CalendarEvent:
    """The interview as its interpreter sees it: when, where and in which languages, nothing else of the case (the
    same uid as the teacher's event, so a calendar updates it when the interview moves or is cancelled; cancelled
    too for an interpreter `released` from it)."""
    return calendar.CalendarEvent(
        uid=_uid(interview),
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        summary=_("Interpreting at an interview"),
        location=interview.place or interview.video_link or "",
        description="\n".join(
            [_("Language: %(language)s", language=language_name(interview.language))]
            + (  # none once the interview no longer needs an interpreter (the one released is told so)
                [_("Interpreting into: %(language)s", language=language_name(interview.interpreter_language))]
                if interview.interpreter_language
                else []
            )
        ),
        url="",
        sequence=interview.version,
        cancelled=released or interview.status == InterviewStatus.CANCELLED,
    )


def interview_ics(interview: Interview) -> str:
    return calendar.calendar([interview_event(interview, name_client=True)])


def feed_ics(user) -> str:
    events = [interview_event(interview, name_client=False) for interview in feed_interviews(user)]
    return calendar.calendar(events, name=_("isok interviews"))
