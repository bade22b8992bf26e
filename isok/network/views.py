from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from isok import dashboard, permissions
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.forms import ActionForm, act, apply, choices
from isok.imports import ImportFileError, read_table, run_import
from isok.network import access, bp, figures, queries, services
from isok.network.forms import (
    NEW_ORGANISATION,
    EventForm,
    ImportForm,
    MeetingForm,
    NarrativeForm,
    NewPartnerForm,
    PartnershipForm,
    SettingsForm,
    TargetForm,
)
from isok.network.imports import IMPORTS
from isok.network.models import (
    COMPANY_KINDS,
    DEFAULT_SUPPRESSION_THRESHOLD,
    NARRATIVE_SECTIONS,
    DisseminationEvent,
    HalfYear,
    Narrative,
    PartnerKind,
    Partnership,
    SteeringMeeting,
    Target,
)
from isok.translation import gettext as _

VIEW = permissions.VIEW_REPORTS
MANAGE = permissions.MANAGE_NETWORK


def _load(model, record_id: int):
    """The record if the user may open it; 404 otherwise (missing and not visible look the same)."""
    record = db.session.scalar(access.visible_network(current_user, model).where(model.id == record_id))
    return record if record is not None else abort(404)


def _organisation_choices(*first):
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return choices([*first, *((org.id, org.name) for org in organisations)])


def _organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if organisation_id else None


def _form_page(form, title, *, cancel_url, remove_url=None, template="network/form.html", **context):
    return render_template(
        template,
        form=form,
        title=title,
        cancel_url=cancel_url,
        remove_url=remove_url,
        action_form=ActionForm(),
        **context,
    ), 400 if form.errors else 200


# --- overview --------------------------------------------------------------------------------------------------


@bp.get("/")
@permissions.requires(VIEW)
def overview():
    overview_figures = queries.overview()
    kinds = overview_figures.kinds
    event_count, headcount = overview_figures.events
    return render_template(
        "network/overview.html",
        kinds=kinds,
        companies=queries.companies(kinds),
        other_organisations=queries.other_organisations(kinds),
        company_kinds=COMPANY_KINDS,
        targets=queries.targets(),
        progress=overview_figures.progress,
        sections=figures.sections(current_user),
        event_count=event_count,
        headcount=headcount,
        events=db.session.scalars(queries.events().limit(5)).all(),
        meetings=db.session.scalars(queries.meetings().limit(5)).all(),
        settings=queries.project_settings(),
    )


# --- partners --------------------------------------------------------------------------------------------------


@bp.get("/partners")
@permissions.requires(VIEW)
def partners():
    rows = [
        (partnership, organisation, PartnerKind(kind))
        for partnership, organisation, kind in db.session.execute(queries.partnerships())
    ]
    return render_template("network/partners.html", rows=rows)


def _partnership_fields(form: PartnershipForm) -> dict:
    return {name: getattr(form, name).data for name in ("first_cooperation_on", "role", "agreement_on", "notes")}


