from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required
from sqlalchemy import select

from assessment import bp
from assessment.assessments.models import SelfRating
from assessment.frameworks import access as framework_access
from assessment.frameworks import services as frameworks
from assessment.frameworks.forms import TargetQualificationForm
from assessment.interviews import access, services
from assessment.interviews.forms import InterviewForm, record_form_class
from assessment.interviews.models import Interview, InterviewStatus, Verification
from cases import access as case_access
from cases.models import Case
from isok import audit, dashboard, hooks, permissions
from isok.accounts.models import Role, User
from isok.dashboard import Panel
from isok.extensions import db
from isok.forms import ActionForm, apply, choices
from isok.i18n import DEFAULT_LOCALE, language_name, localized
from isok.rules import RuleBroken
from isok.translation import force_locale
from isok.translation import gettext as _
from portfolio.models import PortfolioEntry

CASE_PANEL_INTERVIEWS = 5


def _case_or_404(case_id: int) -> Case:
    return db.session.scalar(case_access.visible_cases(current_user).where(Case.id == case_id)) or abort(404)


def _interview_or_404(interview_id: int) -> Interview:
    stmt = access.visible_interviews(current_user).where(Interview.id == interview_id)
    return db.session.scalar(stmt) or abort(404)


def _local_zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def _qualification_form(case: Case, current=None) -> TargetQualificationForm:
    """The form choosing the case's target qualification; `current` is the case's, when the caller has read it."""
    form = TargetQualificationForm(formdata=None)
    current = current or frameworks.target_qualification(case)
    form.version_id.choices = choices(
        [(0, _("Choose a qualification"))]
        + [(v.id, f"{localized(v.name)} ({v.framework.code}, v{v.number})") for v in frameworks.published_versions()]
    )
    form.version_id.data = current.version_id if current else 0
    return form


# --- the case's interviews and target qualification ------------------------------------------------------------


def _render_case(case: Case, qualification_form=None, status=200):
    return render_template(
        "assessment/interviews/case.html",
        case=case,
        qualification=frameworks.target_qualification(case),
        interviews=services.case_interviews(current_user, case),
        qualification_form=qualification_form or _qualification_form(case),
    ), status


@bp.get("/cases/<int:case_id>/interviews")
@permissions.requires(permissions.VIEW_CASES)
def case_interviews(case_id):
    case = _case_or_404(case_id)
    audit.record_view(current_user, "client", case.client_id)
    return _render_case(case)


@bp.post("/cases/<int:case_id>/qualification")
@permissions.requires(permissions.MANAGE_CASES)
def set_target_qualification(case_id):
    case = _case_or_404(case_id)
    if not framework_access.can_set_target_qualification(current_user, case):
        abort(404)
    form = _qualification_form(case)
    form.process(request.form)
    if form.validate():
        version = frameworks.published_version(form.version_id.data)
        try:
            if version is None:
                raise frameworks.FrameworkError(_("Choose a published version."), "version_id")
            frameworks.set_target_qualification(current_user, case, version)
        except frameworks.FrameworkError as error:
            form.version_id.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The target qualification was set."), "success")
            if request.form.get("back") == "case":  # set from the case page's panel
                return redirect(url_for("cases.detail", case_id=case.id))
            return redirect(url_for("assessment.case_interviews", case_id=case.id))
    return _render_case(case, form, 400)


# --- scheduling ------------------------------------------------------------------------------------------------


def _interview_form(interview: Interview | None = None) -> InterviewForm:
    form = InterviewForm(formdata=None if request.method == "GET" else request.form)
    form.teacher_id.choices = choices([(0, _("Choose a teacher"))] + [(t.id, t.name) for t in services.teachers()])
    if request.method == "GET" and interview is not None:
        local = interview.starts_at.astimezone(_local_zone())
        form.teacher_id.data, form.date.data, form.time.data = interview.teacher_id, local.date(), local.time()
        form.duration_minutes.data, form.place.data = interview.duration_minutes, interview.place
        form.video_link.data, form.language.data = interview.video_link, interview.language
        form.interpreter_language.data = interview.interpreter_language or ""
        form.interpreter_name.data = interview.interpreter_name
        form.interpreter_email.data = interview.interpreter_email
        form.version.data = interview.version
    return form


def _booking(form: InterviewForm) -> dict:
    starts_at = datetime.combine(form.date.data, form.time.data).replace(tzinfo=_local_zone()).astimezone(UTC)
    return {
        "teacher": db.session.get(User, form.teacher_id.data) if form.teacher_id.data else None,
        "starts_at": starts_at,
        "duration_minutes": form.duration_minutes.data,
        "place": (form.place.data or "").strip(),
        "video_link": (form.video_link.data or "").strip(),
        "language": form.language.data,
        "interpreter_language": form.interpreter_language.data or None,
        "interpreter_name": form.interpreter_name.data,
        "interpreter_email": form.interpreter_email.data,
    }


