"""Third-party statements: the counsellor asks and revokes, the referee answers once by link (no account, in their
own language), the teacher records the verification, the client reads their own."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from assessment import bp
from assessment.statements import access, services
from assessment.statements.forms import RefereeAnswerForm, RequestStatementForm, VerifyStatementForm
from assessment.statements.models import Acquaintance, RefereeStatement, StatementState, VerificationMethod
from cases.access import visible_cases
from cases.models import Case
from isok import permissions
from isok.accounts.models import Role
from isok.dashboard import Panel
from isok.extensions import db
from isok.forms import ActionForm, apply, choices
from isok.i18n import CLIENT_LOCALES, language_name, localized
from isok.translation import force_locale
from isok.translation import gettext as _

YES, NO = "yes", "no"


def _case_or_404(case_id: int) -> Case:
    return db.session.scalar(visible_cases(current_user).where(Case.id == case_id)) or abort(404)


def _enum_or_none(kind, value):
    try:
        return kind(value)
    except ValueError:
        return None


# --- the counsellor asks --------------------------------------------------------------------------------------


def _request_form(case: Case) -> RequestStatementForm:
    form = RequestStatementForm()
    form.country.choices = choices([("", _("Choose…")), *services.countries(str(get_locale()))])
    form.language.choices = choices((code, language_name(code)) for code in CLIENT_LOCALES)
    form.outcome_ids.choices = choices(
        (outcome.id, f"{outcome.code} {localized(outcome.text)}")
        for unit in services.case_units(case)
        for outcome in unit.outcomes
    )
    return form


@bp.route("/cases/<int:case_id>/statements/new", methods=["GET", "POST"])
@permissions.requires(permissions.REQUEST_STATEMENTS)
def request_statement(case_id):
    case = _case_or_404(case_id)
    form = _request_form(case)
    if not form.is_submitted():
        form.deadline.data = services.utcnow().date() + services.DEFAULT_DAYS
    if apply(
        form,
        lambda: services.request_statement(
            current_user,
            case,
            name=form.name.data,
            organisation=form.organisation.data,
            country=form.country.data,
            email=form.email.data,
            language=form.language.data,
            tasks=(form.tasks.data or "").splitlines(),
            outcome_ids=form.outcome_ids.data or [],
            deadline=form.deadline.data,
        ),
        default_field="tasks",
    ):
        statement, token = form.result
        return render_template(
            "assessment/statements/issued.html",
            statement=statement,
            token=token,
            language=language_name(statement.language),
        )
    return render_template("assessment/statements/request.html", case=case, form=form), form.status


# --- the request and its statement, for the staff of the case and the client -----------------------------------


def _render_statement(statement: RefereeStatement, verify_form=None, status=200):
    verifying = access.can_verify_statement(current_user, statement)
    if verifying and verify_form is None:
        verify_form = VerifyStatementForm(formdata=None)
        verify_form.method.data = statement.verification.value if statement.verification else None
        verify_form.note.data = statement.verification_note
    return render_template(
        "assessment/statements/detail.html",
        statement=statement,
        revocable=access.can_request_statement(current_user, statement.case)
        and statement.state is StatementState.WAITING,
        verify_form=verify_form if verifying else None,
        country=dict(services.countries(str(get_locale()))).get(statement.referee_country, statement.referee_country),
        language=language_name(statement.language),
    ), status


@bp.get("/statements/<int:statement_id>")
@permissions.requires(permissions.VIEW_STATEMENTS)
def statement(statement_id):
    return _render_statement(access.statement_or_404(statement_id))


@bp.post("/statements/<int:statement_id>/revoke")
@permissions.requires(permissions.REQUEST_STATEMENTS)
def revoke_statement(statement_id):
    statement = access.statement_or_404(statement_id)
    form = ActionForm()
    if apply(form, lambda: services.revoke_statement(current_user, statement)):
        flash(_("The link no longer works."), "success")
        return redirect(url_for("assessment.statement", statement_id=statement.id))
    for message in form.form_errors:
        flash(message, "error")
    return _render_statement(statement, status=form.status)


@bp.post("/statements/<int:statement_id>/verify")
@permissions.requires(permissions.VERIFY_STATEMENTS)
def verify_statement(statement_id):
    statement = access.statement_or_404(statement_id)
    form = VerifyStatementForm()
    if apply(
        form,
        lambda: services.verify_statement(
            current_user, statement, method=_enum_or_none(VerificationMethod, form.method.data), note=form.note.data
        ),
        default_field="note",
    ):
        flash(_("The verification is recorded."), "success")
        return redirect(url_for("assessment.statement", statement_id=statement.id))
    return _render_statement(statement, verify_form=form, status=form.status)


# --- the referee's page: by link, no account -------------------------------------------------------------------


def _answers(statement: RefereeStatement) -> dict[int, bool | None]:
    values = {YES: True, NO: False}
    return {item.id: values.get(request.form.get(f"item-{item.id}", "")) for item in statement.items}


@bp.route("/statement/<token>", methods=["GET", "POST"])
def referee_answer(token):
    statement = services.statement_by_token(token)
    if statement is None:
        return render_template("assessment/placements/link_invalid.html"), 404
    with force_locale(statement.language):
        form = RefereeAnswerForm()
        errors, status = {}, 200
        if request.method == "POST":
            answers = _answers(statement)
            if form.validate_on_submit():
                try:
                    services.submit_statement(
                        statement,
                        answers=answers,
                        acquaintance=_enum_or_none(Acquaintance, form.acquaintance.data),
                        period=form.period.data,
                        comment=form.comment.data,
                    )
                except services.StatementError as error:
                    db.session.rollback()
                    errors, status = {**error.errors, "_": str(error)}, error.status
                    for name in ("acquaintance", "period"):
                        if name in error.errors:
                            getattr(form, name).errors = [error.errors[name]]
                    if statement.submitted_at is not None:
                        status = 409
                else:
                    db.session.commit()
                    return redirect(url_for("assessment.referee_answer", token=token))
            else:
                errors, status = {"_": _("The form expired. Send it again; nothing you typed was lost.")}, 400
            chosen = {item_id: (YES if value else NO) for item_id, value in answers.items() if value is not None}
        else:
            chosen = {}
        template = "thanks.html" if statement.submitted_at is not None else "answer.html"
        return render_template(
            f"assessment/statements/{template}",
            statement=statement,
            form=form,
            errors=errors,
            chosen=chosen,
            token=token,
        ), status


# --- panels ----------------------------------------------------------------------------------------------------


def case_panel(user, case):
    if not access.can_view_statements(user, case):
        return None
    return Panel(
        "assessment/statements/case_panel.html",
        {
            "case": case,
            "statements": services.case_statements(case),
            "may_request": access.can_request_statement(user, case),
        },
        order=45,
    )


def client_panel(user):
    """The client's statements: who was asked about their work, and what they answered."""
    if Role.CLIENT not in user.roles:
        return None
    statements = db.session.scalars(
        access.visible_statements(user).order_by(RefereeStatement.id.desc()).limit(20)
    ).all()
    return (
        Panel("assessment/statements/panel_client.html", {"statements": statements}, order=26) if statements else None
    )
