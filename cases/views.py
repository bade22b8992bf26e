import base64
import io
import tempfile
import zlib
from datetime import UTC, date, datetime
from functools import lru_cache
from operator import attrgetter

from babel.dates import format_date
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, get_timezone, to_utc
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import joinedload, lazyload

from cases import access, bp, codes, data_rights, importing, queries, services
from cases.forms import (
    CLIENT_FORM_FIELDS,
    AppointmentForm,
    CaseFilterForm,
    CaseForm,
    ClientForm,
    ConsentForm,
    EraseForm,
    ExitForm,
    FollowUpForm,
    GiveLoginForm,
    GuidanceForm,
    ImportForm,
    NewCaseForm,
    NewClientForm,
    ReassignForm,
    StageForm,
    TransferForm,
    WithdrawConsentForm,
)
from cases.models import (
    STAGE_CLIENT_TEXT,
    Case,
    Client,
    ClientType,
    Consent,
    Gender,
    GuidanceEntry,
    Handover,
    Stage,
    StageChange,
)
from isok import audit, dashboard, hooks, permissions, routing, spreadsheets
from isok.accounts.models import Organisation, Role, User, UserRole
from isok.accounts.second_factor import qr_svg
from isok.extensions import db
from isok.fields import seen_by
from isok.forms import ActionForm, apply, choices
from isok.i18n import CLIENT_LOCALES, DEFAULT_LOCALE, language_name, text_direction
from isok.imports import ImportFileError, iter_table
from isok.rules import RuleBroken
from isok.translation import force_locale
from isok.translation import gettext as _

IMPORT_TOKEN_MAX_AGE = 3600
EXPORT_MAX_ROWS = 50_000


# --- loading ---------------------------------------------------------------------------------------------------


def _case_or_404(case_id: int) -> Case:
    return queries.visible_case_or_none(current_user, case_id) or abort(404)


def _client_or_404(client_id: int) -> Client:
    return queries.visible_client_or_none(current_user, client_id) or abort(404)


# Built once: the case list runs these on every page, and a statement built anew is compiled-cache-keyed anew.
_ACTIVE_COUNSELLORS = (
    select(User).join(UserRole).where(UserRole.role == Role.COUNSELLOR, User.active.is_(True)).order_by(User.name)
)
_COUNSELLOR_PAIRS = _ACTIVE_COUNSELLORS.with_only_columns(User.id, User.name)
# The filter bar's two lists in one statement: organisations (0) and active counsellors (1), each by name.
_FILTER_CHOICES = union_all(
    select(literal(0).label("kind"), Organisation.id, Organisation.name),
    _COUNSELLOR_PAIRS.with_only_columns(literal(1), User.id, User.name).order_by(None),
).order_by("kind", "name")


def _in_organisation(stmt: Select, organisation_id: int | None) -> Select:
    return stmt if organisation_id is None else stmt.where(User.organisation_id == organisation_id)


def _counsellors(organisation_id: int | None) -> list[User]:
    return list(db.session.scalars(_in_organisation(_ACTIVE_COUNSELLORS, organisation_id)))


def _counsellor_choices(organisation_id: int | None, empty=None):
    pairs = db.session.execute(_in_organisation(_COUNSELLOR_PAIRS, organisation_id)).all()
    return choices(([(0, empty)] if empty is not None else []) + pairs)


def _locale_choices(empty=None):
    pairs = [(code, language_name(code)) for code in CLIENT_LOCALES]
    return choices(([("", empty)] if empty is not None else []) + pairs)


def _code_choices(form) -> None:
    """The client's languages of communication and certificates, in the user's language (the country and language
    code lists are fields that know their own options)."""
    form.preferred_language.choices = _locale_choices()
    form.certificate_language.choices = _locale_choices(_("Not chosen"))


def _field_error(form, error: services.CaseError, default: str) -> None:
    field = getattr(form, error.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(error)]


def _client_fields(form) -> dict:
    fields = {name: getattr(form, name).data for name in CLIENT_FORM_FIELDS}
    fields["isced_level"] = fields["isced_level"] or None
    return fields


# --- case list -------------------------------------------------------------------------------------------------


