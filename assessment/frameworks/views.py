from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assessment import bp
from assessment.frameworks import access, services
from assessment.frameworks.forms import (
    ImportForm,
    NewFrameworkForm,
    OutcomeForm,
    UnitForm,
    VersionForm,
    fill_texts,
    outcome_form_class,
    texts_of,
)
from assessment.frameworks.models import AssessmentScale, Framework, FrameworkUnit, FrameworkVersion, LearningOutcome
from isok import dashboard, permissions
from isok.extensions import db
from isok.forms import ActionForm, choices
from isok.i18n import localized
from isok.translation import gettext as _


def _version_or_404(version_id: int) -> FrameworkVersion:
    stmt = access.visible_framework_versions(current_user).where(FrameworkVersion.id == version_id)
    return db.session.scalar(stmt) or abort(404)


def _unit_or_404(unit_id: int) -> FrameworkUnit:
    unit = db.session.get(FrameworkUnit, unit_id) or abort(404)
    _version_or_404(unit.version_id)
    return unit


def _outcome_or_404(outcome_id: int) -> LearningOutcome:
    outcome = db.session.get(LearningOutcome, outcome_id) or abort(404)
    _unit_or_404(outcome.unit_id)
    return outcome


def _scale_choices():
    return choices((scale.id, localized(scale.name)) for scale in services.all_scales())


def _attempt(change, done: str) -> bool:
    """Make a change that the framework rules may refuse: commit it and say so, or say why it was refused."""
    try:
        change()
    except services.FrameworkError as error:
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(done, "success")
    return True


def _put_error(form, error: services.FrameworkError, default: str) -> None:
    getattr(form, error.field if error.field and hasattr(form, error.field) else default).errors.append(str(error))


# --- lists and pages -------------------------------------------------------------------------------------------


@bp.get("/frameworks")
@permissions.requires(permissions.VIEW_FRAMEWORKS)
def frameworks():
    versions = db.session.scalars(
        access.visible_framework_versions(current_user)
        .join(Framework)
        .order_by(Framework.code, FrameworkVersion.number.desc())
    ).all()
    grouped: dict[Framework, list[FrameworkVersion]] = {}
    for version in versions:
        grouped.setdefault(version.framework, []).append(version)
    return render_template("assessment/frameworks/list.html", grouped=grouped)


def _render_version(version, unit_form=None, status=200):
    unit_form = unit_form or UnitForm(formdata=None)
    return render_template(
        "assessment/frameworks/version.html",
        version=version,
        unit_form=unit_form,
        action_form=ActionForm(),
        in_use=services.version_in_use(version),
    ), status


@bp.get("/frameworks/versions/<int:version_id>")
@permissions.requires(permissions.VIEW_FRAMEWORKS)
def version(version_id):
    return _render_version(_version_or_404(version_id))


