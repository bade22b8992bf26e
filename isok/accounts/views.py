import hashlib

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from isok.accounts import bp, second_factor, services, sessions
from isok.accounts.forms import (
    AuthenticatorCodeForm,
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    SecondFactorForm,
    SetPasswordForm,
)
from isok.extensions import db, limiter
from isok.forms import ActionForm
from isok.i18n import CLIENT_LOCALES, language_name, speak_to
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
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    key_func=_address_and_account,
    methods=["POST"],
    deduct_when=_failed_login,
)
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
            step = second_factor.step_after_password(user)
            if step is None:
                services.log_in(user)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
            sessions.hold(user, request.args.get("next"))
            db.session.commit()  # a password rehash, if any
            return redirect(url_for("accounts.verify_code" if step is second_factor.Step.VERIFY else "accounts.enrol"))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


# --- the second step of the login ---------------------------------------------------------------------------------
# Between a right password and a right code the browser holds only a note of who is on the way (sessions.hold): it is
# not logged in, so every other page answers as to a visitor. Failed codes are counted per account (whoever tries
# has the password) and per address, like passwords; the account is never locked.


def _code_account() -> str:
    """Throttle key for codes tried on one account: the one waiting for its second step, or the logged-in one."""
    pending = session.get(sessions.PENDING) or {}
    user_id = pending.get("user") or (current_user.id if current_user.is_authenticated else None)
    return f"second-factor/{user_id}"


def _code_refused(response) -> bool:
    return response.status_code >= 400


def _finish_login(user, method: str | None = None):
    """Replace the waiting session with a logged-in one (a new session: what the browser held before is gone)."""
    next_url = sessions.pending_next()
    services.log_in(user, second_factor=method)
    return _safe_next(next_url)


def _code_limits(view):
    view = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_code_refused)(
        view
    )
    return limiter.limit(
        lambda: current_app.config["SECOND_FACTOR_RATE_LIMIT"],
        key_func=_code_account,
        methods=["POST"],
        deduct_when=_code_refused,
    )(view)


@bp.route("/login/code", methods=["GET", "POST"])
@_code_limits
def verify_code():
    user = sessions.pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if second_factor.credential(user) is None:
        return redirect(url_for("accounts.enrol"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        method = second_factor.check(user, form.code.data)
        if method is None:
            db.session.commit()  # the audit trail keeps the failed attempt
            form.code.errors.append(_("This code is not right, or it was already used."))
        else:
            target = _finish_login(user, method)
            left = second_factor.recovery_codes_left(user)
            db.session.commit()
            if method == "recovery_code":
                flash(
                    _("You used a recovery code; %(n)d are left. You can make new ones on your account page.", n=left),
                    "warning",
                )
            return redirect(target)
    return render_template("accounts/verify_code.html", form=form, cancel_form=ActionForm()), (
        200 if request.method == "GET" else 400
    )


def _offered_secret(user) -> str:
    """The secret offered for enrolment, kept (encrypted) in the browser's session until it is confirmed, so that
    reloading the page does not change the QR code already scanned."""
    held = session.get("enrol_secret")
    secret = second_factor.unseal(second_factor.decode(held), user.id, "enrol") if held else None
    if secret is None:
        secret = second_factor.new_secret()
        session["enrol_secret"] = second_factor.encode(second_factor.seal(secret, user.id, "enrol"))
    return secret


def _enrol_page(user, form, *, during_login: bool):
    secret = _offered_secret(user)
    uri = second_factor.provisioning_uri(secret, user)
    return render_template(
        "accounts/enrol.html",
        form=form,
        during_login=during_login,
        secret=second_factor.grouped(secret),
        qr=second_factor.qr_svg(uri, _("QR code to scan with your authenticator app")),
        optional=not second_factor.required(user),
        action_form=ActionForm(),
    ), 200 if request.method == "GET" else 400


@bp.route("/login/enrol", methods=["GET", "POST"])
@_code_limits
def enrol():
    user = sessions.pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if second_factor.credential(user) is not None:
        return redirect(url_for("accounts.verify_code"))
    form = AuthenticatorCodeForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enrol(user, _offered_secret(user), form.code.data)
        except second_factor.SecondFactorError as error:
            form.code.errors.append(str(error))
        else:
            target = _finish_login(user, "totp")
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, next_url=target)
    return _enrol_page(user, form, during_login=True)


@bp.post("/login/skip")
def skip_second_factor():
    user = sessions.pending_user()
    if user is None or not ActionForm().validate_on_submit():
        return redirect(url_for("accounts.login"))
    if second_factor.credential(user) is not None or second_factor.required(user):
        return redirect(url_for("accounts.verify_code" if second_factor.credential(user) else "accounts.enrol"))
    second_factor.skip(user)
    target = _finish_login(user)
    db.session.commit()
    return redirect(target)


@bp.post("/login/cancel")
def cancel_login():
    """Leave the second step: the note of the right password is dropped, and the login starts again."""
    if ActionForm().validate_on_submit():
        sessions.drop_pending()
    return redirect(url_for("accounts.login"))


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
    return _account_page(form, AuthenticatorCodeForm(prefix="renew"))


def _account_page(form, renew_form):
    status = 400 if form.errors or renew_form.errors else 200
    return render_template(
        "accounts/account.html",
        form=form,
        sessions=sessions.active_sessions(current_user),
        current_session=sessions.current(),
        end_form=ActionForm(),
        language_name=language_name,
        totp=second_factor.credential(current_user),
        codes_left=second_factor.recovery_codes_left(current_user),
        renew_form=renew_form,
    ), status


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
@_code_limits
def set_up_second_factor():
    """Set up an authenticator from the account page (where it is optional, or was turned off for a trial)."""
    if second_factor.credential(current_user) is not None:
        return redirect(url_for("accounts.account"))
    form = AuthenticatorCodeForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enrol(current_user, _offered_secret(current_user), form.code.data)
        except second_factor.SecondFactorError as error:
            form.code.errors.append(str(error))
        else:
            session.pop("enrol_secret", None)
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, next_url=url_for("accounts.account"))
    return _enrol_page(current_user, form, during_login=False)


@bp.post("/account/recovery-codes")
@login_required
@_code_limits
def renew_recovery_codes():
    form = AuthenticatorCodeForm(prefix="renew")
    if form.validate_on_submit():
        try:
            codes = second_factor.renew_recovery_codes(current_user, form.code.data)
        except second_factor.SecondFactorError as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, next_url=url_for("accounts.account"))
        db.session.commit()  # the audit trail keeps the failed attempt
    return _account_page(ChangePasswordForm(formdata=None), form)


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
    speak_to(link.user.locale)
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