def _filters_form() -> tuple[CaseFilterForm, queries.CaseFilters]:
    form = CaseFilterForm(request.args)
    lists = ([(0, _("Any"))], [(0, _("Any"))])
    for kind, value, label in db.session.execute(_FILTER_CHOICES):
        lists[kind].append((value, label))
    form.organisation_id.choices, form.counsellor_id.choices = choices(lists[0]), choices(lists[1])
    if request.args:  # a bare list has nothing to check
        form.validate()
    valid = lambda name: getattr(form, name).data if not getattr(form, name).errors else None  # noqa: E731
    filters = queries.CaseFilters(
        q=(valid("q") or "").strip(),
        stage=Stage(form.stage.data) if valid("stage") else None,
        counsellor_id=valid("counsellor_id") or None,
        organisation_id=valid("organisation_id") or None,
        client_type=ClientType(form.client_type.data) if valid("client_type") else None,
        entry_from=valid("entry_from"),
        entry_to=valid("entry_to"),
        sort=valid("sort") or "activity",
    )
    return form, filters


@bp.get("/cases", endpoint="list")
@permissions.requires(permissions.VIEW_CASES)
def case_list():
    form, filters = _filters_form()
    page = routing.page_number(queries.PAGE_SIZE)
    rows, has_next = queries.case_page(current_user, filters, page)
    return render_template(
        "cases/list.html",
        form=form,
        cases=rows,
        page=page,
        has_next=has_next,
        short_date=_short_date_formatter(),
        stage_labels={stage: str(stage.label) for stage in Stage},
        type_labels={ClientType.LONG_TERM: _("Long-term"), ClientType.SHORT_TERM: _("Short-term")},
    )


@lru_cache(maxsize=8192)
def _formatted_short_date(locale: str, value: date) -> str:
    """Dates repeat from row to row and from page to page (a day's activity, a cohort's entry date)."""
    return format_date(value, "short", locale=locale)


def _short_date_formatter():
    """Format many dates in the user's short pattern, resolving the locale and time zone once per page."""
    locale, zone = str(get_locale()), get_timezone()

    def short_date(value) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return _formatted_short_date(locale, value)

    return short_date


def _export_columns():
    """The case list's columns: header, the record kind and field it shows (None: the row's own id), its value.

    Every value is taken with one cheap call per cell, as the csv module writes it: labels translated once per
    export rather than once per row, dates and None left to the csv module (it writes a date as 2026-03-05 and None
    as an empty cell). An export of 10,000 cases makes 120,000 of these calls.
    """
    genders = {member: str(member.label) for member in Gender}
    stages = {member: str(member.label) for member in Stage}
    client_types = {member: str(member.label) for member in ClientType}
    return [
        (_("Case"), None, None, attrgetter("id")),
        (_("Client"), "client", "last_name", attrgetter("client_name")),
        (_("Birth year"), "client", "birth_year", attrgetter("birth_year")),
        (_("Gender"), "client", "gender", lambda row: genders[row.gender]),
        (_("Stage"), "case", "stage", lambda row: stages[row.stage]),
        (_("Client type"), "case", "client_type", lambda row: client_types[row.client_type]),
        (_("Organisation"), None, None, attrgetter("organisation_name")),
        (_("Counsellor"), "case", "counsellor_id", attrgetter("counsellor_name")),
        (_("Entry date"), "case", "entry_date", attrgetter("entry_date")),
        (_("Exit date"), "case", "exit_date", attrgetter("exit_date")),
        (_("Target"), "case", "target", attrgetter("target")),
        (_("Latest activity"), None, None, lambda row: row.last_activity_at.date()),
    ]


@bp.get("/cases/export.csv")
@permissions.requires(permissions.VIEW_CASES)
def export_csv():
    _form, filters = _filters_form()
    client_seen, case_seen = seen_by(current_user, "client"), seen_by(current_user, "case")
    columns = [
        column
        for column in _export_columns()
        if column[1] is None or column[2] in (client_seen if column[1] == "client" else case_seen)
    ]
    audit.record_view(
        current_user,
        "case",
        None,
        action="export",
        changes={
            "filters": {name: str(value) for name, value in vars(filters).items() if value},
            "field_set": [f"{kind}.{name}" for _h, kind, name, _v in columns if kind],
        },
    )
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 (send_file closes it)
    out = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = spreadsheets.CsvWriter(out)
    writer.writerow([header for header, _kind, _name, _value in columns])
    values = [value for _header, _kind, _name, value in columns]
    writer.writerows(
        [value(row) for value in values] for row in queries.filtered_rows(current_user, filters, EXPORT_MAX_ROWS)
    )
    out.flush()
    out.detach()  # the spool stays open for send_file
    spool.seek(0)
    return send_file(spool, mimetype="text/csv", as_attachment=True, download_name="cases.csv", max_age=0)