@bp.route("/partners/new", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def new_partner():
    form = NewPartnerForm()
    form.organisation_id.choices = _organisation_choices((NEW_ORGANISATION, _("A new organisation (fill in below)")))

    def add():
        organisation = _organisation(form.organisation_id.data) or services.register_organisation(
            current_user,
            name=form.name.data,
            type=form.type.data,
            size_class=form.size_class.data,
            business_id=form.business_id.data,
            municipality=form.municipality.data,
        )
        services.add_partner(current_user, organisation, **_partnership_fields(form))

    if apply(form, add):
        flash(_("The partner was saved."), "success")
        return redirect(url_for("network.partners"))
    return _form_page(
        form, _("New partner"), cancel_url=url_for("network.partners"), template="network/partner_form.html"
    )


@bp.route("/partners/<int:partnership_id>", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def edit_partner(partnership_id):
    partnership = _load(Partnership, partnership_id)
    form = PartnershipForm(obj=partnership)
    if apply(
        form,
        lambda: services.update_partnership(
            current_user, partnership, version=form.version.data, **_partnership_fields(form)
        ),
    ):
        flash(_("The partner was saved."), "success")
        return redirect(url_for("network.partners"))
    return _form_page(
        form,
        partnership.organisation.name,
        cancel_url=url_for("network.partners"),
        remove_url=url_for("network.remove_partner", partnership_id=partnership.id),
        template="network/partner_form.html",
        partnership=partnership,
    )


@bp.post("/partners/<int:partnership_id>/remove")
@permissions.requires(MANAGE)
def remove_partner(partnership_id):
    partnership = _load(Partnership, partnership_id)
    act(lambda: services.remove_partnership(current_user, partnership), _("The partnership was removed."))
    return redirect(url_for("network.partners"))


# --- dissemination events --------------------------------------------------------------------------------------


@bp.get("/events")
@permissions.requires(VIEW)
def events():
    event_count, headcount = queries.dissemination_totals()
    return render_template(
        "network/events.html",
        events=db.session.scalars(queries.events()).all(),
        event_count=event_count,
        headcount=headcount,
    )


def _event_fields(form: EventForm) -> dict:
    return {name: getattr(form, name).data for name in ("title", "held_on", "place", "audience", "headcount", "notes")}


@bp.route("/events/new", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def new_event():
    form = EventForm()
    if apply(form, lambda: services.create_event(current_user, **_event_fields(form))):
        flash(_("The event was saved."), "success")
        return redirect(url_for("network.events"))
    return _form_page(form, _("New dissemination event"), cancel_url=url_for("network.events"))


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def edit_event(event_id):
    event = _load(DisseminationEvent, event_id)
    form = EventForm(obj=event)
    if apply(
        form, lambda: services.update_event(current_user, event, version=form.version.data, **_event_fields(form))
    ):
        flash(_("The event was saved."), "success")
        return redirect(url_for("network.events"))
    return _form_page(
        form,
        event.title,
        cancel_url=url_for("network.events"),
        remove_url=url_for("network.remove_event", event_id=event.id),
    )


@bp.post("/events/<int:event_id>/remove")
@permissions.requires(MANAGE)
def remove_event(event_id):
    event = _load(DisseminationEvent, event_id)
    act(lambda: services.remove_event(current_user, event), _("The event was removed."))
    return redirect(url_for("network.events"))


# --- steering committee ----------------------------------------------------------------------------------------


@bp.get("/meetings")
@permissions.requires(VIEW)
def meetings():
    return render_template("network/meetings.html", meetings=db.session.scalars(queries.meetings()).all())


def _meeting_fields(form: MeetingForm) -> dict:
    return {"held_on": form.held_on.data, "attendees": form.attendees.data, "decisions": form.decisions.data}


@bp.route("/meetings/new", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def new_meeting():
    form = MeetingForm()
    if apply(form, lambda: services.create_meeting(current_user, **_meeting_fields(form))):
        flash(_("The meeting was saved."), "success")
        return redirect(url_for("network.meetings"))
    return _form_page(form, _("New steering committee meeting"), cancel_url=url_for("network.meetings"))


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def edit_meeting(meeting_id):
    meeting = _load(SteeringMeeting, meeting_id)
    form = MeetingForm(obj=meeting)
    if apply(
        form, lambda: services.update_meeting(current_user, meeting, version=form.version.data, **_meeting_fields(form))
    ):
        flash(_("The meeting was saved."), "success")
        return redirect(url_for("network.meetings"))
    return _form_page(
        form,
        _("Steering committee meeting"),
        cancel_url=url_for("network.meetings"),
        remove_url=url_for("network.remove_meeting", meeting_id=meeting.id),
    )


@bp.post("/meetings/<int:meeting_id>/remove")
@permissions.requires(MANAGE)
def remove_meeting(meeting_id):
    meeting = _load(SteeringMeeting, meeting_id)
    act(lambda: services.remove_meeting(current_user, meeting), _("The meeting was removed."))
    return redirect(url_for("network.meetings"))


# --- narratives ------------------------------------------------------------------------------------------------


def _project_periods() -> list[HalfYear]:
    """The six-month periods of the project, up to the current one."""
    settings = queries.project_settings()
    if settings is None:
        return []
    periods, period = [], HalfYear.containing(settings.starts_on)
    last = HalfYear.containing(min(settings.ends_on, date.today()))
    while period <= last:
        periods.append(period)
        period = period.next()
    return periods


@bp.get("/narratives")
@permissions.requires(VIEW)
def narratives():
    written = {n.period: n for n in db.session.scalars(access.visible_network(current_user, Narrative))}
    periods = sorted(set(_project_periods()) | set(written), reverse=True)
    return render_template(
        "network/narratives.html", periods=periods, written=written, settings=queries.project_settings()
    )


def _sections(form: NarrativeForm) -> dict:
    return {name: getattr(form, name).data for name in NARRATIVE_SECTIONS}


@bp.route("/narratives/new", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def new_narrative():
    form = NarrativeForm()
    periods = _project_periods() or [HalfYear.containing(date.today())]
    form.period.choices = choices((p.code, p.code) for p in reversed(periods))
    if request.method == "GET" and request.args.get("period"):
        form.period.data = request.args["period"]
    if apply(
        form, lambda: services.create_narrative(current_user, HalfYear.parse(form.period.data), **_sections(form))
    ):
        flash(_("The narrative was saved."), "success")
        return redirect(url_for("network.narratives"))
    return _form_page(form, _("New narrative"), cancel_url=url_for("network.narratives"))


@bp.route("/narratives/<int:narrative_id>", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def edit_narrative(narrative_id):
    narrative = _load(Narrative, narrative_id)
    form = NarrativeForm(obj=narrative)
    del form.period
    if apply(
        form, lambda: services.update_narrative(current_user, narrative, version=form.version.data, **_sections(form))
    ):
        flash(_("The narrative was saved."), "success")
        return redirect(url_for("network.narratives"))
    return _form_page(
        form,
        _("Narrative %(period)s", period=narrative.period.code),
        cancel_url=url_for("network.narratives"),
        remove_url=url_for("network.remove_narrative", narrative_id=narrative.id),
    )


@bp.post("/narratives/<int:narrative_id>/remove")
@permissions.requires(MANAGE)
def remove_narrative(narrative_id):
    narrative = _load(Narrative, narrative_id)
    act(lambda: services.remove_narrative(current_user, narrative), _("The narrative was removed."))
    return redirect(url_for("network.narratives"))


# --- settings and targets --------------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def settings():
    current = queries.project_settings()
    form = SettingsForm(obj=current)
    if current is None and request.method == "GET":
        form.suppression_threshold.data = DEFAULT_SUPPRESSION_THRESHOLD
    fields = ("name", "code", "starts_on", "ends_on", "rule_set", "suppression_threshold")
    if apply(
        form,
        lambda: services.save_settings(
            current_user, version=form.version.data, **{name: getattr(form, name).data for name in fields}
        ),
    ):
        flash(_("The project settings were saved."), "success")
        return redirect(url_for("network.settings"))
    return _settings_page(form, TargetForm(formdata=None))


def _settings_page(form, target_form):
    rows = db.session.scalars(select(Target).order_by(Target.indicator)).all()
    status = 400 if form.errors or target_form.errors else 200
    return render_template(
        "network/settings.html",
        form=form,
        target_form=target_form,
        targets=rows,
        progress={p.indicator: p for p in queries.target_progress()},
        action_form=ActionForm(),
    ), status


@bp.post("/settings/targets")
@permissions.requires(MANAGE)
def set_target():
    target_form = TargetForm()
    if apply(
        target_form,
        lambda: services.set_target(current_user, target_form.indicator.data, target_form.target_value.data),
    ):
        flash(_("The target was saved."), "success")
        return redirect(url_for("network.settings"))
    return _settings_page(SettingsForm(formdata=None, obj=queries.project_settings()), target_form)


@bp.post("/settings/targets/<int:target_id>/remove")
@permissions.requires(MANAGE)
def remove_target(target_id):
    target = _load(Target, target_id)
    act(lambda: services.remove_target(current_user, target), _("The target was removed."))
    return redirect(url_for("network.settings"))


# --- imports ---------------------------------------------------------------------------------------------------


@bp.route("/import/<kind>", methods=["GET", "POST"])
@permissions.requires(MANAGE)
def import_file(kind):
    spec = IMPORTS.get(kind) or abort(404)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        dry_run = not form.apply.data
        try:
            rows = read_table(form.file.data.filename, form.file.data.stream)
        except ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            report = run_import(rows, spec.columns, spec.make_apply(current_user), dry_run=dry_run)
            if report.ok and not dry_run:
                db.session.commit()
                flash(_("%(n)d rows were imported.", n=len(report.applied)), "success")
                return redirect(url_for("network.overview"))
            db.session.rollback()
    status = 400 if form.errors or (report and not report.ok) else 200
    return render_template(
        "import.html", form=form, columns=spec.columns, title=spec.title, report=report, nav="network/_nav.html"
    ), status


# --- start page and menu ---------------------------------------------------------------------------------------


def progress_panel(user):
    if not permissions.can(user, VIEW):
        return None
    return dashboard.Panel(
        "network/panel.html", {"progress": queries.target_progress(), "settings": queries.project_settings()}, order=20
    )


def nav(user):
    return [dashboard.NavItem(_("Network"), url_for("network.overview"))] if permissions.can(user, VIEW) else []
