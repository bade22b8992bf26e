"""Interviews in a client's data export and erasure (declared in assessment.interviews.init_app)."""

from sqlalchemy import select

from assessment.interviews.models import CalendarFeed, Interview
from cases.models import Case
from isok import audit, hooks
from isok.extensions import db

INTERVIEW_FIELDS = [
    "id",
    "case_id",
    "starts_at",
    "duration_minutes",
    "place",
    "video_link",
    "language",
    "interpreter_language",
    "status",
    "next_steps",
    "recorded_at",
    "created_at",
]


def _interviews(client) -> list[Interview]:
    return list(
        db.session.scalars(
            select(Interview)
            .join(Case, Interview.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(Interview.starts_at)
        )
    )


def _feed(client) -> CalendarFeed | None:
    if client.user_id is None:
        return None
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == client.user_id))


def interviews_part(client) -> list[hooks.ExportPart]:
    """Each interview with its teacher, and what it verified per learning outcome; the client's calendar address
    (when it was made: the address itself is a secret shown once and only its hash is kept)."""
    interviews = _interviews(client)
    feed = _feed(client)
    if not interviews and feed is None:
        return []
    data = {
        "interviews": [
            {
                **audit.snapshot(interview, INTERVIEW_FIELDS),
                "teacher": interview.teacher.name,
                "findings": [
                    {**audit.snapshot(finding, ["id", "outcome_id", "result", "note"]), "outcome": finding.outcome.code}
                    for finding in interview.findings
                ],
            }
            for interview in interviews
        ],
        "calendar_feed": audit.snapshot(feed, ["id", "created_at"]) if feed else None,
    }
    return [
        hooks.ExportPart(
            "interviews",
            data,
            "assessment/interviews/export_summary.html",
            context={"interviews": interviews},
            tables=("interview", "interview_finding", "calendar_feed"),
        )
    ]


def erase_interviews(actor, client) -> None:
    """Blank where and how each interview was held and what the teacher wrote; results and dates stay."""
    interviews = _interviews(client)
    for interview in interviews:
        interview.place = None
        interview.video_link = None
        if interview.next_steps:
            interview.next_steps = {**interview.next_steps, "note": ""}
        for finding in interview.findings:
            finding.note = None
    audit.redact("interview", [interview.id for interview in interviews], ("place", "video_link", "next_steps"))
    feed = _feed(client)
    if feed is not None:
        db.session.delete(feed)  # the calendar address shows the client's interviews: it ends with the login
    if interviews or feed is not None:
        audit.record(
            actor,
            "erase_interviews",
            object_type="client",
            object_id=client.id,
            changes={"interviews": len(interviews), "calendar_feed": feed is not None},
        )
    db.session.flush()