# --- clients ---------------------------------------------------------------------------------------------------


@bp.route("/clients/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_CASES)
def new_client():
    form = NewClientForm()
    _code_choices(form)
    organisation = current_user.organisation
    form.counsellor_id.choices = _counsellor_choices(organisation.id if organisation else None, _("Not chosen"))
    if request.method == "GET":
        form.counsellor_id.data = current_user.id
        form.preferred_language.data = "fi"
    duplicates = []
    if organisation is None:
        flash(_("You need an organisation to register clients. Ask your administrator."), "error")
    elif form.validate_on_submit():
        duplicates = services.find_duplicates(
            form.first_name.data, form.last_name.data, form.birth_date.data, form.email.data
        )
        if duplicates and not form.confirm_not_duplicate.data:
            form.confirm_not_duplicate.errors = [_("Check the possible duplicates above before saving.")]
        else:
            try:
                client = services.register_client(current_user, organisation, **_client_fields(form))
                counsellor = db.session.get(User, form.counsellor_id.data) if form.counsellor_id.data else None
                case = services.open_case(
                    current_user,
                    client,
                    organisation=organisation,
                    client_type=ClientType(form.client_type.data),
                    entry_date=form.entry_date.data,
                    target=form.target.data,
                    counsellor=counsellor,
                )
            except RuleBroken as error:
                db.session.rollback()
                _field_error(form, error, "first_name")
            else:
                db.session.commit()
                flash(_("The client and the case were saved."), "success")
                return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/client_form.html", form=form, client=None, duplicates=duplicates), (
        400 if form.errors else 200
    )


@bp.get("/clients/<int:client_id>")
@permissions.requires(permissions.VIEW_CASES)
def client(client_id):
    client = _client_or_404(client_id)
    audit.record_view(current_user, "client", client.id)
    return _client_page(client)


def _client_page(client: Client, status: int = 200, *, consent_form=None, login_form: GiveLoginForm | None = None):
    """The client's page; a form sent from it and refused comes back with what was typed."""
    cases = [case for case in client.cases if access.can_view_case(current_user, case)]
    if consent_form is None:
        consent_form = ConsentForm(formdata=None)
        consent_form.information_language.data = client.preferred_language
    return render_template(
        "cases/client.html",
        client=client,
        cases=cases,
        consent_form=consent_form,
        withdraw_form=WithdrawConsentForm(),
        action_form=ActionForm(),
        login_form=login_form or GiveLoginForm(formdata=None),
        codes=codes,
    ), status


@bp.post("/clients/<int:client_id>/login-link")
@permissions.requires(permissions.GIVE_CLIENT_LOGIN)
def give_login(client_id):
    """Give the client a one-time link to set their password, with its QR code to scan from this screen."""
    client = _client_or_404(client_id)
    if not access.can_give_login(current_user, client):
        abort(404)
    form = GiveLoginForm()
    if not apply(form, lambda: services.give_login(current_user, client, form.email.data)):
        return _client_page(client, form.status, login_form=form)
    address = url_for("accounts.set_password", token=form.result, _external=True)
    locale = next(
        (code for code in (client.user.locale, client.preferred_language) if code in CLIENT_LOCALES), DEFAULT_LOCALE
    )
    with force_locale(locale):
        for_client = {
            "title": _("Your login to isok"),
            "scan": _("Scan the code with your phone's camera, or open the link, and choose your password."),
            "once": _("The link works once and expires in three days."),
            "qr": _("QR code of your login link"),
        }
    return render_template(
        "cases/login_link.html",
        client=client,
        address=address,
        for_client=for_client,
        client_locale=locale,
        client_dir=text_direction(locale),
        qr=qr_svg(address, for_client["qr"]),
    )


