"""Interview notices: booked, moved or cancelled, to the client, the teacher and the interpreter, with the calendar
file attached. The interpreter has no account: they are mailed the time, the place and the languages, nothing else
of the case, in the language they interpret when the interface speaks it."""

from flask import Flask
from flask_babel import format_date, format_time
from sqlalchemy import select

from assessment.interviews import access, calendar, services
from assessment.interviews.models import Interview
from isok.extensions import db
from isok.i18n import CLIENT_LOCALES, language_name
from isok.notices import registry
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

KIND = "interview"
ACTIONS = ("schedule_interview", "reschedule_interview", "cancel_interview")
RELEASED = "release_interpreter"  # the interpreter of a booking was replaced or is no longer needed


def init_app(app: Flask) -> None:
    registry.kind(app, registry.Kind(KIND, _l("Interviews booked, moved or cancelled"), write, visible))
    for action in ACTIONS:
        registry.on_audit(app, action, told)


def told(entry) -> list[registry.Tell]:
    interview = db.session.get(Interview, entry.object_id)
    params = {"action": entry.action}
    people = [interview.teacher_id, interview.case.client.user_id]
    tells = [registry.Tell(user_id, KIND, interview.id, params, case_id=interview.case_id) for user_id in people]
    locale = interview.interpreter_language if interview.interpreter_language in CLIENT_LOCALES else None
    if interview.interpreter_email:
        tells.append(
            registry.Tell(
                None, KIND, interview.id, params, interview.case_id, email=interview.interpreter_email, locale=locale
            )
        )
    moved = (entry.changes or {}) if entry.action == "reschedule_interview" else {}
    released = moved.get("interpreter_email", [None, None])[0]  # {field: [before, after]}
    if released and released != interview.interpreter_email:  # another interpreter, or none is needed any more
        tells.append(
            registry.Tell(
                None, KIND, interview.id, {"action": RELEASED}, interview.case_id, email=released, locale=locale
            )
        )
    return tells


def _sees_case(user, interview_id) -> bool:
    return db.session.scalar(access.visible_interviews(user).where(Interview.id == interview_id)) is not None


def visible(user, notice) -> bool:
    """Whoever sees the case; the interview's own teacher, who no longer sees it once the interview is cancelled but
    must learn of the cancellation; and its interpreter while they still are its interpreter."""
    if user is None:
        if notice.params["action"] == RELEASED:
            return True  # they knew of the interview; they learn only that it no longer needs them
        return db.session.scalar(select(Interview.interpreter_email).where(Interview.id == notice.object_id)) == (
            notice.email
        )
    if _sees_case(user, notice.object_id):
        return True
    return db.session.scalar(select(Interview.teacher_id).where(Interview.id == notice.object_id)) == user.id


def write(notice) -> registry.Written | None:
    interview = db.session.get(Interview, notice.object_id)
    if interview is None:
        return None
    when = f"{format_date(interview.starts_at, 'full')} {format_time(interview.starts_at, 'short')}"
    if notice.user_id is None:
        return _to_interpreter(notice, interview, when)
    subject = {
        "schedule_interview": _("An interview is booked for %(when)s", when=when),
        "reschedule_interview": _("The interview moved to %(when)s", when=when),
        "cancel_interview": _("The interview of %(when)s is cancelled", when=when),
    }[notice.params["action"]]
    lines = [
        _("Place: %(place)s", place=interview.place or interview.video_link or "–"),
        _("Teacher: %(name)s", name=interview.teacher.name),
        _("Language: %(language)s", language=language_name(interview.language)),
    ]
    if interview.interpreter_language:
        lines.append(_("Interpreter: %(language)s", language=language_name(interview.interpreter_language)))
    url = (
        registry.link("assessment.interview", interview_id=interview.id)
        if notice.user_id == interview.teacher_id
        else registry.link("dashboard.home")
    )
    # without the client's name: a mail outlives the record (an erased client's name must not stay in it)
    ics = calendar.calendar([services.interview_event(interview, name_client=False)])
    return registry.Written(subject, "\n".join(lines), url, [(f"interview-{interview.id}.ics", "text/calendar", ics)])


def _to_interpreter(notice, interview, when) -> registry.Written:
    subject = {
        "schedule_interview": _("You are booked to interpret at an interview on %(when)s", when=when),
        "reschedule_interview": _("The interview you interpret at moved to %(when)s", when=when),
        "cancel_interview": _("The interview of %(when)s you were to interpret at is cancelled", when=when),
        RELEASED: _("You are no longer needed to interpret at the interview of %(when)s", when=when),
    }[notice.params["action"]]
    event = services.interpreter_event(interview, released=notice.params["action"] == RELEASED)
    lines = [_("Place: %(place)s", place=event.location or "–"), event.description]
    ics = calendar.calendar([event])
    return registry.Written(subject, "\n".join(lines), "", [(f"interview-{interview.id}.ics", "text/calendar", ics)])
