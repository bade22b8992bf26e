"""The tripartite assessment: rating sheets, the reconciliation screen, sign-off, reopening and the gap plan."""

from functools import partial
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import or_, select

from assessment import bp
from assessment.assessments import access, mapping
from assessment.assessments import services as assessment_services
from assessment.assessments.forms import (
    AppealForm,
    AppealReviewerForm,
    AppealReviewForm,
    ConfirmForm,
    ConflictForm,
    HandoverForm,
    MappingForm,
    OpenAssessmentForm,
    RatingSheetForm,
    ReconcileForm,
    ReopenForm,
    ReplaceAssessorForm,
    SignOffForm,
    appeal_values,
    decision_values,
    evidence_grid_form,
    own_rating_values,
    rating_values,
    split_unit_values,
    unit_rating_values,
)
from assessment.assessments.models import (
    Assessment,
    AssessmentStatus,
    AssessorRole,
    ConflictStatus,
    EvidenceLink,
    EvidenceRule,
    EvidenceSource,
    OutcomeResult,
)
from assessment.placements import access as placement_access
from assessment.placements import services as placement_services
from assessment.placements.access import link_session, placement_or_404
from assessment.placements.models import Placement
from assessment.placements.queries import placement_assessment, placement_facts
from assessment.statements import access as statement_access
from assessment.statements import services as statement_services
from cases import access as case_access
from cases.models import Case, Stage
from isok import hooks, permissions
from isok.accounts.models import Organisation, Role, User, UserRole
from isok.confirmation import ask_first, confirmed
from isok.dashboard import Panel
from isok.extensions import db
from isok.forms import ActionForm, apply, apply_grid, choices
from isok.i18n import localized, localized_with_language
from isok.rules import RuleBroken, Stale
from isok.translation import gettext as _
from portfolio.models import PortfolioEntry


def _case_or_404(case_id: int) -> Case:
    return db.session.scalar(case_access.visible_cases(current_user).where(Case.id == case_id)) or abort(404)


def assessment_or_404(assessment_id: int) -> Assessment:
    return db.session.scalar(access.visible_assessments(current_user).where(Assessment.id == assessment_id)) or abort(
        404
    )


def _people(role: Role) -> list[User]:
    return db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True)).order_by(User.name)
    ).all()


def _people_choices(role: Role):
    return choices(
        [(0, _("Choose…"))]
        + [(u.id, f"{u.name} ({u.organisation.name})" if u.organisation else u.name) for u in _people(role)]
    )


# --- the case's assessment overview (also the case-page panel) -------------------------------------------------


def case_summary(user, case: Case) -> dict:
    placements = db.session.scalars(
        placement_access.visible_placements(user).where(Placement.case_id == case.id).order_by(Placement.start_date)
    ).all()
    assessments = {
        a.placement_id: a
        for a in db.session.scalars(access.visible_assessments(user).where(Assessment.case_id == case.id))
    }
    workplaces = {
        o.id: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_({p.workplace_id for p in placements}))
        )
    }
    return {
        "case": case,
        "qualification": placement_services.case_qualification(case),
        "rows": [(p, workplaces[p.workplace_id], assessments.get(p.id)) for p in placements],
        "proposals": mapping.waiting_proposals(case) if access.can_map_evidence(user, case) else 0,
    }


def case_panel(user, case):
    if not access.can_view_case_assessment(user, case):
        return None
    return Panel("assessment/assessments/_case_panel.html", case_summary(user, case), order=40)


@bp.get("/cases/<int:case_id>/assessment")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def case_overview(case_id):
    case = _case_or_404(case_id)
    if not access.can_view_case_assessment(current_user, case):
        abort(404)
    return render_template("assessment/assessments/case.html", ctx=case_summary(current_user, case), case=case)


# --- opening an assessment -------------------------------------------------------------------------------------