@bp.route("/clients/<int:client_id>/edit", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_CASES)
def edit_client(client_id):
    client = _client_or_404(client_id)
    if client.erased_at is not None:
        abort(404)
    form = ClientForm(obj=client)
    _code_choices(form)
    if request.method == "GET":
        form.version.data = client.version
        form.languages.data = codes.format_languages(client.languages)
        form.isced_level.data = "" if client.isced_level is None else str(client.isced_level)
        form.has_login.data = client.user is not None
        for name in (
            "gender",
            "labour_status",
            "third_country_national",
            "foreign_background",
            "minority",
            "disability",
            "homeless",
            "rural",
        ):
            value = getattr(client, name)
            getattr(form, name).data = value.value if value else ""
        for name in ("country_of_birth", "citizenship", "education_country", "mother_tongue", "certificate_language"):
            getattr(form, name).data = getattr(client, name) or ""

    def change():
        services.update_client(current_user, client, form.version.data, **_client_fields(form))
        _link_login(client, form.email.data, form.has_login.data)

    if apply(form, change, default_field="first_name"):
        flash(_("The client was saved."), "success")
        return redirect(url_for("cases.client", client_id=client.id))
    return render_template("cases/client_form.html", form=form, client=client, duplicates=[]), form.status


def _link_login(client: Client, email: str | None, has_login: bool) -> None:
    """Link the login whose address is the client's email (typed once, in the form's email field), or unlink."""
    email = (email or "").strip().lower()
    if not has_login:
        if client.user is not None:
            services.link_user(current_user, client, None)
        return
    if client.user is not None and client.user.email == email:
        return
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None:
        raise services.CaseError(
            _("No login has this email address yet: give the client their login from the client's page."),
            "has_login",
        )
    try:
        services.link_user(current_user, client, user)
    except services.CaseError as error:
        raise services.CaseError(str(error), "has_login") from error


@bp.route("/clients/<int:client_id>/cases/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_CASES)
def new_case(client_id):
    client = _client_or_404(client_id)
    organisation = current_user.organisation
    if client.erased_at is not None or organisation is None:
        abort(404)
    form = NewCaseForm()
    form.counsellor_id.choices = _counsellor_choices(organisation.id, _("Not chosen"))
    if request.method == "GET":
        form.counsellor_id.data = current_user.id

    def change():
        return services.open_case(
            current_user,
            client,
            organisation=organisation,
            client_type=ClientType(form.client_type.data),
            entry_date=form.entry_date.data,
            target=form.target.data,
            counsellor=db.session.get(User, form.counsellor_id.data or 0),
        )

    if apply(form, change, default_field="entry_date"):
        case = form.result
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/new_case.html", form=form, client=client), 400 if form.errors else 200


@bp.post("/clients/<int:client_id>/consents")
@permissions.requires(permissions.MANAGE_CASES)
def add_consent(client_id):
    client = _client_or_404(client_id)
    form = ConsentForm()

    def change():
        return services.record_consent(
            current_user,
            client,
            purpose=form.purpose.data,
            given_on=form.given_on.data,
            information_language=form.information_language.data,
            workplace=form.workplace.data,
        )

    if apply(form, change, default_field="purpose"):
        flash(_("The consent was recorded."), "success")
        return redirect(url_for("cases.client", client_id=client.id) + "#consent")
    return _client_page(client, 400, consent_form=form)


@bp.post("/clients/<int:client_id>/consents/<int:consent_id>/withdraw")
@permissions.requires(permissions.MANAGE_CASES)
def withdraw_consent(client_id, consent_id):
    client = _client_or_404(client_id)
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.client_id != client.id:
        abort(404)
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        try:
            services.withdraw_consent(current_user, consent, form.withdrawn_on.data)
        except RuleBroken as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The withdrawal was recorded."), "success")
    else:
        flash(_("Give the date of the withdrawal."), "error")
    return redirect(url_for("cases.client", client_id=client.id) + "#consent")


@bp.post("/clients/<int:client_id>/export")
@permissions.requires(permissions.EXPORT_CLIENT_DATA)
def export_client(client_id):
    client = _client_or_404(client_id)
    data = data_rights.export_client(current_user, client)
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename=client-{client.id}.zip"},
    )


@bp.route("/clients/<int:client_id>/erase", methods=["GET", "POST"])
@permissions.requires(permissions.ERASE_CLIENTS)
def erase_client(client_id):
    client = _client_or_404(client_id)
    if client.erased_at is not None:
        abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        services.erase_client(current_user, client)
        db.session.commit()
        flash(_("The client's personal data was erased. The statistics remain."), "success")
        return redirect(url_for("cases.list"))
    return render_template("cases/erase.html", form=form, client=client), 400 if form.errors else 200