def _put_error(form, error: services.InterviewError, default: str) -> None:
    name = {"starts_at": "date"}.get(error.field, error.field)
    getattr(form, name if name and hasattr(form, name) else default).errors.append(str(error))


@bp.route("/cases/<int:case_id>/interviews/new", methods=["GET", "POST"])
@permissions.requires(permissions.SCHEDULE_INTERVIEWS)
def schedule_interview(case_id):
    case = _case_or_404(case_id)
    form = _interview_form()
    if request.method == "GET":
        form.language.data = case.client.preferred_language or DEFAULT_LOCALE
    if request.method == "POST" and form.validate():
        try:
            interview = services.schedule_interview(current_user, case, **_booking(form))
        except RuleBroken as error:
            _put_error(form, error, "date")
        else:
            db.session.commit()
            flash(_("The interview was scheduled."), "success")
            return redirect(url_for("assessment.interview", interview_id=interview.id))
    return render_template("assessment/interviews/form.html", form=form, case=case, interview=None), (
        400 if form.errors else 200
    )


@bp.get("/interviews/<int:interview_id>")
@permissions.requires(permissions.VIEW_CASES)
def interview(interview_id):
    interview = _interview_or_404(interview_id)
    audit.record_view(current_user, "client", interview.case.client_id)
    next_steps = interview.next_steps or {}
    return render_template(
        "assessment/interviews/detail.html",
        interview=interview,
        next_steps=next_steps,
        certify_units=services.units_by_id(next_steps.get("certify_units")),
        language_label=language_name,
    )


