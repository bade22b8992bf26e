"""Placements: counsellors plan them, workplace tutors see their own, and a personal link opens exactly one."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from assessment import bp
from assessment.assessments import services as assessment_services
from assessment.assessments.models import Assessment
from assessment.placements import access
from assessment.placements import services as placement_services
from assessment.placements.access import LINK_SESSION_KEY, placement_or_404
from assessment.placements.forms import LinkPasswordForm, PlacementForm, TutorLinkForm
from assessment.placements.models import Placement, TutorLink
from assessment.placements.queries import placement_assessment, placement_facts
from cases import access as case_access
from cases.models import Case, Client
from isok import audit, dashboard, hooks, permissions
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, OrganisationType, Role, User
from isok.database import utcnow
from isok.extensions import db
from isok.forms import ActionForm, choices
from isok.i18n import localized
from isok.rules import RuleBroken
from isok.translation import gettext as _


def _case_or_404(case_id: int) -> Case:
    return db.session.scalar(case_access.visible_cases(current_user).where(Case.id == case_id)) or abort(404)


# --- lists and pages -------------------------------------------------------------------------------------------


@bp.get("/placements")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def placements():
    rows = db.session.execute(
        access.visible_placements(current_user)
        .join(Case, Placement.case_id == Case.id)
        .join(Client, Case.client_id == Client.id)
        .join(Organisation, Placement.workplace_id == Organisation.id)
        .outerjoin(Assessment, Assessment.placement_id == Placement.id)
        .add_columns(Client, Organisation, Assessment)
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(200)
    ).all()
    return render_template("assessment/placements/list.html", rows=rows)


def _form_choices(form: PlacementForm, case: Case) -> None:
    workplaces = db.session.scalars(
        select(Organisation).where(Organisation.type != OrganisationType.PUBLIC_BODY).order_by(Organisation.name)
    ).all()
    form.workplace_id.choices = choices([(0, _("Choose…"))] + [(o.id, o.name) for o in workplaces])
    form.tutor_id.choices = choices(
        [(0, _("No tutor yet / a new tutor"))]
        + [
            (u.id, f"{u.name} ({u.organisation.name})" if u.organisation else u.name)
            for u in placement_services.tutors()
        ]
    )
    form.unit_ids.choices = choices(
        (u.id, f"{u.code} {localized(u.name)}") for u in placement_services.case_units(case)
    )


def _save_placement(form: PlacementForm, case: Case, placement: Placement | None) -> Placement:
    workplace = db.session.get(Organisation, form.workplace_id.data) if form.workplace_id.data else None
    tutor = db.session.get(User, form.tutor_id.data) if form.tutor_id.data else None
    if tutor is None and (form.new_tutor_email.data or form.new_tutor_name.data):
        if not (form.new_tutor_email.data and form.new_tutor_name.data):
            raise placement_services.PlacementError(_("Give both the new tutor's name and email."), "new_tutor_name")
        if workplace is None:
            raise placement_services.PlacementError(_("Choose the workplace."), "workplace_id")
        tutor = placement_services.create_tutor_account(
            current_user, workplace, name=form.new_tutor_name.data, email=form.new_tutor_email.data
        )
    units = [u for u in placement_services.case_units(case) if u.id in set(form.unit_ids.data or [])]
    fields = {
        "workplace": workplace,
        "tutor": tutor,
        "start_date": form.start_date.data,
        "end_date": form.end_date.data,
        "tasks": form.tasks.data,
        "units": units,
    }
    if placement is None:
        return placement_services.create_placement(current_user, case, **fields)
    placement_services.update_placement(
        current_user,
        placement,
        expected_version=int(form.version.data or 0),
        ended_early_on=form.ended_early_on.data,
        ended_early_reason=form.ended_early_reason.data,
        **fields,
    )
    return placement


@bp.route("/cases/<int:case_id>/placements/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def new_placement(case_id):
    case = _case_or_404(case_id)
    form = PlacementForm()
    _form_choices(form, case)
    if request.method == "GET":
        form.unit_ids.data = [u.id for u in placement_services.case_units(case)]
    if form.validate_on_submit():
        try:
            placement = _save_placement(form, case, None)
        except RuleBroken as error:
            getattr(form, error.field or "workplace_id").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The placement was saved."), "success")
            return redirect(url_for("assessment.placement", placement_id=placement.id))
    return render_template("assessment/placements/form.html", form=form, case=case, placement=None), (
        400 if form.errors else 200
    )


@bp.route("/placements/<int:placement_id>/edit", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def edit_placement(placement_id):
    placement = placement_or_404(placement_id)
    case = db.session.get(Case, placement.case_id)
    if not access.can_manage_placements(current_user, case):
        abort(404)
    form = PlacementForm(obj=placement)
    _form_choices(form, case)
    if request.method == "GET":
        form.version.data = placement.version
        form.unit_ids.data = [u.id for u in placement.units]
        form.tutor_id.data = placement.tutor_id or 0
    if form.validate_on_submit():
        try:
            _save_placement(form, case, placement)
        except RuleBroken as error:
            getattr(form, error.field or "version").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The placement was saved."), "success")
            return redirect(url_for("assessment.placement", placement_id=placement.id))
    return render_template("assessment/placements/form.html", form=form, case=case, placement=placement), (
        409 if form.version.errors else 400 if form.errors else 200
    )


@bp.get("/placements/<int:placement_id>")
@permissions.requires(permissions.VIEW_ASSESSMENTS)
def placement(placement_id):
    placement = placement_or_404(placement_id)
    facts = placement_facts(placement)
    managing = access.can_manage_placements(current_user, facts["case"])
    shared = access.shared_entries(current_user, placement)
    if shared:  # personal data leaving the school: the trail says who read which items under which consent
        audit.record_view(
            current_user,
            "placement",
            placement.id,
            action="view_shared",
            changes={"entries": [entry.id for entry in shared], "consent_id": access.sharing_consent(placement).id},
        )
    return render_template(
        "assessment/placements/detail.html",
        placement=placement,
        **facts,
        managing=managing,
        shared=shared,
        assessment=placement_assessment(placement),
        links=placement_services.placement_links(placement) if managing else [],
        link_form=TutorLinkForm(),
        action_form=ActionForm(),
        now=utcnow(),
    )


@bp.post("/placements/<int:placement_id>/tutor-links")
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def invite_tutor(placement_id):
    placement = placement_or_404(placement_id)
    facts = placement_facts(placement)
    if not access.can_manage_placements(current_user, facts["case"]):
        abort(404)
    form = TutorLinkForm()
    if form.validate_on_submit():
        try:
            link, token = placement_services.issue_tutor_link(current_user, placement, form.days.data)
        except RuleBroken as error:
            form.days.errors.append(str(error))
        else:
            db.session.commit()
            return render_template(
                "assessment/placements/link_issued.html", placement=placement, link=link, token=token, **facts
            )
    flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("assessment.placement", placement_id=placement.id))


@bp.post("/placements/<int:placement_id>/tutor-links/<int:link_id>/revoke")
@permissions.requires(permissions.MANAGE_PLACEMENTS)
def revoke_tutor_link(placement_id, link_id):
    placement = placement_or_404(placement_id)
    if not access.can_manage_placements(current_user, db.session.get(Case, placement.case_id)):
        abort(404)
    link = db.session.get(TutorLink, link_id)
    if link is None or link.placement_id != placement.id:
        abort(404)
    placement_services.revoke_tutor_link(current_user, link)
    db.session.commit()
    flash(_("The link no longer works."), "success")
    return redirect(url_for("assessment.placement", placement_id=placement.id))


# --- the personal link: a tutor without an account works on one placement ------------------------------------


def _invalid_link():
    return render_template("assessment/placements/link_invalid.html"), 404


@bp.get("/placement-link/<token>")
def link_landing(token):
    link = placement_services.tutor_link(token)
    if link is None:
        return _invalid_link()
    return render_template(
        "assessment/placements/link_landing.html",
        link=link,
        token=token,
        password_form=LinkPasswordForm(),
        **placement_facts(link.placement),
    )


@bp.post("/placement-link/<token>/password")
def link_password(token):
    link = placement_services.tutor_link(token)
    if link is None:
        return _invalid_link()
    form = LinkPasswordForm()
    if form.validate_on_submit():
        try:
            user = placement_services.set_tutor_password(link, form.password.data)
        except RuleBroken as error:
            form.password.errors.append(str(error))
        else:
            account_services.log_in(user)
            db.session.commit()
            flash(_("Your password is set and you are logged in."), "success")
            return redirect(url_for("assessment.placements"))
    return render_template(
        "assessment/placements/link_landing.html",
        link=link,
        token=token,
        password_form=form,
        **placement_facts(link.placement),
    ), 400


@bp.post("/placement-link/<token>/start")
def link_start(token):
    link = placement_services.tutor_link(token)
    if link is None:
        return _invalid_link()
    placement_services.note_link_used(link)
    db.session.commit()
    session[LINK_SESSION_KEY] = {"id": link.id, "hash": link.token_hash}
    return redirect(url_for("assessment.link_assess"))


@bp.post("/placement-link/end")
def link_end():
    session.pop(LINK_SESSION_KEY, None)
    return render_template("assessment/placements/link_ended.html")


# --- start page and menu ---------------------------------------------------------------------------------------


def nav(user):
    if not permissions.can(user, permissions.VIEW_ASSESSMENTS):
        return []
    label = _("My placements") if user.roles == {Role.WORKPLACE_TUTOR} else _("Placements")
    return [dashboard.NavItem(label, url_for("assessment.placements"))]


def tutor_panel(user):
    if Role.WORKPLACE_TUTOR not in user.roles:
        return None
    rows = db.session.execute(
        select(Placement, Organisation, Client, Assessment)
        .join(Organisation, Placement.workplace_id == Organisation.id)
        .join(Case, Placement.case_id == Case.id)
        .join(Client, Case.client_id == Client.id)
        .outerjoin(Assessment, Assessment.placement_id == Placement.id)
        .where(Placement.tutor_id == user.id)
        .order_by(Placement.start_date.desc())
        .limit(20)
    ).all()
    if not rows:
        return None
    todo = {a.id for _p, _o, _c, a in rows if a is not None and assessment_services.waiting_for(user, a)}
    return dashboard.Panel("assessment/placements/_tutor_panel.html", {"rows": rows, "todo": todo}, order=20)


def audience(case: Case) -> list[hooks.Audience]:
    """The tutors of the client's placements, and what of the client each sees today."""
    lines = []
    for placement in db.session.scalars(
        select(Placement).where(Placement.case_id == case.id, Placement.tutor_id.is_not(None))
    ):
        tutor, workplace = (
            db.session.get(User, placement.tutor_id),
            db.session.get(Organisation, placement.workplace_id),
        )
        who = _("%(name)s, workplace tutor at %(workplace)s", name=tutor.name, workplace=workplace.name)
        if access.closed_to_tutor(placement):
            lines.append(hooks.Audience(who, _("The placement has ended: only the ratings they gave.")))
            continue
        sees = _("Your name, the placement, its tasks and units, and the assessment of it.")
        shared = access.shared_entries(tutor, placement)
        if shared:
            sees += " " + _(
                "With your consent, also these portfolio items: %(items)s.",
                items=", ".join(entry.title for entry in shared),
            )
        lines.append(hooks.Audience(who, sees))
    return lines