@bp.route("/placements/<int:placement_id>/assessments/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def open_assessment(placement_id):
    placement = placement_or_404(placement_id)
    facts = placement_facts(placement)
    if not placement_access.can_manage_placements(current_user, facts["case"]):
        abort(404)
    form = OpenAssessmentForm()
    form.counsellor_id.choices = _people_choices(Role.COUNSELLOR)
    form.teacher_id.choices = _people_choices(Role.TEACHER)
    if request.method == "GET":
        form.counsellor_id.data = facts["case"].counsellor_id or 0
    if form.validate_on_submit():
        try:
            assessment = assessment_services.open_assessment(
                current_user,
                placement,
                teacher=db.session.get(User, form.teacher_id.data or 0),
                counsellor=db.session.get(User, form.counsellor_id.data or 0),
            )
        except RuleBroken as error:
            getattr(form, error.field or "teacher_id").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The assessment is open. Each assessor now rates independently."), "success")
            return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    return render_template("assessment/assessments/open.html", form=form, placement=placement, **facts), (
        400 if form.errors else 200
    )


# --- the assessment page ---------------------------------------------------------------------------------------


def _replace_form() -> ReplaceAssessorForm:
    form = ReplaceAssessorForm()
    form.user_id.choices = choices(
        [(0, _("Choose…"))]
        + [
            (u.id, f"{u.name} · {role.label}")
            for role in AssessorRole
            for u in _people(assessment_services.ROLE_OF_ASSESSOR[role])
        ]
    )
    return form


def _forms(assessment: Assessment, **given) -> dict:
    """The detail page's forms, fresh except the one just sent (which keeps its input and errors)."""
    forms = {
        "conflict_form": ConflictForm,
        "replace_form": _replace_form,
        "sign_off_form": SignOffForm,
        "confirm_form": ConfirmForm,
        "reopen_form": ReopenForm,
        "reviewer_form": AppealReviewerForm,
    }
    built = {}
    for name, make in forms.items():
        if name in given:
            built[name] = given[name]
            continue
        built[name] = make(formdata=None) if make is not _replace_form else make()
        if hasattr(built[name], "version"):
            built[name].version.data = assessment.version
    built["reviewer_form"].reviewer_id.choices = _teachers_choices(assessment)
    return built


def _detail(assessment: Assessment, status: int = 200, **forms):
    return render_template(
        "assessment/assessments/detail.html",
        assessment=assessment,
        placement=assessment.placement,
        **placement_facts(assessment.placement),
        me=access.assessor_of(current_user, assessment),
        managing=placement_access.can_manage_placements(current_user, assessment.case),
        thin=assessment_services.thin_evidence(assessment) if assessment.status is AssessmentStatus.RECONCILED else [],
        blocking=assessment_services.conflicts_blocking(assessment),
        gap_items=assessment_services.gap_plan(assessment),
        appeal=assessment_services.appeal_of(assessment),
        **_forms(assessment, **forms),
    ), status


@bp.get("/assessments/<int:assessment_id>")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def detail(assessment_id):
    return _detail(assessment_or_404(assessment_id))


def _act(
    assessment: Assessment,
    form,
    action,
    success: str,
    form_name: str,
    field: str | None = None,
    ask: tuple[str, str] | None = None,
):
    """Run one detail-page action: on success commit and go back; on error show it on the form, input kept.
    With `ask` (question, button) the action has only been checked: the person is asked to confirm it first."""
    if form.validate_on_submit():
        try:
            action()
        except RuleBroken as error:
            db.session.rollback()
            target = getattr(form, error.field or field or "", None)
            if target is None or not hasattr(target, "errors"):
                flash(str(error), "error")
            else:
                target.errors.append(str(error))
            if isinstance(error, Stale) and hasattr(form, "version"):
                form.version.data = assessment.version
            return _detail(assessment, error.status, **{form_name: form})
        if ask is not None:
            return ask_first(*ask, url_for("assessment.detail", assessment_id=assessment.id))
        db.session.commit()
        flash(success, "success")
        return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    return _detail(assessment, 400, **{form_name: form})


@bp.post("/assessments/<int:assessment_id>/conflict")
@permissions.requires(permissions.ASSESS)
def declare_conflict(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not access.can_assess(current_user, assessment):
        abort(404)
    form = ConflictForm()
    return _act(
        assessment,
        form,
        lambda: assessment_services.declare_conflict(
            current_user, assessment, conflict=form.conflict.data == "yes", note=form.note.data
        ),
        _("Your declaration was recorded."),
        "conflict_form",
        "note",
    )


@bp.post("/assessments/<int:assessment_id>/assessors")
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def replace_assessor(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not placement_access.can_manage_placements(current_user, assessment.case):
        abort(404)
    form = _replace_form()
    return _act(
        assessment,
        form,
        lambda: assessment_services.replace_assessor(
            current_user, assessment, AssessorRole(form.role.data), db.session.get(User, form.user_id.data or 0)
        ),
        _("The new assessor was assigned."),
        "replace_form",
        "user_id",
    )


@bp.post("/assessments/<int:assessment_id>/sign-off")
@permissions.requires(permissions.ASSESS)
def sign_off(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not access.can_sign_off(current_user, assessment):
        abort(403)
    form = SignOffForm()
    ask = None
    if not confirmed():
        ask = (
            _("Sign off the assessment? The decision is locked; only a correction with a reason reopens it."),
            _("Sign off the assessment"),
        )
    act = assessment_services.check_sign_off if ask else assessment_services.sign_off
    return _act(
        assessment,
        form,
        lambda: act(
            current_user,
            assessment,
            expected_version=form.version.data,
            acknowledge_thin_evidence=form.acknowledge.data,
        ),
        _("The assessment is signed off and locked."),
        "sign_off_form",
        "acknowledge",
        ask=ask,
    )


@bp.post("/assessments/<int:assessment_id>/confirm")
@permissions.requires(permissions.ASSESS)
def confirm(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not access.can_confirm(current_user, assessment):
        abort(403)
    form = ConfirmForm()
    return _act(
        assessment,
        form,
        lambda: assessment_services.confirm(current_user, assessment, expected_version=form.version.data),
        _("You confirmed the sign-off."),
        "confirm_form",
        "version",
    )


@bp.post("/assessments/<int:assessment_id>/reopen")
@permissions.requires(permissions.ASSESS)
def reopen(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not access.can_reconcile(current_user, assessment):
        abort(403)
    form = ReopenForm()
    return _act(
        assessment,
        form,
        lambda: assessment_services.reopen(
            current_user, assessment, reason=form.reason.data, expected_version=form.version.data
        ),
        _("The assessment is reopened for a correction."),
        "reopen_form",
        "reason",
    )


# --- rating sheets ---------------------------------------------------------------------------------------------


def _saved_ratings(assessor) -> dict[int, dict]:
    return {
        r.outcome_id: {
            "level": r.level_code,
            "justification": r.justification or "",
            "sources": r.sources,
            "entry_ids": r.entry_ids,
        }
        for r in assessor.ratings
    }


def _mapped_entries(actor: User, assessment: Assessment) -> dict[int, list[PortfolioEntry]]:
    """The portfolio items mapped to each outcome; for the workplace tutor only those the client's consent shares."""
    mapped: dict[int, list[PortfolioEntry]] = {}
    assessor = access.assessor_of(actor, assessment)
    shared = None
    if assessor is not None and assessor.role is AssessorRole.WORKPLACE_TUTOR:
        shared = set(placement_access.shared_entries(actor, assessment.placement))
    for link in assessment_services.case_links(assessment.case):
        if shared is not None and link.entry not in shared:
            continue
        if link.entry not in mapped.setdefault(link.outcome_id, []):
            mapped[link.outcome_id].append(link.entry)
    return mapped


def _unit_on_screen(units: list[dict], chosen: str | None) -> dict:
    return next((unit for unit in units if str(unit["id"]) == chosen), units[0])


def _units_needing_attention(units: list[dict], errors: dict) -> list[dict]:
    fields = ("level", "justification", "sources")
    return [u for u in units if any(f"{f}-{o['id']}" in errors for o in u["outcomes"] for f in fields)]


def rating_sheet(actor: User, assessment: Assessment, action_url: str, *, link_session: bool = False):
    """Show and save one assessor's own sheet, one unit per screen; shared by the signed-in screen and the tutor's
    link screen.

    A unit's screen posts that unit's ratings only (a post without a unit rates the whole sheet). "Submit" on the
    last unit submits the whole sheet: the other units as saved, this one as posted.
    """
    assessor = access.assessor_of(actor, assessment)
    units = assessment_services.snapshot_units(assessment)
    unit = _unit_on_screen(units, request.values.get("unit"))
    form = RatingSheetForm()
    saved = _saved_ratings(assessor)
    common, values = split_unit_values(saved, unit)
    errors, status = {}, 200
    if request.method == "POST":
        posted_units = [unit] if request.form.get("unit") else units
        action = request.form.get("action")
        submit = action == "submit"
        posted = rating_values(request.form, posted_units)
        common = unit_rating_values(request.form, [unit["id"]])[unit["id"]]
        values = own_rating_values(request.form, [o["id"] for o in unit["outcomes"]])
        choice = request.form.get("conflict")
        declaration = (choice == "yes", request.form.get("conflict_note")) if choice in ("yes", "no") else None
        if form.validate_on_submit():
            try:
                assessor = assessment_services.save_ratings(
                    actor,
                    assessment,
                    {**saved, **posted} if submit else posted,
                    submit=submit,
                    expected_version=form.version.data,
                    declaration=declaration,
                )
            except RuleBroken as error:
                db.session.rollback()
                errors, status = {**error.errors, "_": str(error)}, error.status
                assessor = access.assessor_of(actor, assessment)
            else:
                db.session.commit()
                if assessor.conflict is ConflictStatus.CONFLICT:
                    flash(
                        _("Your conflict of interest is recorded. The counsellor will assign another assessor."),
                        "warning",
                    )
                    return redirect(action_url)
                flash(_("Your ratings are submitted.") if submit else _("Your ratings are saved."), "success")
                if submit:
                    return redirect(action_url)
                following = units[units.index(unit) + 1] if action == "next" and unit is not units[-1] else unit
                return redirect(f"{action_url}?{urlencode({'unit': following['id']})}")
        else:
            errors, status = {"_": _("The form expired. Send it again; nothing you typed was lost.")}, 400
    form.version.data = assessor.version
    position = units.index(unit)
    return render_template(
        "assessment/assessments/rate.html",
        assessment=assessment,
        assessor=assessor,
        form=form,
        unit=unit,
        common=common,
        values=values,
        errors=errors,
        elsewhere=[u for u in _units_needing_attention(units, errors) if u is not unit],
        units=units,
        next_unit=units[position + 1] if position + 1 < len(units) else None,
        rated={u["id"]: sum(1 for o in u["outcomes"] if saved.get(o["id"], {}).get("level")) for u in units},
        levels=assessment_services.scale_levels(assessment),
        mapped=_mapped_entries(actor, assessment),
        sources=list(EvidenceSource),
        action_url=action_url,
        link_session=link_session,
        client=assessment.case.client,
        workplace=db.session.get(Organisation, assessment.placement.workplace_id),
    ), status


@bp.route("/assessments/<int:assessment_id>/rate", methods=["GET", "POST"])
@permissions.requires(permissions.ASSESS)
def rate(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not access.can_assess(current_user, assessment):
        abort(404)
    return rating_sheet(current_user, assessment, url_for("assessment.rate", assessment_id=assessment.id))


@bp.route("/placement-link/assess", methods=["GET", "POST"])
def link_assess():
    """The one screen a link session opens: the tutor's sheet for that placement's assessment, nothing else."""
    link = link_session()
    if link is None:
        return render_template("assessment/placements/link_invalid.html"), 404
    facts = placement_facts(link.placement)
    assessment = placement_assessment(link.placement)
    assessor = access.assessor_of(link.user, assessment) if assessment else None
    if assessor is None or assessor.role is not AssessorRole.WORKPLACE_TUTOR:
        return render_template("assessment/placements/link_nothing.html", **facts)
    return rating_sheet(link.user, assessment, url_for("assessment.link_assess"), link_session=True)


# --- reconciliation --------------------------------------------------------------------------------------------


def _saved_decisions(assessment: Assessment) -> tuple[dict, dict]:
    outcomes = {
        d.outcome_id: {
            "level": d.level_code,
            "result": d.result.value,
            "rationale": d.rationale or "",
            "gap_what": d.gap_what or "",
            "gap_where": d.gap_where or "",
        }
        for d in assessment.outcome_decisions
    }
    units = {d.unit_id: {"level": d.level_code, "rationale": d.rationale or ""} for d in assessment.unit_decisions}
    for assessor in assessment.active_assessors():  # where the three agree, their level is the starting point
        for rating in assessor.ratings:
            outcomes.setdefault(rating.outcome_id, {})
    disputed = assessment_services.disagreements(assessment)
    for outcome_id, value in outcomes.items():
        if not value and outcome_id not in disputed:
            agreed = next(
                (r.level_code for a in assessment.active_assessors() for r in a.ratings if r.outcome_id == outcome_id),
                "",
            )
            suggestion = assessment_services.suggested_result(assessment, agreed)
            value.update(level=agreed, result=suggestion.value if suggestion else "")
    return outcomes, units


@bp.route("/assessments/<int:assessment_id>/reconcile", methods=["GET", "POST"])
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def reconcile(assessment_id):
    assessment = assessment_or_404(assessment_id)
    deciding = access.can_reconcile(current_user, assessment)
    if request.method == "POST" and not deciding:
        abort(403)
    if not access.can_see_levels(current_user, assessment):
        return render_template("assessment/assessments/reconcile_wait.html", assessment=assessment)
    form = ReconcileForm()
    form.participants.choices = choices(
        (a.user_id, f"{a.user.name} ({a.role.label})") for a in assessment.active_assessors()
    )
    outcome_values, unit_values = _saved_decisions(assessment)
    if request.method == "GET":
        form.participants.data = [u.id for u in assessment.participants] or [
            a.user_id for a in assessment.active_assessors()
        ]
    else:
        outcome_values, unit_values = decision_values(
            request.form,
            list(assessment_services.snapshot_outcomes(assessment)),
            [u["id"] for u in assessment_services.snapshot_units(assessment)],
        )
        change = partial(
            assessment_services.reconcile,
            current_user,
            assessment,
            outcome_values=outcome_values,
            unit_values=unit_values,
            participant_ids=form.participants.data,
            expected_version=form.version.data,
        )
        if apply_grid(form, change):
            flash(_("The joint decision is recorded. The teacher can now sign it off."), "success")
            return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    form.version.data = assessment.version
    recognised = {oid for oid, value in outcome_values.items() if value.get("result") == OutcomeResult.RECOGNISED}
    return render_template(
        "assessment/assessments/reconcile.html",
        assessment=assessment,
        form=form,
        errors=form.grid_errors,
        unproven=assessment_services.unproven_outcomes(assessment, recognised),
        self_ratings=assessment_services.self_ratings(assessment.case),
        entry_titles={entry.id: entry.title for entry in assessment_services.portfolio_items(assessment.case)},
        statements=[s for s in statement_services.case_statements(assessment.case) if s.submitted_at]
        if statement_access.can_view_statements(current_user, assessment.case)
        else [],
        outcome_values=outcome_values,
        unit_values=unit_values,
        deciding=deciding,
        editable=deciding
        and assessment.status is not AssessmentStatus.SIGNED_OFF
        and assessment_services.all_submitted(assessment),
        units=assessment_services.snapshot_units(assessment),
        levels=assessment_services.scale_levels(assessment),
        disputed=assessment_services.disagreements(assessment),
        results=list(OutcomeResult),
        sheets=[a for a in assessment.active_assessors()],
        level_of=assessment_services.level_of,
    ), form.status


# --- the client's self-assessment ------------------------------------------------------------------------------


def _texted(texts: dict | None) -> dict:
    """A stored multilingual text in the reader's language where there is one, with the language it is in."""
    text, language = localized_with_language(texts)
    return {"text": text, "lang": language}


def _self_assessment_rows(case: Case) -> list[dict]:
    qualification = placement_services.case_qualification(case)
    scale = qualification.version.scale.levels if qualification else []
    return [
        {
            "unit": unit,
            "name": _texted(unit.name),
            "outcomes": [
                {
                    "outcome": outcome,
                    "text": _texted(outcome.text),
                    "levels": [
                        {
                            "code": level.code,
                            "label": _texted(level.label),
                            "criterion": _texted(
                                next((c.text for c in outcome.criteria if c.level_code == level.code), None)
                            ),
                        }
                        for level in scale
                    ],
                }
                for outcome in unit.outcomes
            ],
        }
        for unit in placement_services.case_units(case)
    ]


def client_self_assessment_panel(user):
    """The client's way to their self-assessment, once their counsellor has set the target qualification."""
    if Role.CLIENT not in user.roles:
        return None
    cases = [
        case
        for case in db.session.scalars(
            select(Case).where(Case.client.has(user_id=user.id), Case.stage != Stage.CLOSED).order_by(Case.id)
        )
        if placement_services.case_qualification(case) is not None
    ]
    return Panel("assessment/assessments/panel_client_self.html", {"cases": cases}, order=24) if cases else None


@bp.route("/my/cases/<int:case_id>/self-assessment", methods=["GET", "POST"])
@permissions.requires(permissions.VIEW_OWN_CASE)
def self_assessment(case_id):
    case = db.session.get(Case, case_id)
    if case is None or not access.can_self_assess(current_user, case):
        abort(404)
    rows = _self_assessment_rows(case)
    outcome_ids = [o["outcome"].id for row in rows for o in row["outcomes"]]
    values = {
        oid: {"level": r.level_code, "note": r.note or "", "entry_ids": r.entry_ids}
        for oid, r in assessment_services.self_ratings(case).items()
    }
    form = ActionForm()
    if request.method == "POST":
        values = {
            oid: {
                "level": request.form.get(f"level-{oid}", "").strip(),
                "note": request.form.get(f"note-{oid}", ""),
                "entry_ids": [int(v) for v in request.form.getlist(f"entries-{oid}") if v.isdigit()],
            }
            for oid in outcome_ids
        }
        change = partial(
            assessment_services.save_self_assessment, current_user, case, values, language=str(get_locale())
        )
        if apply_grid(form, change):
            flash(_("Your self-assessment is saved. You can change it until the interview."), "success")
            return redirect(url_for("assessment.self_assessment", case_id=case.id))
    return render_template(
        "assessment/assessments/self_assessment.html",
        case=case,
        form=form,
        rows=rows,
        values=values,
        errors=form.grid_errors,
        entries=assessment_services.portfolio_items(case),
        locale=str(get_locale()),
    ), form.status


# --- the rules of evidence -------------------------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/evidence-rules", methods=["GET", "POST"])
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def evidence_rules(assessment_id):
    """Each piece of evidence behind each outcome against the four rules; the teacher of the assessment marks them."""
    assessment = assessment_or_404(assessment_id)
    if not access.can_view_case_assessment(current_user, assessment.case):
        abort(404)  # the evidence names portfolio items: staff who reach the case, not the workplace tutor
    judging = access.can_sign_off(current_user, assessment) and not assessment.locked
    if request.method == "POST" and not judging:
        abort(403)
    form = ActionForm()
    outcome_ids = list(assessment_services.snapshot_outcomes(assessment))
    if request.method == "POST":
        marks = {
            oid: {
                key.removeprefix(f"rules-{oid}-"): set(request.form.getlist(key))
                for key in request.form
                if key.startswith(f"rules-{oid}-")
            }
            for oid in outcome_ids
        }
        if apply(form, lambda: assessment_services.judge_evidence(current_user, assessment, marks)):
            flash(_("The rules of evidence are recorded."), "success")
            return redirect(url_for("assessment.evidence_rules", assessment_id=assessment.id))
    return render_template(
        "assessment/assessments/evidence_rules.html",
        assessment=assessment,
        form=form,
        judging=judging,
        units=assessment_services.snapshot_units(assessment),
        pieces=assessment_services.evidence_pieces(assessment),
        rules=list(EvidenceRule),
        posted=request.form if request.method == "POST" else None,
    ), (form.status if request.method == "POST" else 200)


# --- appeals ---------------------------------------------------------------------------------------------------


def _client_assessments(user) -> list[Assessment]:
    return db.session.scalars(
        select(Assessment)
        .join(Case, Assessment.case_id == Case.id)
        .where(Case.client.has(user_id=user.id), Assessment.status == AssessmentStatus.SIGNED_OFF)
        .order_by(Assessment.id)
    ).all()


def client_appeal_panel(user):
    """The client's signed-off decisions, each with the way to ask for its review while the period runs."""
    if Role.CLIENT not in user.roles:
        return None
    rows = [
        (a, assessment_services.appeal_deadline(a), assessment_services.appeal_of(a), assessment_services.may_appeal(a))
        for a in _client_assessments(user)
    ]
    return Panel("assessment/assessments/panel_client_appeal.html", {"rows": rows}, order=25) if rows else None


def _decision_rows(assessment: Assessment) -> list[dict]:
    decisions = {d.outcome_id: d for d in assessment.outcome_decisions}
    return [
        {
            "unit": unit,
            "outcome": outcome,
            "decision": decisions.get(outcome["id"]),
            "level": assessment_services.level_of(assessment, decisions[outcome["id"]].level_code)
            if outcome["id"] in decisions
            else None,
        }
        for unit in assessment_services.snapshot_units(assessment)
        for outcome in unit["outcomes"]
    ]


@bp.route("/my/assessments/<int:assessment_id>/appeal", methods=["GET", "POST"])
@permissions.requires(permissions.VIEW_OWN_CASE)
def appeal(assessment_id):
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not access.can_appeal(current_user, assessment) or not assessment.locked:
        abort(404)
    form = AppealForm()
    if apply(
        form,
        lambda: assessment_services.request_appeal(
            current_user, assessment, reason=form.reason.data, language=str(get_locale())
        ),
        default_field="reason",
    ):
        flash(
            _("Your request for a review was sent. A teacher who did not take part in the assessment reviews it."),
            "success",
        )
        return redirect(url_for("assessment.appeal", assessment_id=assessment.id))
    return render_template(
        "assessment/assessments/appeal.html",
        assessment=assessment,
        form=form,
        appeal=assessment_services.appeal_of(assessment),
        rows=_decision_rows(assessment),
        deadline=assessment_services.appeal_deadline(assessment),
        open=assessment_services.may_appeal(assessment),
    ), form.status


def _teachers_choices(assessment: Assessment):
    assessors = {a.user_id for a in assessment.assessors}
    return choices([(0, _("Choose…"))] + [(u.id, u.name) for u in _people(Role.TEACHER) if u.id not in assessors])


@bp.post("/assessments/<int:assessment_id>/appeal/reviewer")
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def assign_appeal_reviewer(assessment_id):
    assessment = assessment_or_404(assessment_id)
    appeal = assessment_services.appeal_of(assessment)
    if appeal is None or not access.can_manage_appeal(current_user, assessment):
        abort(404)
    form = AppealReviewerForm()
    form.reviewer_id.choices = _teachers_choices(assessment)
    if apply(
        form,
        lambda: assessment_services.assign_reviewer(
            current_user, appeal, db.session.get(User, form.reviewer_id.data or 0)
        ),
        default_field="reviewer_id",
    ):
        flash(_("The reviewer was assigned."), "success")
        return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    return _detail(assessment, form.status, reviewer_form=form)


@bp.route("/assessments/<int:assessment_id>/appeal/review", methods=["GET", "POST"])
@permissions.requires(permissions.ASSESS)
def review_appeal(assessment_id):
    assessment = assessment_or_404(assessment_id)
    appeal = assessment_services.appeal_of(assessment)
    if appeal is None or not access.can_review_appeal(current_user, appeal):
        abort(404)
    form = AppealReviewForm()
    rows = _decision_rows(assessment)
    values = {
        row["outcome"]["id"]: {"level": row["decision"].level_code, "result": row["decision"].result.value}
        for row in rows
        if row["decision"] is not None
    }
    if request.method == "POST":
        values = appeal_values(request.form, list(values))
        change = partial(
            assessment_services.review_appeal,
            current_user,
            appeal,
            changed=form.changed.data == "changed",
            note=form.note.data,
            outcome_values=values,
            expected_version=form.version.data,
        )
        if apply_grid(form, change):
            flash(_("The review is recorded."), "success")
            return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    else:
        form.version.data = appeal.version
    return render_template(
        "assessment/assessments/appeal_review.html",
        assessment=assessment,
        appeal=appeal,
        form=form,
        rows=rows,
        values=values,
        errors=form.grid_errors,
        levels=assessment_services.scale_levels(assessment),
        results=list(OutcomeResult),
    ), form.status


# --- gap plan --------------------------------------------------------------------------------------------------


def _gap_page(assessment: Assessment, form: HandoverForm, status: int = 200):
    return render_template(
        "assessment/assessments/gap_plan.html",
        assessment=assessment,
        form=form,
        items=assessment_services.gap_plan(assessment),
        placement=assessment.placement,
        **placement_facts(assessment.placement),
        managing=placement_access.can_manage_placements(current_user, assessment.case),
        panels=hooks.gap_plan_panels(current_user, assessment),
    ), status


def _handover_form() -> HandoverForm:
    form = HandoverForm()
    form.provider_id.choices = choices(
        [(0, _("Choose…"))] + [(o.id, o.name) for o in assessment_services.education_providers()]
    )
    return form


@bp.get("/assessments/<int:assessment_id>/gap-plan")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def gap_plan(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not access.can_view_case_assessment(current_user, assessment.case):
        abort(404)
    form = _handover_form()
    form.provider_id.data = assessment.gap_provider_id or 0
    return _gap_page(assessment, form)


@bp.post("/assessments/<int:assessment_id>/gap-plan/handover")
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def hand_gap_plan(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if not placement_access.can_manage_placements(current_user, assessment.case):
        abort(404)
    form = _handover_form()
    if form.validate_on_submit():
        try:
            assessment_services.hand_gap_plan(
                current_user, assessment, db.session.get(Organisation, form.provider_id.data or 0)
            )
        except RuleBroken as error:
            db.session.rollback()
            form.provider_id.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The gap plan is recorded as handed to the education provider."), "success")
            return redirect(url_for("assessment.gap_plan", assessment_id=assessment.id))
    return _gap_page(assessment, form, 400)


# --- start page ------------------------------------------------------------------------------------------------


def assessor_panel(user):
    if not user.roles & {Role.COUNSELLOR, Role.TEACHER}:
        return None
    assessments = db.session.scalars(
        access.visible_assessments(user)
        .where(or_(Assessment.status != AssessmentStatus.SIGNED_OFF, Assessment.confirmed_at.is_(None)))
        .order_by(Assessment.updated_at.desc())
        .limit(50)
    ).all()
    waiting = [a for a in assessments if assessment_services.waiting_for(user, a)]
    if not waiting:
        return None
    return Panel(
        "assessment/assessments/_waiting_panel.html", {"assessments": waiting[:10], "localized": localized}, order=25
    )


# --- evidence mapping ------------------------------------------------------------------------------------------
# The evidence map (coverage matrix) and the triangulation matrix of a case.


def _staff_case_or_404(case_id: int) -> Case:
    case = _case_or_404(case_id)
    if not access.can_view_case_assessment(current_user, case):
        abort(404)
    return case


def _mapping_form(case: Case) -> MappingForm:
    form = MappingForm()
    form.outcome_id.choices = choices(
        [(0, _("Choose…"))]
        + [
            (o.id, f"{unit.code} · {o.code} {localized(o.text)}")
            for unit, outcomes in assessment_services.case_outcomes(case)
            for o in outcomes
        ]
    )
    items = [("", _("Choose…"))]
    for entry in assessment_services.portfolio_items(case):
        items.append((f"entry:{entry.id}", f"{entry.section.label}: {entry.title}"))
        items += [(f"file:{entry.id}:{f.id}", f"{entry.title} · {f.filename}") for f in entry.evidence]
    form.item.choices = choices(items)
    return form


def _coverage_page(case: Case, form: MappingForm, status: int = 200):
    links = assessment_services.case_links(case)
    by_outcome: dict[int, list[EvidenceLink]] = {}
    for link in links:
        by_outcome.setdefault(link.outcome_id, []).append(link)
    units = assessment_services.case_outcomes(case)
    total = sum(len(outcomes) for _unit, outcomes in units)
    covered = sum(1 for _unit, outcomes in units for o in outcomes if by_outcome.get(o.id))
    return render_template(
        "assessment/assessments/evidence_map.html",
        case=case,
        form=form,
        units=units,
        by_outcome=by_outcome,
        total=total,
        covered=covered,
        action_form=ActionForm(),
        mapping=access.can_map_evidence(current_user, case),
        proposals=mapping.waiting_proposals(case),
    ), status


@bp.route("/cases/<int:case_id>/evidence-map", methods=["GET", "POST"])
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def evidence_map(case_id):
    case = _staff_case_or_404(case_id)
    form = _mapping_form(case)
    if form.is_submitted():
        if not access.can_map_evidence(current_user, case):
            abort(403)
        if form.validate():
            kind, *ids = form.item.data.split(":")
            entry_id = int(ids[0]) if ids and ids[0].isdigit() else None
            file_id = int(ids[1]) if kind == "file" and len(ids) > 1 and ids[1].isdigit() else None
            try:
                assessment_services.map_evidence(
                    current_user,
                    case,
                    outcome_id=form.outcome_id.data,
                    entry_id=entry_id,
                    file_id=file_id,
                    note=form.note.data,
                )
            except assessment_services.EvidenceError as error:
                db.session.rollback()
                getattr(form, error.field or "item").errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The item is mapped to the learning outcome."), "success")
                return redirect(url_for("assessment.evidence_map", case_id=case.id))
        return _coverage_page(case, form, 400)
    return _coverage_page(case, form)


@bp.post("/cases/<int:case_id>/evidence-map/<int:link_id>/delete")
@permissions.requires(permissions.MAP_EVIDENCE)
def unmap_evidence(case_id, link_id):
    case = _staff_case_or_404(case_id)
    link = db.session.get(EvidenceLink, link_id)
    if link is None or link.case_id != case.id:
        abort(404)
    assessment_services.unmap_evidence(current_user, link)
    db.session.commit()
    flash(_("The mapping was removed."), "success")
    return redirect(url_for("assessment.evidence_map", case_id=case.id))


# One screen to map several items to several outcomes: the client proposes, staff confirm or correct.


def _texts(grid: mapping.EvidenceGrid) -> dict:
    """Each unit's and outcome's text in the reader's language where there is one, with the language it is in."""
    return {
        **{("unit", unit.id): _texted(unit.name) for unit, _outcomes in grid.units},
        **{("outcome", o.id): _texted(o.text) for _unit, outcomes in grid.units for o in outcomes},
    }


def _evidence_grid(case: Case, change, *, by_client: bool):
    grid = mapping.evidence_grid(case)
    form = evidence_grid_form(
        [entry.id for entry in grid.entries],
        [o.id for _unit, outcomes in grid.units for o in outcomes],
        None if request.method == "POST" else set(grid.links),
    )
    if apply(form, lambda: change(current_user, case, form.chosen(), form.shown_pairs())):
        changes = form.result
        if by_client:
            flash(_("Your choices are saved. Your counsellor confirms them before they count as evidence."), "success")
        else:
            flash(
                _(
                    "The mapping is saved. Confirmed: %(confirmed)d · added: %(added)d · removed: %(removed)d.",
                    confirmed=changes.confirmed,
                    added=changes.added,
                    removed=changes.removed,
                ),
                "success",
            )
        return redirect(request.path)
    return render_template(
        "assessment/assessments/evidence_grid.html",
        case=case,
        form=form,
        grid=grid,
        texts=_texts(grid),
        by_client=by_client,
        locale=str(get_locale()),
    ), form.status


@bp.route("/my/cases/<int:case_id>/evidence", methods=["GET", "POST"])
@permissions.requires(permissions.PROPOSE_EVIDENCE)
def my_evidence(case_id):
    case = db.session.get(Case, case_id)
    if case is None or not access.can_propose_evidence(current_user, case):
        abort(404)
    return _evidence_grid(case, mapping.propose_evidence, by_client=True)


@bp.route("/cases/<int:case_id>/evidence-map/items", methods=["GET", "POST"])
@permissions.requires(permissions.MAP_EVIDENCE)
def map_items(case_id):
    case = _staff_case_or_404(case_id)
    if not access.can_map_evidence(current_user, case):
        abort(404)
    return _evidence_grid(case, mapping.review_evidence, by_client=False)


@bp.get("/cases/<int:case_id>/triangulation")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def triangulation(case_id):
    case = _staff_case_or_404(case_id)
    return render_template(
        "assessment/assessments/triangulation.html",
        case=case,
        units=assessment_services.triangulation(case),
        minimum=assessment_services.MIN_SOURCES,
    )
