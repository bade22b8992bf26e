"""The catalogue's pages: thin routes that load (404 for what the user may not see), call a service, commit once."""

from collections import OrderedDict
from datetime import date, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_currency, get_locale
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import FieldList

from assessment.assessments.services import gap_plan
from cases.models import Client
from isok import dashboard, permissions
from isok.accounts.models import Organisation
from isok.catalogue import access, bp, feeds, finvoice, queries, reports, services
from isok.catalogue.forms import (
    COURSE_TEXTS,
    INSTRUCTION_LANGUAGES,
    RULES_TEXTS,
    CancelCourseForm,
    CatalogueFilterForm,
    CompletionForm,
    CourseForm,
    EnrolForm,
    FinvoiceForm,
    ImportForm,
    ParticipantForm,
    PeriodForm,
    RulesForm,
)
from isok.catalogue.imports import COLUMNS, TITLE, make_apply
from isok.catalogue.models import TEXT_LANGUAGES, Completion, Course, Enrolment, EnrolmentStatus
from isok.extensions import db, limiter
from isok.forms import ActionForm, choices
from isok.i18n import language_name
from isok.imports import ImportFileError, read_table, run_import
from isok.translation import gettext as _

STALE = "Someone else saved this record while you were editing it. Open it again to see their changes, then make yours."


def _save(form, change) -> bool:
    """Validate the form and run the service; commit and answer True, or leave the refusal on the form."""
    if not form.validate_on_submit():
        return False
    try:
        change()
    except (services.CatalogueError, StaleDataError) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, services.CatalogueError) else _(STALE)
        field = getattr(form, getattr(error, "field", None) or "", None)
        usable = field is not None and not isinstance(field, FieldList) and field.name != "version"
        (field.errors if usable else form.form_errors).append(message)
        return False
    db.session.commit()
    return True


def _act(change, success) -> bool:
    """A button's change (the CSRF token is its only input): commit and say so (`success`, or what it makes of the
    change's result), or say why not."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = change()
    except services.CatalogueError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return True


def euros(cents: int) -> str:
    """An amount of money in the reader's language (cents in, "1 234,50 €" out)."""
    return format_currency(cents / 100, "EUR")


def _managed_or_404(course_id: int) -> Course:
    course = db.session.scalar(access.managed_courses(current_user).where(Course.id == course_id))
    return course if course is not None else abort(404)


def _enrolment_or_404(enrolment_id: int) -> Enrolment:
    enrolment = db.session.scalar(access.visible_enrolments(current_user).where(Enrolment.id == enrolment_id))
    return enrolment if enrolment is not None else abort(404)


# --- the public catalogue -------------------------------------------------------------------------------------


def _locale() -> str:
    return str(get_locale() or "fi")


CARD_CACHE_SIZE = 4096


def course_card(course: Course) -> Markup:
    """A course's card in the catalogue's list, kept rendered per application by exactly what it shows.

    The public list is read far more often than a course changes, and rendering its cards costs more than the
    queries that find them. A card shows the course's own columns (any change of them moves `updated_at`, and so
    does a seat taken or freed), its seats, its organisation's name and its languages, in the reader's language.
    """
    cache = current_app.extensions.setdefault("catalogue_cards", OrderedDict())
    key = (_locale(), course.id, course.updated_at, course.seats_taken, course.organisation.name, *course.languages)
    card = cache.get(key)
    if card is not None:
        cache.move_to_end(key)
        return card
    card = cache[key] = Markup(render_template("catalogue/_course_card.html", course=course))  # noqa: S704 (autoescaped)
    if len(cache) > CARD_CACHE_SIZE:
        cache.popitem(last=False)
    return card


def _filters(form: CatalogueFilterForm) -> queries.Filters:
    def number(value):
        return int(value) if value and str(value).isdigit() else None

    return queries.Filters(
        q=(form.q.data or "").strip(),
        field=form.field.data or "",
        language=form.language.data or "",
        mode=form.mode.data or "",
        starts_from=form.starts_from.data,
        starts_until=form.starts_until.data,
        organisation=number(form.organisation.data),
        unit=number(form.unit.data),
        free=form.free.data == "1",
    )