@bp.get("/frameworks/versions/<int:version_id>/export")
@permissions.requires(permissions.VIEW_FRAMEWORKS)
def export_version(version_id):
    version = _version_or_404(version_id)
    filename = f"{version.framework.code}-v{version.number}.json"
    return Response(
        services.export_json(version),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- creating and importing ------------------------------------------------------------------------------------


def _version_fields(form: VersionForm) -> dict:
    return {
        "name": texts_of(form, "name"),
        "field": texts_of(form, "field"),
        "source": form.source.data,
        "scale": db.session.get(AssessmentScale, form.scale_id.data),
    }


@bp.route("/frameworks/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def new_framework():
    form = NewFrameworkForm()
    form.scale_id.choices = _scale_choices()
    if form.validate_on_submit():
        try:
            version = services.create_framework(current_user, code=form.code.data.strip(), **_version_fields(form))
        except services.FrameworkError as error:
            _put_error(form, error, "code")
        else:
            db.session.commit()
            flash(_("The framework was created as a draft."), "success")
            return redirect(url_for("assessment.version", version_id=version.id))
    return render_template("assessment/frameworks/version_form.html", form=form, version=None), (
        400 if form.errors else 200
    )


@bp.route("/frameworks/import", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def import_framework():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            version = services.import_framework(current_user, form.file.data.read())
        except services.FrameworkImportError as error:
            problems = error.problems
            form.file.errors.append(_("The file was not imported; nothing was changed."))
        else:
            db.session.commit()
            flash(
                _("Imported %(code)s as draft version %(n)d.", code=version.framework.code, n=version.number), "success"
            )
            return redirect(url_for("assessment.version", version_id=version.id))
    return render_template("assessment/frameworks/import.html", form=form, problems=problems), (
        400 if form.errors else 200
    )


# --- editing drafts --------------------------------------------------------------------------------------------


@bp.route("/frameworks/versions/<int:version_id>/edit", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def edit_version(version_id):
    version = _version_or_404(version_id)
    form = VersionForm(obj=version if request.method == "GET" else None)
    form.scale_id.choices = _scale_choices()
    if request.method == "GET":
        for prefix in ("name", "field"):
            fill_texts(form, prefix, getattr(version, prefix))
    if form.validate_on_submit():
        try:
            services.update_version(current_user, version, **_version_fields(form))
        except services.FrameworkError as error:
            _put_error(form, error, "name_fi")
        else:
            db.session.commit()
            flash(_("The version was saved."), "success")
            return redirect(url_for("assessment.version", version_id=version.id))
    return render_template("assessment/frameworks/version_form.html", form=form, version=version), (
        400 if form.errors else 200
    )


@bp.post("/frameworks/versions/<int:version_id>/units")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def add_unit(version_id):
    version = _version_or_404(version_id)
    form = UnitForm()
    if form.validate_on_submit():
        try:
            services.add_unit(
                current_user,
                version,
                code=form.code.data.strip(),
                name=texts_of(form, "name"),
                credits=form.credits.data,
            )
        except services.FrameworkError as error:
            _put_error(form, error, "name_fi")
        else:
            db.session.commit()
            return redirect(url_for("assessment.version", version_id=version.id))
    return _render_version(version, form, 400)


def _render_unit(unit, form=None, outcome_form=None, status=200):
    if form is None:
        form = UnitForm(formdata=None, obj=unit)
        fill_texts(form, "name", unit.name)
    return render_template(
        "assessment/frameworks/unit.html",
        unit=unit,
        version=unit.version,
        form=form,
        outcome_form=outcome_form or OutcomeForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/frameworks/units/<int:unit_id>", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def edit_unit(unit_id):
    unit = _unit_or_404(unit_id)
    if request.method == "GET":
        return _render_unit(unit)
    form = UnitForm()
    if form.validate_on_submit():
        try:
            services.update_unit(
                current_user, unit, code=form.code.data.strip(), name=texts_of(form, "name"), credits=form.credits.data
            )
        except services.FrameworkError as error:
            _put_error(form, error, "name_fi")
        else:
            db.session.commit()
            flash(_("The unit was saved."), "success")
            return redirect(url_for("assessment.version", version_id=unit.version_id))
    return _render_unit(unit, form=form, status=400)


@bp.post("/frameworks/units/<int:unit_id>/delete")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def delete_unit(unit_id):
    unit = _unit_or_404(unit_id)
    version_id = unit.version_id
    _attempt(lambda: services.delete_unit(current_user, unit), _("The unit was removed from the draft."))
    return redirect(url_for("assessment.version", version_id=version_id))


@bp.post("/frameworks/units/<int:unit_id>/outcomes")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def add_outcome(unit_id):
    unit = _unit_or_404(unit_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            outcome = services.add_outcome(current_user, unit, code=form.code.data.strip(), text=texts_of(form, "text"))
        except services.FrameworkError as error:
            _put_error(form, error, "text_fi")
        else:
            db.session.commit()
            return redirect(url_for("assessment.edit_outcome", outcome_id=outcome.id))
    return _render_unit(unit, outcome_form=form, status=400)


@bp.route("/frameworks/outcomes/<int:outcome_id>", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def edit_outcome(outcome_id):
    outcome = _outcome_or_404(outcome_id)
    version = outcome.unit.version
    levels = version.scale.levels
    form = outcome_form_class(levels)(formdata=None if request.method == "GET" else request.form)
    if request.method == "GET":
        form.code.data = outcome.code
        fill_texts(form, "text", outcome.text)
        existing = {criterion.level_code: criterion.text for criterion in outcome.criteria}
        for level in levels:
            fill_texts(form, f"criterion_{level.rank}", existing.get(level.code))
    if form.validate_on_submit():
        criteria = {level.code: texts_of(form, f"criterion_{level.rank}") for level in levels}
        try:
            services.update_outcome(
                current_user, outcome, code=form.code.data.strip(), text=texts_of(form, "text"), criteria=criteria
            )
        except services.FrameworkError as error:
            _put_error(form, error, "text_fi")
        else:
            db.session.commit()
            flash(_("The learning outcome was saved."), "success")
            return redirect(url_for("assessment.version", version_id=version.id))
    return render_template(
        "assessment/frameworks/outcome.html",
        outcome=outcome,
        version=version,
        levels=levels,
        form=form,
        action_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.post("/frameworks/outcomes/<int:outcome_id>/delete")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def delete_outcome(outcome_id):
    outcome = _outcome_or_404(outcome_id)
    version_id = outcome.unit.version_id
    _attempt(
        lambda: services.delete_outcome(current_user, outcome), _("The learning outcome was removed from the draft.")
    )
    return redirect(url_for("assessment.version", version_id=version_id))


# --- the life of a version -------------------------------------------------------------------------------------


@bp.post("/frameworks/versions/<int:version_id>/publish")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def publish_version(version_id):
    version = _version_or_404(version_id)
    _attempt(
        lambda: services.publish_version(current_user, version), _("Version %(n)d was published.", n=version.number)
    )
    return redirect(url_for("assessment.version", version_id=version.id))


@bp.post("/frameworks/versions/<int:version_id>/draft")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def new_draft(version_id):
    draft = services.start_new_draft(current_user, _version_or_404(version_id))
    db.session.commit()
    flash(_("Edit draft version %(n)d; the published version stays as it is.", n=draft.number), "success")
    return redirect(url_for("assessment.version", version_id=draft.id))


@bp.post("/frameworks/versions/<int:version_id>/delete")
@permissions.requires(permissions.MANAGE_FRAMEWORKS)
def delete_draft(version_id):
    version = _version_or_404(version_id)
    if _attempt(lambda: services.delete_draft(current_user, version), _("The draft was deleted.")):
        return redirect(url_for("assessment.frameworks"))
    return redirect(url_for("assessment.version", version_id=version.id))


# --- menu ------------------------------------------------------------------------------------------------------


def nav(user):
    if permissions.can(user, permissions.VIEW_FRAMEWORKS):
        return [dashboard.NavItem(_("Qualifications"), url_for("assessment.frameworks"))]
    return []
