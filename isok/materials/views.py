"""The material bank's pages: thin routes that load (404 for what the user may not see), call a service, commit
once."""

from babel.core import UnknownLocaleError
from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from assessment.frameworks.models import CaseQualification, FrameworkUnit
from isok import dashboard, permissions, security, storage
from isok.accounts.models import Organisation
from isok.catalogue.models import Field
from isok.database import begin_write
from isok.extensions import db
from isok.forms import apply, choices
from isok.i18n import language_name
from isok.materials import access, bp, feeds, queries, services, streaming
from isok.materials.collection import COLLECTION_MATERIALS, write_zip
from isok.materials.forms import (
    OPEN_LANGUAGES,
    TEXT_LANGUAGES,
    FileForm,
    MaterialForm,
    ReportForm,
    SearchForm,
    WithdrawForm,
)
from isok.materials.models import Audience, Kind, Licence, Material, MaterialFile
from isok.translation import gettext as _

PREVIEW_MAX_AGE = 24 * 3600
UPLOADS = {"materials.new_material", "materials.add_file", "materials.replace_file"}


def content_language(code: str) -> str:
    """A content language's name in its own tongue, or its code for a language Babel does not know."""
    try:
        return language_name(code)
    except (ValueError, UnknownLocaleError):
        return code


def _locale() -> str:
    return str(get_locale() or "fi")


def allow_media_uploads() -> None:
    """Let the bank's upload forms carry a video: their requests may be as large as a sound or video file may be
    (ISOK_MAX_MEDIA_MB); every other request keeps the application's limit. Runs before the CSRF check reads the
    form."""
    if request.endpoint in UPLOADS:
        request.max_content_length = max(
            current_app.config["MAX_CONTENT_LENGTH"] or 0, (current_app.config["MAX_MEDIA_MB"] + 1) * 1024 * 1024
        )