@bp.get("/clients/retention")
@permissions.requires(permissions.ERASE_CLIENTS)
def retention():
    years = min(max(request.args.get("years", 5, type=int), 1), 50)
    return render_template("cases/retention.html", years=years, clients=services.clients_due_for_erasure(years))


# --- the case page ---------------------------------------------------------------------------------------------


def _stage_form(case: Case, form: StageForm | None = None) -> StageForm:
    form = form or StageForm(formdata=None, version=case.version, on=services.today())
    form.stage.choices = choices([(stage.value, stage.label) for stage in services.allowed_moves(case)])
    return form


# The people the case page names (who moved a stage, wrote an entry, handed the case over) are shown by name only:
# their roles, which a user otherwise brings along in a query of their own, are read only if something asks.
_NAMED = lazyload(User.role_rows)


def _render_detail(case: Case, status: int = 200, **forms):
    if request.method == "GET":  # a form shown again after a write attempt was read when the page was opened
        audit.record_view(current_user, "client", case.client_id)
    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.case_id == case.id)
        .options(joinedload(StageChange.by).options(_NAMED))
        .order_by(StageChange.id)
    ).all()
    log = db.session.scalars(
        select(GuidanceEntry)
        .where(GuidanceEntry.case_id == case.id)
        .options(joinedload(GuidanceEntry.author).options(_NAMED))
        .order_by(GuidanceEntry.on.desc(), GuidanceEntry.id.desc())
    ).all()
    handovers = db.session.scalars(
        select(Handover)
        .where(Handover.case_id == case.id)
        .options(
            joinedload(Handover.to_organisation),
            joinedload(Handover.from_counsellor).options(_NAMED),
            joinedload(Handover.to_counsellor).options(_NAMED),
        )
        .order_by(Handover.id)
    ).all()
    return render_template(
        "cases/detail.html",
        case=case,
        client=case.client,
        history=history,
        log=log,
        handovers=handovers,
        appointments=services.upcoming_appointments([case.id], limit=20),
        stage_form=_stage_form(case, forms.get("stage_form")),
        guidance_form=forms.get("guidance_form") or GuidanceForm(formdata=None, on=services.today()),
        appointment_form=forms.get("appointment_form") or AppointmentForm(formdata=None),
        panels=hooks.case_panels(current_user, case),
        codes=codes,
        is_backward=services.is_backward,
        stages=list(Stage),
    ), status


