from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from isok import hooks, permissions, routing
from isok.accounts import admin_bp as bp
from isok.accounts import second_factor, services
from isok.accounts.forms import AuditFilterForm, OrganisationForm, UserForm
from isok.accounts.models import Organisation, Role, User
from isok.audit import AuditEntry
from isok.extensions import db
from isok.forms import ActionForm, choices
from isok.translation import gettext as _

PAGE_SIZE = 50


def _organisation_choices():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return choices([(0, _("No organisation"))] + [(org.id, org.name) for org in organisations])


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


# --- users -----------------------------------------------------------------------------------------------------


@bp.get("/users")
@permissions.requires(permissions.MANAGE_USERS)
def users():
    query = request.args.get("q", "").strip()
    stmt = select(User).order_by(User.name)
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern)))
    return render_template("accounts/users.html", users=db.session.scalars(stmt).all(), query=query)


def _save_user(form: UserForm, user: User | None):
    organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
    roles = {Role(value) for value in form.roles.data}
    fields = {"email": form.email.data, "name": form.name.data, "roles": roles, "organisation": organisation}
    if user is None:
        return services.create_user(current_user, **fields)
    services.update_user(current_user, user, **fields)
    return user


@bp.route("/users/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_USERS)
def new_user():
    form = UserForm()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            user = _save_user(form, None)
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            token = services.issue_password_link(current_user, user)
            db.session.commit()
            return render_template("accounts/password_link.html", user=user, token=token)
    return render_template("accounts/user_form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_USERS)
def edit_user(user_id):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    form.organisation_id.choices = _organisation_choices()
    if request.method == "GET":
        form.roles.data = [role.value for role in user.roles]
        form.organisation_id.data = user.organisation_id or 0
    if form.validate_on_submit():
        try:
            _save_user(form, user)
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The user was saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        action_form=ActionForm(),
        totp=second_factor.credential(user),
        second_factor_required=second_factor.required(user),
    ), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/active")
@permissions.requires(permissions.MANAGE_USERS)
def set_active(user_id):
    user = _user_or_404(user_id)
    try:
        services.set_active(current_user, user, request.form.get("active") == "1")
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _("The user can now log in.") if user.active else _("The user was deactivated and logged out."), "success"
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password-link")
@permissions.requires(permissions.MANAGE_USERS)
def password_link(user_id):
    user = _user_or_404(user_id)
    token = services.issue_password_link(current_user, user)
    db.session.commit()
    return render_template("accounts/password_link.html", user=user, token=token)


@bp.post("/users/<int:user_id>/second-factor/reset")
@permissions.requires(permissions.MANAGE_USERS)
def reset_second_factor(user_id):
    user = _user_or_404(user_id)
    if ActionForm().validate_on_submit():
        second_factor.reset(current_user, user)
        db.session.commit()
        flash(_("The second factor was reset and the user's sessions ended."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


# --- organisations ---------------------------------------------------------------------------------------------


@bp.get("/organisations")
@permissions.requires(permissions.MANAGE_ORGANISATIONS)
def organisations():
    rows = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("accounts/organisations.html", organisations=rows)


def _organisation_fields(form: OrganisationForm) -> dict:
    return {name: getattr(form, name).data for name in services.ORGANISATION_FIELDS}


@bp.route("/organisations/new", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_ORGANISATIONS)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            services.create_organisation(current_user, **_organisation_fields(form))
        except services.AccountError as error:
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The organisation was saved."), "success")
            return redirect(url_for("admin.organisations"))
    return render_template("accounts/organisation_form.html", form=form, organisation=None), (
        400 if form.errors else 200
    )


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@permissions.requires(permissions.MANAGE_ORGANISATIONS)
def edit_organisation(organisation_id):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.type.data = organisation.type.value
        form.size_class.data = organisation.size_class.value if organisation.size_class else ""
    if form.validate_on_submit():
        try:
            services.update_organisation(current_user, organisation, **_organisation_fields(form))
        except services.AccountError as error:
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The organisation was saved."), "success")
            return redirect(url_for("admin.organisations"))
    return render_template(
        "accounts/organisation_form.html",
        form=form,
        organisation=organisation,
        panels=hooks.organisation_panels(current_user, organisation),
    ), 400 if form.errors else 200


# --- audit trail -----------------------------------------------------------------------------------------------


@bp.get("/audit")
@permissions.requires(permissions.VIEW_AUDIT)
def audit_log():
    form = AuditFilterForm(request.args)
    form.validate()
    page = routing.page_number(PAGE_SIZE)
    stmt = select(AuditEntry, User).outerjoin(User, AuditEntry.actor_id == User.id).order_by(AuditEntry.id.desc())
    if form.action.data:
        stmt = stmt.where(AuditEntry.action == form.action.data.strip())
    if form.object_type.data:
        stmt = stmt.where(AuditEntry.object_type == form.object_type.data.strip())
    if form.actor.data:
        pattern = f"%{form.actor.data.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern)))
    if not form.include_views.data:
        stmt = stmt.where(AuditEntry.action != "view")
    rows = db.session.execute(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "accounts/audit.html", form=form, rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE
    )