@bp.get("/")
def index():
    today = services.today()
    offered = queries.filter_choices(today)
    form = CatalogueFilterForm(request.args)
    any_ = [("", _("Any"))]
    form.language.choices = choices(any_ + [(code, language_name(code)) for code in offered["languages"]])
    form.organisation.choices = choices(any_ + [(str(i), name) for i, name in offered["organisations"]])
    form.unit.choices = choices(any_ + [(str(i), label) for i, label in offered["units"]])
    page = max(request.args.get("page", 1, type=int), 1)
    valid = not request.args or form.validate()
    courses, has_next = queries.catalogue_page(_filters(form), today, page) if valid else ([], False)
    return render_template(
        "catalogue/index.html", form=form, courses=courses, page=page, has_next=has_next, args=request.args.to_dict()
    ), 200 if valid else 400


def _readable_or_404(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None or not access.can_read_course(current_user, course):
        abort(404)
    return course


@bp.get("/<int:course_id>")
def course(course_id):
    record = _readable_or_404(course_id)
    url = url_for("catalogue.course", course_id=record.id, _external=True)
    return render_template(
        "catalogue/course.html",
        course=record,
        rules=services.current_rules(),
        jsonld=feeds.course_jsonld(record, url, _locale()),
        price_member=services.price_cents(record, True),
        price_outside=services.price_cents(record, False),
        managing=access.can_manage_course(current_user, record),
        today=services.today(),
    )


@bp.get("/feed.atom")
def feed():
    locale = _locale()
    body = feeds.atom_feed(
        queries.latest_published(),
        feed_url=url_for("catalogue.feed", _external=True),
        site_url=url_for("catalogue.index", _external=True),
        course_url=lambda c: url_for("catalogue.course", course_id=c.id, _external=True),
        title=_("The network's course catalogue"),
        locale=locale,
    )
    return Response(body, mimetype="application/atom+xml")


def _calendar(sessions, name: str, filename: str) -> Response:
    text = feeds.calendar(
        sessions,
        course_url=lambda c: url_for("catalogue.course", course_id=c.id, _external=True),
        host=request.host.split(":")[0],
        zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        locale=_locale(),
        name=name,
    )
    return Response(
        text, mimetype="text/calendar", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/sessions.ics")
def sessions_calendar():
    return _calendar(queries.upcoming_sessions(services.today()), _("The network's course catalogue"), "courses.ics")


@bp.get("/<int:course_id>/sessions.ics")
def course_calendar(course_id):
    record = _readable_or_404(course_id)
    return _calendar(record.sessions, record.text("title"), f"course-{record.id}.ics")


# --- enrolment -------------------------------------------------------------------------------------------------


def _client_or_404(client_id: int | None) -> Client | None:
    """The client a counsellor enrols (from the gap plan); 404 unless the user manages the client."""
    if client_id is None:
        return None
    client = db.session.get(Client, client_id)
    return client if client is not None and access.can_enrol_client(current_user, client) else abort(404)


def _enrol_form(course: Course, staff: bool, client: Client | None) -> EnrolForm:
    form = EnrolForm()
    if staff:
        del form.name, form.organisation_name, form.payer_name
        if client is not None or current_user.organisation is None:
            del form.email
        if current_user.organisation is not None and current_user.organisation.business_id:
            del form.payer_business_id
    if not course.programme:
        del form.role, form.gender
    if request.method == "GET" and staff:
        form.payer_contact.data = current_user.name
        if form.payer_email is not None:
            form.payer_email.data = current_user.email
    return form


def _value(form, name: str):
    field = getattr(form, name, None)
    return field.data if field is not None else None


@bp.route("/<int:course_id>/enrol", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ENROL_RATE_LIMIT"], methods=["POST"])
def enrol(course_id):
    course = _readable_or_404(course_id)
    staff = permissions.can(current_user, access.ENROL)
    client = _client_or_404(request.args.get("client", type=int)) if staff else None
    form = _enrol_form(course, staff, client)
    member = staff and current_user.organisation is not None and services.is_member(current_user.organisation_id)
    result = []

    def enrol_person():
        if staff:
            person = services.Person(
                name=client.full_name if client else current_user.name,
                email=(client.email if client else current_user.email),
                user=None if client else current_user,
                client=client,
                role=_value(form, "role"),
                gender=_value(form, "gender"),
            )
        else:
            person = services.Person(
                name=form.name.data,
                email=form.email.data,
                organisation_name=form.organisation_name.data,
                role=_value(form, "role"),
                gender=_value(form, "gender"),
            )
        payer = services.Payer(
            name=_value(form, "payer_name"),
            business_id=_value(form, "payer_business_id"),
            contact=form.payer_contact.data,
            email=_value(form, "payer_email"),
            reference=form.payer_reference.data,
        )
        result.extend(services.enrol(current_user, course, person, payer, accept_terms=form.accept_terms.data))

    if _save(form, enrol_person):
        enrolment, token = result
        if enrolment.status is EnrolmentStatus.WAITING:
            flash(
                _(
                    "The course is full: %(name)s is on the waiting list, number %(n)d.",
                    name=enrolment.name,
                    n=services.waiting_position(enrolment),
                ),
                "warning",
            )
        else:
            flash(_("%(name)s is enrolled.", name=enrolment.name), "success")
        if token:
            return redirect(url_for("catalogue.confirmation_by_link", token=token))
        return redirect(url_for("catalogue.confirmation", enrolment_id=enrolment.id))
    price = services.price_cents(course, member)
    return render_template(
        "catalogue/enrol.html",
        form=form,
        course=course,
        client=client,
        staff=staff,
        member=member,
        price=price,
        rules=services.current_rules(),
        free_until=services.free_cancellation_until(course, services.current_rules()),
    ), (400 if form.errors or form.form_errors else 200)


def _confirmation_page(enrolment: Enrolment, token: str | None = None):
    course = enrolment.course
    return render_template(
        "catalogue/confirmation.html",
        enrolment=enrolment,
        course=course,
        token=token,
        position=services.waiting_position(enrolment),
        dates_changed=enrolment.id in queries.schedule_changed_for([enrolment], course),
        accepted_sessions=enrolment.terms.get("sessions") or [],
        charge=services.cancellation_charge(enrolment, services.today()),
        may_cancel=enrolment.active
        and enrolment.completion is None
        and (token is not None or access.can_cancel_as_participant(current_user, enrolment)),
    )


@bp.get("/enrolments/<int:enrolment_id>")
@login_required
def confirmation(enrolment_id):
    return _confirmation_page(_enrolment_or_404(enrolment_id))


def _by_link_or_404(token: str) -> Enrolment:
    enrolment = services.find_by_token(token)
    return enrolment if enrolment is not None else abort(404)


@bp.get("/e/<token>")
def confirmation_by_link(token):
    return _confirmation_page(_by_link_or_404(token), token)


def _enrolment_calendar(enrolment: Enrolment) -> Response:
    return _calendar(enrolment.course.sessions, enrolment.course.text("title"), f"enrolment-{enrolment.id}.ics")


@bp.get("/enrolments/<int:enrolment_id>/calendar.ics")
@login_required
def enrolment_calendar(enrolment_id):
    return _enrolment_calendar(_enrolment_or_404(enrolment_id))


@bp.get("/e/<token>/calendar.ics")
def enrolment_calendar_by_link(token):
    return _enrolment_calendar(_by_link_or_404(token))


def _cancel_message(charge: int) -> str:
    if charge:
        return _(
            "The enrolment is cancelled. Under the accepted terms the cancellation costs %(amount)s.",
            amount=euros(charge),
        )
    return _("The enrolment is cancelled free of charge.")


@bp.post("/enrolments/<int:enrolment_id>/cancel")
@login_required
def cancel_enrolment(enrolment_id):
    enrolment = _enrolment_or_404(enrolment_id)
    if not access.can_cancel_as_participant(current_user, enrolment):
        abort(404)
    _act(lambda: services.cancel_enrolment(current_user, enrolment), _cancel_message)
    return redirect(url_for("catalogue.confirmation", enrolment_id=enrolment.id))


@bp.post("/e/<token>/cancel")
def cancel_by_link(token):
    enrolment = _by_link_or_404(token)
    _act(lambda: services.cancel_enrolment(None, enrolment), _cancel_message)
    return redirect(url_for("catalogue.confirmation_by_link", token=token))


@bp.get("/mine")
@permissions.requires(access.ENROL)
def my_enrolments():
    rows = db.session.scalars(
        access.visible_enrolments(current_user)
        .where((Enrolment.user_id == current_user.id) | (Enrolment.enrolled_by_id == current_user.id))
        .order_by(Enrolment.enrolled_at.desc())
        .limit(200)
    ).all()
    return render_template("catalogue/mine.html", enrolments=rows)


# --- keeping courses -------------------------------------------------------------------------------------------


@bp.get("/manage")
@permissions.requires(access.PUBLISH_COURSES)
def manage():
    page = max(request.args.get("page", 1, type=int), 1)
    rows = queries.managed_course_rows(access.managed_courses(current_user), page)
    return render_template("catalogue/manage.html", rows=rows, page=page)


def _offering_choices(course: Course | None = None):
    if access.ADMIN in current_user.roles or access.can_keep_programme(current_user):
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    else:
        organisations = [current_user.organisation] if current_user.organisation else []
    if course is not None and course.organisation not in organisations:
        organisations.insert(0, course.organisation)
    return choices((org.id, org.name) for org in organisations)


def _course_form(course: Course | None = None) -> CourseForm:
    form = CourseForm(obj=course)
    form.organisation_id.choices = _offering_choices(course)
    form.languages.choices = choices((code, language_name(code)) for code in INSTRUCTION_LANGUAGES)
    form.unit_ids.choices = choices(queries.teachable_units(course))
    if not access.can_keep_programme(current_user):
        del form.programme
    if course is not None:
        del form.publish
    if request.method == "GET":
        if course is None:
            form.organisation_id.data = current_user.organisation_id
            form.contact_name.data, form.contact_email.data = current_user.name, current_user.email
            form.languages.data = ["fi"]
        else:
            for name in COURSE_TEXTS:
                for code in TEXT_LANGUAGES:
                    getattr(form, f"{name}_{code}").data = getattr(course, name).get(code)
            form.level.data = str(course.level) if course.level else ""
            form.member_fee.data = course.member_fee_cents / 100
            form.outside_fee.data = course.outside_fee_cents / 100
            form.unit_ids.data = [unit.id for unit in course.units]
        while len(form.sessions) < (len(course.sessions) if course else 0) + 2:
            form.sessions.append_entry()
    return form


def _course_fields(form: CourseForm, course: Course | None = None) -> dict:
    texts = {name: {code: getattr(form, f"{name}_{code}").data for code in TEXT_LANGUAGES} for name in COURSE_TEXTS}
    return {
        **texts,
        "organisation": db.session.get(Organisation, form.organisation_id.data or 0),
        "text_language": form.text_language.data,
        "field": form.field.data,
        "level": int(form.level.data) if form.level.data else None,
        "credits": form.credits.data,
        "mode": form.mode.data,
        "place": form.place.data,
        "seats": form.seats.data,
        "enrolment_opens_on": form.enrolment_opens_on.data,
        "enrolment_closes_on": form.enrolment_closes_on.data,
        "sessions": [services.SessionInput(**entry.data) for entry in form.sessions],
        "languages": form.languages.data or [],
        "open_to": form.open_to.data,
        "programme": form.programme.data if form.programme is not None else bool(course and course.programme),
        "graded": form.graded.data,
        "pricing_rule": form.pricing_rule.data,
        "member_fee": form.member_fee.data,
        "outside_fee": form.outside_fee.data,
        "contact_name": form.contact_name.data,
        "contact_email": form.contact_email.data,
        "contact_phone": form.contact_phone.data,
        "unit_ids": form.unit_ids.data or [],
    }


def _form_page(form, title: str, course: Course | None = None):
    return render_template(
        "catalogue/course_form.html", form=form, title=title, course=course, rules=services.current_rules()
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/manage/new", methods=["GET", "POST"])
@permissions.requires(access.PUBLISH_COURSES)
def new_course():
    form = _course_form()
    created = []
    if _save(
        form,
        lambda: created.append(services.create_course(current_user, publish=form.publish.data, **_course_fields(form))),
    ):
        flash(_("The course was saved."), "success")
        return redirect(url_for("catalogue.course_admin", course_id=created[0].id))
    return _form_page(form, _("New course"))


@bp.route("/manage/<int:course_id>/edit", methods=["GET", "POST"])
@permissions.requires(access.PUBLISH_COURSES)
def edit_course(course_id):
    course = _managed_or_404(course_id)
    form = _course_form(course)
    if _save(
        form,
        lambda: services.update_course(current_user, course, version=form.version.data, **_course_fields(form, course)),
    ):
        flash(_("The course was saved. People already enrolled keep the terms they accepted."), "success")
        return redirect(url_for("catalogue.course_admin", course_id=course.id))
    return _form_page(form, course.text("title"), course)


@bp.get("/manage/<int:course_id>")
@permissions.requires(access.PUBLISH_COURSES)
def course_admin(course_id):
    course = _managed_or_404(course_id)
    return _admin_page(course)


def _admin_page(course: Course, status: int = 200, **forms):
    enrolments = queries.course_enrolments(course.id)
    return render_template(
        "catalogue/course_admin.html",
        course=course,
        enrolments=enrolments,
        confirmed=[e for e in enrolments if e.status is EnrolmentStatus.CONFIRMED],
        waiting=[e for e in enrolments if e.status is EnrolmentStatus.WAITING],
        cancelled=[e for e in enrolments if e.status is EnrolmentStatus.CANCELLED],
        cancel_form=forms.get("cancel_form") or CancelCourseForm(formdata=None),
        completions=list(Completion),
        action_form=ActionForm(),
        changed_since=queries.schedule_changed_for(enrolments, course),
    ), status


@bp.post("/manage/<int:course_id>/publish")
@permissions.requires(access.PUBLISH_COURSES)
def publish_course(course_id):
    course = _managed_or_404(course_id)
    _act(lambda: services.publish_course(current_user, course), _("The course is published in the catalogue."))
    return redirect(url_for("catalogue.course_admin", course_id=course.id))


@bp.post("/manage/<int:course_id>/cancel")
@permissions.requires(access.PUBLISH_COURSES)
def cancel_course(course_id):
    course = _managed_or_404(course_id)
    form = CancelCourseForm()
    cancelled = []
    if _save(form, lambda: cancelled.append(services.cancel_course(current_user, course, form.reason.data))):
        flash(_("The course is cancelled; %(n)d enrolments were cancelled free of charge.", n=cancelled[0]), "success")
        return redirect(url_for("catalogue.course_admin", course_id=course.id))
    return _admin_page(course, 400, cancel_form=form)


@bp.route("/manage/<int:course_id>/participants/new", methods=["GET", "POST"])
@permissions.requires(access.PUBLISH_COURSES)
def new_participant(course_id):
    course = _managed_or_404(course_id)
    form = ParticipantForm()
    form.organisation_id.choices = choices(
        (org.id, org.name) for org in db.session.scalars(select(Organisation).order_by(Organisation.name))
    )
    if not course.programme:
        del form.role, form.gender

    def record():
        services.record_participant(
            current_user,
            course,
            services.Person(
                name=form.name.data,
                email=form.email.data,
                organisation=db.session.get(Organisation, form.organisation_id.data or 0),
                role=form.role.data if course.programme else None,
                gender=form.gender.data if course.programme else None,
            ),
        )

    if _save(form, record):
        flash(_("The participant was recorded."), "success")
        if "another" in request.form:
            return redirect(url_for("catalogue.new_participant", course_id=course.id))
        return redirect(url_for("catalogue.course_admin", course_id=course.id))
    return render_template("catalogue/participant_form.html", form=form, course=course), 400 if form.errors else 200


@bp.post("/manage/enrolments/<int:enrolment_id>/completion")
@permissions.requires(access.PUBLISH_COURSES)
def record_completion(enrolment_id):
    enrolment = _enrolment_or_404(enrolment_id)
    course = _managed_or_404(enrolment.course_id)
    form = CompletionForm()
    if _save(
        form,
        lambda: services.record_completion(
            current_user,
            enrolment,
            completion=form.completion.data,
            grade=form.grade.data,
            completed_on=form.completed_on.data,
        ),
    ):
        flash(_("Completion recorded: %(name)s.", name=enrolment.name), "success")
    else:
        for message in [*form.form_errors, *(m for f in form for m in f.errors)]:
            flash(f"{enrolment.name}: {message}", "error")
    return redirect(url_for("catalogue.course_admin", course_id=course.id) + f"#enrolment-{enrolment.id}")


@bp.post("/manage/enrolments/<int:enrolment_id>/cancel")
@permissions.requires(access.PUBLISH_COURSES)
def cancel_as_provider(enrolment_id):
    enrolment = _enrolment_or_404(enrolment_id)
    course = _managed_or_404(enrolment.course_id)
    _act(
        lambda: services.cancel_enrolment(current_user, enrolment, by_provider=True),
        _("The enrolment of %(name)s is cancelled free of charge.", name=enrolment.name),
    )
    return redirect(url_for("catalogue.course_admin", course_id=course.id))


@bp.route("/manage/import", methods=["GET", "POST"])
@permissions.requires(access.PUBLISH_COURSES)
def import_participants():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            rows = read_table(form.file.data.filename, form.file.data.stream)
        except ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            report = run_import(
                rows,
                COLUMNS,
                make_apply(current_user, access.managed_courses(current_user)),
                dry_run=not form.apply.data,
            )
            if report.ok and form.apply.data:
                db.session.commit()
                flash(_("%(n)d rows were imported.", n=len(report.applied)), "success")
                return redirect(url_for("catalogue.manage"))
            db.session.rollback()
    status = 400 if form.errors or (report and not report.ok) else 200
    return render_template(
        "import.html", form=form, columns=COLUMNS, title=TITLE, report=report, nav="catalogue/_nav.html"
    ), status


# --- reports ---------------------------------------------------------------------------------------------------


def _download(table: reports.Table, name: str, fmt: str) -> Response:
    mimetype, write = reports.FORMATS.get(fmt) or abort(404)
    return Response(
        write(table),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"', "X-Content-Type-Options": "nosniff"},
    )


@bp.get("/manage/<int:course_id>/participants.<fmt>")
@permissions.requires(access.PUBLISH_COURSES)
def participant_list(course_id, fmt):
    course = _managed_or_404(course_id)
    return _download(
        reports.participant_list(course, queries.course_enrolments(course.id)), f"participants-{course.id}", fmt
    )


def _period(with_organisation: bool = True) -> tuple[PeriodForm, date, date, int | None]:
    """The report's period (this calendar year unless chosen) and organisation, from the query string."""
    form = PeriodForm(request.args)
    courses = access.reported_courses(current_user)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(courses.with_only_columns(Course.organisation_id)))
        .order_by(Organisation.name)
    ).all()
    form.organisation.choices = choices([("", _("Any")), *((str(i), name) for i, name in organisations)])
    if not with_organisation:
        del form.organisation
    today = services.today()
    valid = form.validate()
    since = (form.since.data if valid else None) or date(today.year, 1, 1)
    until = (form.until.data if valid else None) or date(today.year, 12, 31)
    organisation = form.organisation.data if with_organisation and valid else None
    return form, since, until, int(organisation) if organisation and organisation.isdigit() else None


@bp.get("/reports")
@bp.get("/reports.<fmt>")
@permissions.requires(access.PUBLISH_COURSES)
def completion_report(fmt=None):
    form, since, until, organisation = _period()
    table = reports.completion_report(access.reported_courses(current_user), since, until, organisation)
    if fmt:
        return _download(table, f"completion-{since}-{until}", fmt)
    return render_template(
        "catalogue/report.html",
        form=form,
        table=table,
        title=_("Participants and completion"),
        endpoint="catalogue.completion_report",
    ), 400 if form.errors else 200


def _finvoice_form(lines: list[reports.BillingLine]) -> FinvoiceForm | None:
    """The e-invoice form, for a user whose organisation is owed something in the statement's period."""
    if current_user.organisation_id is None:
        return None
    by_payer = finvoice.seller_lines(lines, current_user.organisation_id)
    if not by_payer:
        return None
    form = FinvoiceForm()
    form.payer.choices = choices(
        (business_id, f"{owed[0].payer} ({business_id}), {euros(sum(line.amount_cents for line in owed))}")
        for business_id, owed in sorted(by_payer.items(), key=lambda item: item[1][0].payer.casefold())
    )
    form.by_payer = by_payer
    if not form.is_submitted():
        form.invoice_date.data = services.today()
        form.due_date.data = services.today() + timedelta(days=14)
    return form


def _billing_page(fmt=None, *, finvoice_file: bool = False):
    form, since, until, _organisation = _period(with_organisation=False)
    lines = reports.billing_lines(access.reported_courses(current_user), since, until)
    table = reports.billing_statement(lines, since, until)
    if fmt:
        return _download(table, f"billing-{since}-{until}", fmt)
    invoice_form = _finvoice_form(lines)
    if finvoice_file:
        if invoice_form is None:
            abort(404)
        result = []

        def write():
            invoicing = finvoice.Invoicing(
                invoice_form.iban.data,
                invoice_form.bic.data,
                invoice_form.invoice_number.data,
                invoice_form.invoice_date.data,
                invoice_form.due_date.data,
            )
            owed = invoice_form.by_payer.get(invoice_form.payer.data, [])
            result.append(finvoice.finvoice(current_user.organisation, owed, invoicing, since=since, until=until))

        if _save(invoice_form, write):
            return Response(
                result[0],
                mimetype="application/xml",
                headers={
                    "Content-Disposition": (
                        f'attachment; filename="finvoice-{invoice_form.invoice_number.data.strip()}.xml"'
                    ),
                    "X-Content-Type-Options": "nosniff",
                },
            )
    return render_template(
        "catalogue/report.html",
        form=form,
        table=table,
        title=_("Billing statement"),
        endpoint="catalogue.billing",
        payer_totals=reports.payer_totals(lines),
        finvoice_form=invoice_form,
    ), 400 if form.errors or (invoice_form and invoice_form.errors) else 200


@bp.get("/billing")
@bp.get("/billing.<fmt>")
@permissions.requires(access.PUBLISH_COURSES)
def billing(fmt=None):
    return _billing_page(fmt)


@bp.post("/billing/finvoice")
@permissions.requires(access.PUBLISH_COURSES)
def billing_finvoice():
    """A Finvoice e-invoice to one payer of the user's organisation's courses in the statement's period."""
    return _billing_page(finvoice_file=True)


# --- the training programme (ESF) ------------------------------------------------------------------------------


@bp.get("/programme")
@permissions.requires(permissions.VIEW_REPORTS)
def programme():
    return render_template(
        "catalogue/programme.html", rows=queries.trainings_with_counts(), trained=queries.training_figures()
    )


def network_section(user):
    """The programme's part of the network's overview page."""
    if not permissions.can(user, permissions.VIEW_REPORTS):
        return None
    return dashboard.Panel(
        "catalogue/network_section.html",
        {"trained": queries.training_figures(), "trainings": queries.trainings_with_counts()[:10]},
    )


# --- the network's rules ---------------------------------------------------------------------------------------


@bp.get("/rules")
def rules():
    return render_template("catalogue/rules.html", rules=services.current_rules())


@bp.route("/rules/edit", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_NETWORK)
def edit_rules():
    current = services.current_rules()
    form = RulesForm(obj=current)
    if request.method == "GET":
        if current is None:
            form.free_cancellation_days.data = services.DEFAULT_FREE_CANCELLATION_DAYS
            form.late_cancellation_percent.data = services.DEFAULT_LATE_CANCELLATION_PERCENT
        for name in RULES_TEXTS:
            for code in TEXT_LANGUAGES:
                getattr(form, f"{name}_{code}").data = getattr(current, name, {}).get(code) if current else None

    def save():
        texts = {name: {code: getattr(form, f"{name}_{code}").data for code in TEXT_LANGUAGES} for name in RULES_TEXTS}
        services.save_rules(
            current_user,
            free_cancellation_days=form.free_cancellation_days.data,
            late_cancellation_percent=form.late_cancellation_percent.data,
            **texts,
        )

    if _save(form, save):
        flash(_("The network's rules were saved. Enrolments made before keep the rules they accepted."), "success")
        return redirect(url_for("catalogue.rules"))
    return render_template("catalogue/rules_form.html", form=form), 400 if form.errors or form.form_errors else 200


# --- from the gap to a course ----------------------------------------------------------------------------------


def gap_courses_panel(user, assessment):
    """On a client's gap plan: the courses that teach the units still to be acquired, to enrol the client."""
    units = {item["unit"]["code"] for item in gap_plan(assessment)}
    if not units:
        return None
    today = services.today()
    courses = queries.courses_teaching(assessment.framework_version.framework_id, units, today)
    client = assessment.case.client
    statuses = queries.client_enrolment_statuses(client.id, [course.id for course, _codes in courses])
    member = user.organisation_id is not None and services.is_member(user.organisation_id, today)
    return dashboard.Panel(
        "catalogue/gap_courses.html",
        {
            "courses": courses,
            "statuses": statuses,
            "client": client,
            "units": sorted(units),
            "may_enrol": access.can_enrol_client(user, client),
            "prices": {course.id: services.price_cents(course, member) for course, _codes in courses},
        },
        order=10,
    )


# --- start page and menu ---------------------------------------------------------------------------------------


def panel(user):
    if not permissions.can(user, access.PUBLISH_COURSES):
        return None
    return dashboard.Panel(
        "catalogue/panel.html",
        {"counts": queries.managed_counts(access.managed_courses(user), services.today())},
        order=40,
    )


def nav(user):
    """One entry for everyone, visitors included; the catalogue's page leads staff on to their own pages."""
    return [dashboard.NavItem(_("Course catalogue"), url_for("catalogue.index"))]