@bp.route("/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@permissions.requires(permissions.SCHEDULE_INTERVIEWS)
def reschedule_interview(interview_id):
    interview = _interview_or_404(interview_id)
    form = _interview_form(interview)
    if request.method == "POST" and form.validate():
        try:
            services.reschedule_interview(current_user, interview, form.version.data, **_booking(form))
        except RuleBroken as error:
            _put_error(form, error, "date")
        else:
            db.session.commit()
            flash(_("The interview was changed."), "success")
            return redirect(url_for("assessment.interview", interview_id=interview.id))
    return render_template("assessment/interviews/form.html", form=form, case=interview.case, interview=interview), (
        400 if form.errors else 200
    )


@bp.post("/interviews/<int:interview_id>/cancel")
@permissions.requires(permissions.SCHEDULE_INTERVIEWS)
def cancel_interview(interview_id):
    interview = _interview_or_404(interview_id)
    try:
        services.cancel_interview(current_user, interview, request.form.get("version"))
    except RuleBroken as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The interview was cancelled."), "success")
    return redirect(url_for("assessment.interview", interview_id=interview.id))


# --- recording -------------------------------------------------------------------------------------------------


def _submitted_findings() -> dict[int, tuple[Verification, str]]:
    """Results typed into the form, by outcome id (ids the form did not offer included, so the rule refuses them)."""
    findings = {}
    for key, value in request.form.items():
        if key.startswith("result_") and key[7:].isdigit() and value:
            try:
                findings[int(key[7:])] = (Verification(value), request.form.get(f"note_{key[7:]}", "").strip())
            except ValueError:
                continue
    return findings


@bp.route("/interviews/<int:interview_id>/record", methods=["GET", "POST"])
@permissions.requires(permissions.RECORD_INTERVIEWS)
def record_interview(interview_id):
    interview = _interview_or_404(interview_id)
    if not access.can_record_interview(current_user, interview):
        abort(404)
    qualification = frameworks.target_qualification(interview.case)
    outcomes = services.outcomes_of_case(interview.case)
    form = record_form_class(outcomes)(formdata=None if request.method == "GET" else request.form)
    units = qualification.version.units if qualification else []
    form.certify_units.choices = choices((unit.id, f"{unit.code} {localized(unit.name)}") for unit in units)
    if request.method == "GET":
        for finding in interview.findings:
            if hasattr(form, f"result_{finding.outcome_id}"):
                getattr(form, f"result_{finding.outcome_id}").data = finding.result.value
                getattr(form, f"note_{finding.outcome_id}").data = finding.note
        steps = interview.next_steps or {}
        form.placement.data, form.training.data = steps.get("placement"), steps.get("training")
        form.certify_units.data, form.steps_note.data = steps.get("certify_units", []), steps.get("note")
        form.version.data = interview.version

    def change():
        next_steps = {
            "placement": form.placement.data,
            "training": form.training.data,
            "certify_units": form.certify_units.data or [],
            "note": form.steps_note.data,
        }
        services.record_interview(
            current_user, interview, form.version.data, findings=_submitted_findings(), next_steps=next_steps
        )

    if apply(form, change):
        flash(_("The interview was recorded."), "success")
        return redirect(url_for("assessment.interview", interview_id=interview.id))
    own = db.session.scalars(select(SelfRating).where(SelfRating.case_id == interview.case_id)).all()
    titles = dict(
        db.session.execute(
            select(PortfolioEntry.id, PortfolioEntry.title).where(PortfolioEntry.case_id == interview.case_id)
        ).all()
    )
    return render_template(
        "assessment/interviews/record.html",
        interview=interview,
        form=form,
        units=units,
        qualification=qualification,
        self_ratings={r.outcome_id: r for r in own},
        entry_titles=titles,
    ), 400 if form.errors else 200


# --- the teacher's list and calendars --------------------------------------------------------------------------


@bp.get("/interviews/mine")
@permissions.requires(permissions.RECORD_INTERVIEWS)
def my_interviews():
    """The first page of each of the teacher's lists, or (`?list=upcoming&page=3`) one list, page by page."""
    shown = request.args.get("list")
    if shown not in services.TEACHER_LISTS:
        return render_template(
            "assessment/interviews/mine.html", lists=services.teacher_interviews(current_user), shown=None, page=1
        )
    page = request.args.get("page", 1, type=int) or 1
    lists = services.teacher_interviews(current_user, (shown,), page=max(page, 1))
    return render_template("assessment/interviews/mine.html", lists=lists, shown=shown, page=max(page, 1))


def _ics_response(text: str, filename: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else {}
    return Response(text, mimetype="text/calendar", headers=headers)


@bp.get("/interviews/<int:interview_id>/calendar.ics")
@login_required
def interview_ics(interview_id):
    interview = _interview_or_404(interview_id)
    return _ics_response(services.interview_ics(interview), f"interview-{interview.id}.ics")


@bp.get("/calendar")
@login_required
def calendar_settings():
    return render_template(
        "assessment/interviews/calendar.html",
        feed=services.calendar_feed(current_user),
        feed_url=None,
        action_form=ActionForm(),
    )


@bp.post("/calendar/token")
@login_required
def issue_calendar():
    token = services.issue_calendar_token(current_user)
    db.session.commit()
    return render_template(
        "assessment/interviews/calendar.html",
        feed=services.calendar_feed(current_user),
        feed_url=url_for("assessment.calendar_feed", token=token, _external=True),
        action_form=ActionForm(),
    )


@bp.post("/calendar/revoke")
@login_required
def revoke_calendar():
    services.revoke_calendar_token(current_user)
    db.session.commit()
    flash(_("The calendar address no longer works."), "success")
    return redirect(url_for("assessment.calendar_settings"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token):
    owner = services.feed_owner(token) or abort(404)
    with force_locale(owner.locale or DEFAULT_LOCALE):
        text = services.feed_ics(owner)
    return _ics_response(text)


# --- panels, menu ----------------------------------------------------------------------------------------------


def case_panel(user, case):
    if not permissions.can(user, permissions.VIEW_CASES):
        return None
    interviews = services.case_interviews(user, case)
    qualification = frameworks.target_qualification(case)
    return Panel(
        "assessment/interviews/case_panel.html",
        {
            "case": case,
            "qualification": qualification,
            "interviews": interviews[:CASE_PANEL_INTERVIEWS],
            "more": len(interviews) > CASE_PANEL_INTERVIEWS,
            "qualification_form": _qualification_form(case, qualification)
            if framework_access.can_set_target_qualification(user, case)
            else None,
        },
        order=40,
    )


def teacher_panel(user):
    if not permissions.can(user, permissions.RECORD_INTERVIEWS):
        return None
    lists = services.teacher_interviews(user, ("to_record", "upcoming"), size=5)
    return Panel("assessment/interviews/panel_teacher.html", {"lists": lists}, order=20)


def counsellor_panel(user):
    if Role.COUNSELLOR not in user.roles:
        return None
    lists = services.due_and_overdue(user)
    if not (lists["due"] or lists["overdue"]):
        return None
    return Panel("assessment/interviews/panel_counsellor.html", {"lists": lists}, order=30)


def client_panel(user):
    if Role.CLIENT not in user.roles:
        return None
    upcoming = services.client_upcoming_interviews(user)
    return Panel("assessment/interviews/panel_client.html", {"interviews": upcoming}, order=20) if upcoming else None


def nav(user):
    if permissions.can(user, permissions.RECORD_INTERVIEWS):
        return [dashboard.NavItem(_("My interviews"), url_for("assessment.my_interviews"))]
    return []


def audience(case: Case) -> list[hooks.Audience]:
    """The teachers who interview the client, and what they see of the client."""
    teacher_ids = db.session.scalars(
        db.select(Interview.teacher_id)
        .where(Interview.case_id == case.id, Interview.status != InterviewStatus.CANCELLED)
        .distinct()
    )
    return [
        hooks.Audience(
            _("%(name)s, vocational teacher", name=db.session.get(User, teacher_id).name),
            _(
                "Your name, languages and phone number, your target qualification, your portfolio, and what they found in "  # noqa: E501
                "the interview. Not your other personal data, guidance notes or ESF answers."
            ),
        )
        for teacher_id in teacher_ids
    ]