def _usable_or_404(material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or not access.could_use(current_user, material):
        abort(404)
    return material


def _kept_or_404(material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or not access.can_keep(current_user, material):
        abort(404)
    return material


# --- finding ---------------------------------------------------------------------------------------------------


def _number(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _filters(form: SearchForm) -> queries.Filters:
    return queries.Filters(
        q=(form.q.data or "").strip(),
        kind=form.kind.data or "",
        field=form.field.data or "",
        unit=_number(form.unit.data),
        language=form.language.data or "",
        audience=form.audience.data or "",
        licence=form.licence.data or "",
        organisation=_number(form.organisation.data),
        tag=request.args.get("tag", "")[:60],
    )


def _facet_choices(form: SearchForm, found: dict) -> None:
    """Each facet's select offers the values found, with their counts, and keeps the one chosen."""
    names = queries.organisation_names([int(v) for v, _n in found["organisation"]])
    units = queries.unit_labels([int(v) for v, _n in found["unit"]])
    labels = {
        "kind": lambda v: Kind(v).label,
        "field": Field.label_of,
        "language": content_language,
        "audience": Audience.label_of,
        "licence": Licence.label_of,
        "organisation": lambda v: names.get(int(v), v),
        "unit": lambda v: units.get(int(v), v),
    }
    for name, label in labels.items():
        offered = [(value, f"{label(value)} ({count})") for value, count in found[name]]
        chosen = form[name].data
        if chosen and chosen not in {value for value, _label in offered}:
            offered.append((chosen, f"{label(chosen) if name not in ('organisation', 'unit') else chosen} (0)"))
        form[name].choices = choices([("", _("Any")), *offered])


@bp.get("/")
def index():
    form = SearchForm(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    filters = _filters(form)
    results = queries.find(current_user, filters, page)
    _facet_choices(form, results.facets)
    valid = not request.args or form.validate()
    return render_template(
        "materials/index.html",
        form=form,
        materials=results.materials if valid else [],
        languages=results.languages,
        previews=results.previews,
        page=page,
        has_next=valid and results.has_next,
        args=request.args.to_dict(),
        tag=filters.tag,
        may_share=permissions.can(current_user, access.SHARE_MATERIALS),
    ), 200 if valid else 400


@bp.get("/collection.zip")
def collection():
    """The materials of a search (the first of them) with their files and metadata, as one ZIP. A filter's value
    that is not one of its choices matches nothing, as in the search."""
    results = queries.find(
        current_user, _filters(SearchForm(request.args)), per_page=COLLECTION_MATERIALS, with_files=True
    )
    page_url = lambda m: url_for("materials.material", material_id=m.id, _external=True)  # noqa: E731
    metadata = feeds.collection_jsonld(
        [(material, page_url(material)) for material in results.materials],
        file_url=lambda f: _file_url(f, download=1),
        locale=_locale(),
    )
    archive, included = write_zip(results.materials, metadata)
    begin_write(db.session)  # each material whose files go out is downloaded once
    services.count_downloads(included)
    db.session.commit()
    return send_file(archive, mimetype="application/zip", as_attachment=True, download_name="materials.zip")


@bp.get("/feed.atom")
def feed():
    field, tag = request.args.get("field", "")[:2], request.args.get("tag", "")[:60]
    if field and field not in {f.value for f in Field}:
        abort(404)
    locale = _locale()
    title = _("The network's material bank")
    if field:
        title = f"{title}: {Field(field).label}"
    if tag:
        title = f"{title}: {tag}"
    body = feeds.atom_feed(
        queries.latest_public(field, tag),
        feed_url=request.url,
        site_url=url_for("materials.index", _external=True),
        material_url=lambda m: url_for("materials.material", material_id=m.id, _external=True),
        title=title,
        locale=locale,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/figures")
@permissions.requires(access.USE_MATERIALS)
def figures():
    return render_template("materials/figures.html", rows=queries.downloads_by_organisation())


# --- a material ------------------------------------------------------------------------------------------------


def _file_url(file: MaterialFile, **kwargs) -> str:
    return url_for("materials.file", file_id=file.id, _external=True, **kwargs)


@bp.get("/<int:material_id>")
def material(material_id):
    return _material_page(_usable_or_404(material_id))


def _material_page(record: Material, status: int = 200, **forms):
    """The material's page with its forms: fresh ones, or the one just sent back with its errors and its text."""
    keeping = access.can_keep(current_user, record)
    if record.withdrawn and not keeping:
        return render_template("materials/withdrawn.html", material=record), 410
    url = url_for("materials.material", material_id=record.id, _external=True)
    history = [file for file in record.files if file.superseded_at is not None]
    return render_template(
        "materials/material.html",
        material=record,
        keeping=keeping,
        history=history,
        jsonld=feeds.jsonld(record, url=url, file_url=lambda f: _file_url(f, download=1), locale=_locale()),
        file_form=forms.get("file_form") or FileForm(),
        replace_form=forms.get("replace_form"),
        replacing=forms.get("replacing"),
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(),
        report_form=forms.get("report_form") or ReportForm(),
        reports=services.problem_reports(record) if keeping else [],
    ), status


def _material_form(material: Material | None = None) -> MaterialForm:
    form = MaterialForm(obj=None)
    organisations = (
        db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        if access.ADMIN in current_user.roles
        else [current_user.organisation]
    )
    form.organisation_id.choices = [(o.id, o.name) for o in organisations if o is not None]
    form.text_language.choices = choices((code, language_name(code)) for code in TEXT_LANGUAGES)
    form.languages.choices = choices((code, language_name(code)) for code in TEXT_LANGUAGES)
    form.unit_ids.choices = queries.units_choices()
    if request.method == "GET":
        if material is None:
            form.organisation_id.data = current_user.organisation_id
            form.text_language.data = _locale()
            form.languages.data = [_locale()]
        else:
            form.organisation_id.data = material.organisation_id
            form.text_language.data = material.text_language
            for code in TEXT_LANGUAGES:
                form[f"title_{code}"].data = material.title.get(code, "")
                form[f"description_{code}"].data = material.description.get(code, "")
            form.kind.data = material.kind.value
            form.field.data = material.field.value if material.field else ""
            form.unit_ids.data = [unit.id for unit in material.units]
            form.languages.data = [code for code in material.languages if code in TEXT_LANGUAGES]
            form.other_languages.data = ", ".join(code for code in material.languages if code not in TEXT_LANGUAGES)
            form.audiences.data = [audience.value for audience in material.audiences]
            form.licence.data = material.licence.value
            form.tags.data = ", ".join(material.tags)
            form.link.data = material.link or ""
            form.version.data = material.version
    return form


def _description(form: MaterialForm) -> services.Description:
    return services.Description(
        title={code: form[f"title_{code}"].data for code in TEXT_LANGUAGES},
        description={code: form[f"description_{code}"].data for code in TEXT_LANGUAGES},
        text_language=form.text_language.data,
        kind=form.kind.data,
        field=form.field.data or None,
        languages=[*(form.languages.data or []), *(form.other_languages.data or "").split(",")],
        audiences=form.audiences.data or [],
        licence=form.licence.data or None,
        tags=services.parse_tags(form.tags.data),
        link=form.link.data,
        unit_ids=form.unit_ids.data or [],
    )


def _form_page(form: MaterialForm, material: Material | None, status: int):
    return render_template(
        "materials/form.html",
        form=form,
        material=material,
        open_languages=OPEN_LANGUAGES,
        more_languages=[c for c in TEXT_LANGUAGES if c not in OPEN_LANGUAGES],
        title=_("Edit the material") if material else _("Share a material"),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@permissions.requires(access.SHARE_MATERIALS)
def new_material():
    form = _material_form()

    def share():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        material = services.share_material(current_user, organisation, _description(form))
        upload = form.file.data
        if upload and upload.filename:
            services.add_file(current_user, material, upload.filename, upload.stream)
        return material

    if apply(form, share):
        flash(_("The material is in the bank, for the whole network."), "success")
        return redirect(url_for("materials.material", material_id=form.result.id))
    return _form_page(form, None, form.status)


@bp.route("/<int:material_id>/edit", methods=["GET", "POST"])
@permissions.requires(access.SHARE_MATERIALS)
def edit_material(material_id):
    record = _kept_or_404(material_id)
    form = _material_form(record)
    del form.file
    if apply(form, lambda: services.edit_material(current_user, record, _description(form), form.version.data)):
        flash(_("The material was saved."), "success")
        return redirect(url_for("materials.material", material_id=record.id))
    return _form_page(form, record, form.status)


@bp.post("/<int:material_id>/files")
@permissions.requires(access.SHARE_MATERIALS)
def add_file(material_id):
    record = _kept_or_404(material_id)
    form = FileForm()
    upload = form.file.data
    if apply(
        form, lambda: services.add_file(current_user, record, upload.filename, upload.stream), default_field="file"
    ):
        flash(_("The file was saved."), "success")
        return redirect(url_for("materials.material", material_id=record.id))
    return _material_page(record, form.status, file_form=form)


@bp.post("/files/<int:file_id>/replace")
@permissions.requires(access.SHARE_MATERIALS)
def replace_file(file_id):
    file = db.session.get(MaterialFile, file_id)
    if file is None or not access.can_keep(current_user, file.material):
        abort(404)
    form = FileForm()
    upload = form.file.data
    record = file.material
    if apply(
        form, lambda: services.replace_file(current_user, file, upload.filename, upload.stream), default_field="file"
    ):
        flash(_("The file was saved."), "success")
        return redirect(url_for("materials.material", material_id=record.id))
    return _material_page(record, form.status, replace_form=form, replacing=file_id)


@bp.get("/files/<int:file_id>")
def file(file_id):
    """A file, streamed with range requests (audio and video seek; nothing is read whole): pictures, sound and video
    play in the page, everything else is downloaded."""
    record = db.session.get(MaterialFile, file_id)
    if record is None or not access.can_use(current_user, record.material) or not storage.exists(record.sha256):
        abort(404)
    download = request.args.get("download") == "1" or record.plays is None
    if download and not request.range:
        begin_write(db.session)  # a download is counted: this read page writes one figure
        services.count_downloads([record.material])
        db.session.commit()
    response = streaming.file_response(
        request, record.sha256, record.size, record.media_type, attachment=download, name=record.name
    )
    response.cache_control.max_age = 0
    if not record.material.licence.public:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/files/<int:file_id>/preview")
def preview(file_id):
    """A file's small picture, seen by whoever may open the file; kept a day by the browser (the digest is its
    ETag), and by shared caches too when the material's licence is public."""
    record = db.session.get(MaterialFile, file_id)
    if record is None or record.preview_sha256 is None or not access.can_use(current_user, record.material):
        abort(404)
    try:
        data = storage.read_bytes(record.preview_sha256)
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype="image/webp")
    response.set_etag(record.preview_sha256)
    response.cache_control.max_age = PREVIEW_MAX_AGE
    response.cache_control.public = record.material.licence.public
    response.cache_control.private = not record.material.licence.public
    return security.cacheable_when_signed_in(response.make_conditional(request))


@bp.post("/<int:material_id>/withdraw")
@permissions.requires(access.WITHDRAW_MATERIALS)
def withdraw(material_id):
    record = _usable_or_404(material_id)
    form = WithdrawForm()
    if apply(form, lambda: services.withdraw(current_user, record, form.reason.data), default_field="reason"):
        flash(_("The material was withdrawn."), "success")
        return redirect(url_for("materials.material", material_id=record.id))
    return _material_page(record, form.status, withdraw_form=form)


@bp.post("/<int:material_id>/report")
@permissions.requires(access.USE_MATERIALS)
def report_problem(material_id):
    record = _usable_or_404(material_id)
    form = ReportForm()
    if apply(form, lambda: services.report_problem(current_user, record, form.text.data), default_field="text"):
        flash(_("Thank you: the organisation that shares the material was told."), "success")
        return redirect(url_for("materials.material", material_id=record.id))
    return _material_page(record, form.status, report_form=form)


# --- at hand in every step -------------------------------------------------------------------------------------

STEP_KINDS = {
    "interview": (Kind.INTERVIEW_GUIDE, Kind.CRITERIA),
    "placement": (Kind.CRITERIA,),
    "self_assessment": (Kind.GLOSSARY, Kind.PICTURES, Kind.SELF_ASSESSMENT, Kind.AUDIO, Kind.VIDEO),
    "portfolio": (Kind.GLOSSARY, Kind.PICTURES),
}


def _step_units(case, units) -> tuple[int | None, set[str]]:
    """The framework and the unit codes a step is about: its own units, or the case's target qualification's."""
    if units:
        return units[0].version.framework_id, {unit.code for unit in units}
    qualification = db.session.scalar(select(CaseQualification).where(CaseQualification.case_id == case.id))
    if qualification is None:
        return None, set()
    codes = db.session.scalars(select(FrameworkUnit.code).where(FrameworkUnit.version_id == qualification.version_id))
    return qualification.version.framework_id, set(codes)


def step_panel(user, step: str, case, units):
    """The bank's materials for the units of a step, those in the client's language first."""
    framework_id, codes = _step_units(case, units)
    if framework_id is None:
        return None
    materials = queries.for_units(user, framework_id, codes, STEP_KINDS[step])
    if not materials:
        return None
    language = case.client.preferred_language
    materials.sort(key=lambda m: (m.withdrawn, language not in m.languages))
    return dashboard.Panel("materials/_step_panel.html", {"materials": materials, "language": language}, order=60)


# --- the start page and the menu -------------------------------------------------------------------------------


def panel(user):
    if not permissions.can(user, access.SHARE_MATERIALS):
        return None
    return dashboard.Panel("materials/panel.html", {"counts": queries.kept_counts(user)}, order=45)


def nav(user):
    """The bank for everyone: visitors find its public materials, staff and clients what is meant for them."""
    return [dashboard.NavItem(_("Material bank"), url_for("materials.index"))]
