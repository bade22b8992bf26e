import hashlib

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from isok.accounts import bp, services, sessions
from isok.accounts.forms import ChangePasswordForm, LanguageForm, LoginForm, SetPasswordForm
from isok.extensions import db, limiter
from isok.forms import ActionForm
from isok.i18n import CLIENT_LOCALES, language_name
from isok.translation import gettext as _


def _failed_login(response) -> bool:
    return response.status_code != 302


def _address_and_account() -> str:
    """Throttle key for one address guessing one account (known or not: both are counted the same)."""
    email = request.form.get("email", "").strip().lower()
    return f"{get_remote_address()}/{hashlib.sha256(email.encode()).hexdigest()}"


def _safe_next(target: str | None) -> str:
    """Only follow a local path after login, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.home")


# Failed attempts are counted per address (one address trying many accounts) and per address and account (one
# address trying one account). The account itself is never locked, so its owner elsewhere can always log in.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_login)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], key_func=_address_and_account,
               methods=["POST"], deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # the audit trail keeps the failed attempt on a known account
            form.password.errors.append(_("Email or password is not correct."))
        else:
            services.log_in(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


@bp.post("/logout")
@login_required
def logout():
    services.log_out(current_user)
    db.session.commit()
    return redirect(url_for("accounts.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    form.locale.choices = list(CLIENT_LOCALES)
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(current_user, form.locale.data)
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your password was changed. Other sessions ended: %(n)d.", n=ended), "success")
            return redirect(url_for("accounts.account"))
    status = 400 if form.errors else 200
    return render_template("accounts/account.html", form=form, sessions=sessions.active_sessions(current_user),
                           current_session=sessions.current(), end_form=ActionForm(),
                           language_name=language_name), status


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id):
    try:
        services.end_session(current_user, session_id)
    except services.AccountError:
        abort(404)
    db.session.commit()
    flash(_("The session was ended."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token):
    link = services.password_link(token)
    if link is None:
        return render_template("accounts/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_from_link(link, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your password is set. You can now log in."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, user=link.user), 400 if form.errors else 200