@bp.get("/cases/<int:case_id>")
@permissions.requires(permissions.VIEW_CASES)
def detail(case_id):
    # The page names the case's counsellor and co-counsellors: read with the case, not one statement each after it.
    case = (
        db.session.scalars(
            access.visible_cases(current_user)
            .where(Case.id == case_id)
            .options(joinedload(Case.counsellor).options(_NAMED), joinedload(Case.co_counsellors).options(_NAMED))
        )
        .unique()
        .one_or_none()
    )
    return _render_detail(case or abort(404))


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_CASES)
def edit(case_id):
    case = _case_or_404(case_id)
    form = CaseForm(obj=case)
    form.counsellor_id.choices = _counsellor_choices(case.organisation_id, _("Not chosen"))
    form.co_counsellor_ids.choices = _counsellor_choices(case.organisation_id)
    if request.method == "GET":
        form.version.data = case.version
        form.client_type.data = case.client_type.value
        form.counsellor_id.data = case.counsellor_id or 0
        form.co_counsellor_ids.data = [user.id for user in case.co_counsellors]

    def change():
        co = [db.session.get(User, user_id) for user_id in form.co_counsellor_ids.data]
        services.update_case(
            current_user,
            case,
            form.version.data,
            target=form.target.data,
            client_type=ClientType(form.client_type.data),
            entry_date=form.entry_date.data,
            counsellor=db.session.get(User, form.counsellor_id.data or 0),
            co_counsellors=co,
            notes=form.notes.data,
        )

    if apply(form, change, default_field="target"):
        flash(_("The case was saved."), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/case_form.html", form=form, case=case), form.status


@bp.post("/cases/<int:case_id>/stage")
@permissions.requires(permissions.MANAGE_CASES)
def move_stage(case_id):
    case = _case_or_404(case_id)
    form = StageForm()
    form.stage.choices = choices([(stage.value, stage.label) for stage in Stage])  # the service refuses, clearly

    def change():
        return services.move_stage(
            current_user, case, Stage(form.stage.data), form.on.data, form.reason.data, form.version.data
        )

    if apply(form, change, default_field="stage"):
        flash(_("The case moved to %(stage)s.", stage=case.stage.label), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    offered = [*services.allowed_moves(case)]
    if form.stage.data in {stage.value for stage in Stage} and Stage(form.stage.data) not in offered:
        offered.append(Stage(form.stage.data))  # keep what the user chose, next to the message
    form.stage.choices = choices([(stage.value, stage.label) for stage in offered])
    return _render_detail(case, form.status, stage_form=form)


@bp.post("/cases/<int:case_id>/guidance")
@permissions.requires(permissions.MANAGE_CASES)
def add_guidance(case_id):
    case = _case_or_404(case_id)
    form = GuidanceForm()

    def change():
        return services.add_guidance_entry(
            current_user,
            case,
            on=form.on.data,
            kind=form.kind.data,
            duration_minutes=form.duration_minutes.data,
            interpreter_language=form.interpreter_language.data,
            note=form.note.data,
            shareable=form.shareable.data,
        )

    if apply(form, change, default_field="note"):
        flash(_("The entry was added to the guidance log."), "success")
        return redirect(url_for("cases.detail", case_id=case.id) + "#guidance")
    return _render_detail(case, 400, guidance_form=form)


@bp.post("/cases/<int:case_id>/appointments")
@permissions.requires(permissions.MANAGE_CASES)
def add_appointment(case_id):
    case = _case_or_404(case_id)
    form = AppointmentForm()

    def change():
        return services.schedule_appointment(
            current_user,
            case,
            starts_at=to_utc(form.starts_at.data).replace(tzinfo=UTC),
            kind=form.kind.data,
            place=form.place.data,
        )

    if apply(form, change, default_field="starts_at"):
        flash(_("The appointment was added."), "success")
        return redirect(url_for("cases.detail", case_id=case.id) + "#appointments")
    return _render_detail(case, 400, appointment_form=form)


def _recorded_choice(recorded_on, status) -> str | None:
    """A result's radio choice as recorded ("" = not known); nothing chosen when there is no record yet."""
    if recorded_on is None:
        return None
    return status.value if status else ""


@bp.route("/cases/<int:case_id>/exit", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_CASES)
def record_exit(case_id):
    case = _case_or_404(case_id)
    form = (
        ExitForm(obj=case)
        if request.method == "POST"
        else ExitForm(
            formdata=None,
            version=case.version,
            exit_date=case.exit_date or services.today(),
            labour_status=_recorded_choice(case.exit_date, case.exit_labour_status),
            in_education=case.exit_in_education,
            qualification=case.exit_qualification,
            study_path_shortened=case.study_path_shortened.value,
            study_months_saved=case.study_months_saved,
        )
    )

    def change():
        return services.record_exit(
            current_user,
            case,
            form.version.data,
            exit_date=form.exit_date.data,
            labour_status=form.labour_status.data or None,
            in_education=form.in_education.data,
            qualification=form.qualification.data,
            study_path_shortened=form.study_path_shortened.data,
            study_months_saved=form.study_months_saved.data,
        )

    if apply(form, change, default_field="exit_date"):
        flash(
            _("The exit was recorded. The follow-up is due on %(date)s.", date=case.follow_up_due.isoformat()),
            "success",
        )
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/exit_form.html", form=form, case=case), form.status


@bp.route("/cases/<int:case_id>/follow-up", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_CASES)
def record_follow_up(case_id):
    case = _case_or_404(case_id)
    if case.exit_date is None:
        flash(_("Record the exit before the follow-up."), "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    form = (
        FollowUpForm()
        if request.method == "POST"
        else FollowUpForm(
            formdata=None,
            on=case.follow_up_on or services.today(),
            labour_status=_recorded_choice(case.follow_up_on, case.follow_up_labour_status),
            in_education=case.follow_up_in_education,
        )
    )

    def change():
        return services.record_follow_up(
            current_user,
            case,
            on=form.on.data,
            labour_status=form.labour_status.data or None,
            in_education=form.in_education.data,
        )

    if apply(form, change, default_field="on"):
        flash(_("The follow-up was recorded."), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/follow_up_form.html", form=form, case=case), 400 if form.errors else 200


# --- hand-over -------------------------------------------------------------------------------------------------


def _handover_forms(case: Case, reassign_form=None, transfer_form=None):
    reassign_form = reassign_form or ReassignForm(formdata=None)
    reassign_form.counsellor_id.choices = choices(
        [(user.id, user.name) for user in _counsellors(case.organisation_id) if user.id != case.counsellor_id]
    )
    transfer_form = transfer_form or TransferForm(formdata=None)
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id != case.organisation_id).order_by(Organisation.name)
    ).all()
    transfer_form.organisation_id.choices = choices([(org.id, org.name) for org in organisations])
    return reassign_form, transfer_form


def _render_handover(case: Case, status=200, **forms):
    reassign_form, transfer_form = _handover_forms(case, forms.get("reassign_form"), forms.get("transfer_form"))
    return render_template(
        "cases/handover.html",
        case=case,
        reassign_form=reassign_form,
        transfer_form=transfer_form,
        pending=services.pending_transfer(case),
    ), status


@bp.get("/cases/<int:case_id>/handover")
@permissions.requires(permissions.MANAGE_CASES)
def handover(case_id):
    return _render_handover(_case_or_404(case_id))


@bp.post("/cases/<int:case_id>/reassign")
@permissions.requires(permissions.MANAGE_CASES)
def reassign(case_id):
    case = _case_or_404(case_id)
    form, _t = _handover_forms(case, ReassignForm())

    def change():
        return services.reassign(current_user, case, db.session.get(User, form.counsellor_id.data), form.reason.data)

    if apply(form, change, default_field="counsellor_id"):
        flash(_("The case was reassigned."), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return _render_handover(case, 400, reassign_form=form)


@bp.post("/cases/<int:case_id>/transfer")
@permissions.requires(permissions.MANAGE_CASES)
def transfer(case_id):
    case = _case_or_404(case_id)
    _r, form = _handover_forms(case, None, TransferForm())

    def change():
        return services.request_transfer(
            current_user, case, db.session.get(Organisation, form.organisation_id.data), form.reason.data
        )

    if apply(form, change, default_field="organisation_id"):
        flash(_("The transfer was offered. The case stays here until the other organisation accepts it."), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return _render_handover(case, 400, transfer_form=form)


@bp.get("/transfers")
@permissions.requires(permissions.MANAGE_CASES)
def transfers():
    rows = db.session.scalars(
        access.answerable_handovers(current_user)
        .options(
            joinedload(Handover.case).joinedload(Case.client),
            joinedload(Handover.from_organisation),
            joinedload(Handover.requested_by),
        )
        .order_by(Handover.requested_at)
    ).all()
    return render_template("cases/transfers.html", transfers=rows)


@bp.post("/transfers/<int:handover_id>/answer")
@permissions.requires(permissions.MANAGE_CASES)
def answer_transfer(handover_id):
    handover = db.session.scalar(access.answerable_handovers(current_user).where(Handover.id == handover_id))
    if handover is None:
        abort(404)
    accept = request.form.get("accept") == "1"
    services.answer_transfer(current_user, handover, accept)
    db.session.commit()
    if accept:
        flash(_("The case was transferred to your organisation."), "success")
        return redirect(url_for("cases.detail", case_id=handover.case_id))
    flash(_("The transfer was declined."), "success")
    return redirect(url_for("cases.transfers"))


# --- import ----------------------------------------------------------------------------------------------------


def _import_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cases-import")


def _import_token(filename: str, data: bytes) -> str:
    """The previewed file itself, compressed, signed for the user who saw the preview: the confirmation imports
    exactly that file, read as it goes like the preview was (the parsed rows would make a token several times
    larger, and every row an object in memory)."""
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    return _import_serializer().dumps({"user": current_user.id, "name": filename, "file": packed})


@bp.route("/cases/import", methods=["GET", "POST"])
@permissions.requires(permissions.IMPORT_CASES)
def import_cases():
    form = ImportForm()
    report, token, status = None, None, 200
    if request.method == "POST" and request.form.get("token"):
        try:
            payload = _import_serializer().loads(request.form["token"], max_age=IMPORT_TOKEN_MAX_AGE)
        except BadSignature:
            payload = None
        if payload is None or payload.get("user") != current_user.id or "file" not in payload:
            flash(_("The preview has expired. Upload the file again."), "error")
            return redirect(url_for("cases.import_cases"))
        data = zlib.decompress(base64.b64decode(payload["file"]))
        report = importing.import_cases(current_user, iter_table(payload["name"], io.BytesIO(data)), dry_run=False)
        if report.ok:
            db.session.commit()
            flash(_("%(n)d clients and cases were imported.", n=len(report.applied)), "success")
            return redirect(url_for("cases.list"))
        db.session.rollback()
        status = 400
    elif form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read()
        try:
            report = importing.import_cases(current_user, iter_table(upload.filename, io.BytesIO(data)), dry_run=True)
        except ImportFileError as error:
            form.file.errors = [str(error)]
        else:
            if report.ok:
                token = _import_token(upload.filename, data)
        db.session.rollback()
    if form.errors or (report is not None and not report.ok):
        status = 400
    return render_template(
        "cases/import.html", form=form, report=report, token=token, columns=importing.COLUMNS
    ), status


# --- the client's own page -------------------------------------------------------------------------------------


def _own_cases(user) -> list[Case]:
    return db.session.scalars(
        access.own_cases(user).options(joinedload(Case.counsellor)).order_by(Case.entry_date.desc())
    ).all()


@bp.get("/my-case")
@permissions.requires(permissions.VIEW_OWN_CASE)
def my_case():
    cases = _own_cases(current_user)
    shared = {case.id: [entry for entry in case.guidance_entries if entry.shareable] for case in cases}
    audiences = {case.id: hooks.audiences(case) for case in cases}
    return render_template(
        "cases/my_case.html",
        cases=cases,
        shared=shared,
        audiences=audiences,
        stage_text=STAGE_CLIENT_TEXT,
        stages=[stage for stage in Stage if stage is not Stage.CLOSED],
        appointments=services.upcoming_appointments([case.id for case in cases], limit=10),
    )


def audience(case: Case) -> list[hooks.Audience]:
    """Who keeps the case (everything) and who counts it (ESF figures), for the client's own page."""
    keepers = [user.name for user in (case.counsellor, *case.co_counsellors) if user is not None]
    everything = _(
        "Everything about your validation: your personal data, consents, guidance notes, portfolio and results."
    )
    lines = [hooks.Audience(_("Your counsellor %(name)s", name=name), everything) for name in keepers]
    lines.append(
        hooks.Audience(_("The counsellors of %(organisation)s", organisation=case.organisation.name), everything)
    )
    lines.append(
        hooks.Audience(
            _("The project's managers"),
            _(
                "Figures, and the answers the ESF reports need: your age, gender, situation at entry and results. No notes, "  # noqa: E501
                "no portfolio."
            ),
        )
    )
    return lines


# --- start page and menu ---------------------------------------------------------------------------------------


def staff_panel(user):
    if not permissions.can(user, permissions.VIEW_CASES) or not user.roles & {
        Role.COUNSELLOR,
        Role.ADMIN,
        Role.PROJECT_MANAGER,
    }:
        return None
    mine = user.id if Role.COUNSELLOR in user.roles else None
    return dashboard.Panel(
        "cases/panel_staff.html",
        {
            "mine": mine is not None,
            "counts": queries.stage_counts(user, mine),
            "inactive": queries.inactive_cases(user, mine),
            "follow_ups": queries.follow_ups_due(user, mine),
            "transfers": db.session.scalar(
                access.answerable_handovers(user).with_only_columns(func.count(Handover.id))
            ),
        },
        order=10,
    )


def client_panel(user):
    if not permissions.can(user, permissions.VIEW_OWN_CASE):
        return None
    cases = _own_cases(user)
    return dashboard.Panel(
        "cases/panel_client.html",
        {
            "case": cases[0] if cases else None,
            "stage_text": STAGE_CLIENT_TEXT,
            "appointments": services.upcoming_appointments([case.id for case in cases], limit=3),
        },
        order=10,
    )


def nav(user):
    items = []
    if permissions.can(user, permissions.VIEW_CASES):
        items.append(dashboard.NavItem(_("Cases"), url_for("cases.list")))
        if Role.COUNSELLOR in user.roles and permissions.can(user, permissions.MANAGE_CASES):
            items.append(dashboard.NavItem(_("New client"), url_for("cases.new_client")))
    if permissions.can(user, permissions.VIEW_OWN_CASE):
        items.append(dashboard.NavItem(_("My validation"), url_for("cases.my_case")))
    return items
