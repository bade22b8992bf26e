import io
import json

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from cases import access as case_access
from cases.models import Case, Stage
from certificates import access, bp, data_rights, rendering, seals, services
from certificates.credential import as_vc_jwt, build_credential, issuer_id
from certificates.forms import (
    BulkIssueForm,
    HashCheckForm,
    IssueForm,
    LanguagesForm,
    ReissueForm,
    RevokeForm,
    VerifyForm,
    default_languages,
    language_choices,
)
from certificates.models import BulkIssue, Certificate, CertificateStatus
from isok import audit, dashboard, permissions, routing
from isok.confirmation import ask_first, confirmed
from isok.database import utcnow
from isok.extensions import db, limiter
from isok.i18n import language_name
from isok.permissions import ISSUE_CERTIFICATES, REVOKE_CERTIFICATES, VIEW_CERTIFICATES, VIEW_OWN_CERTIFICATES
from isok.rules import RuleBroken
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

PAGE_SIZE = 50
BULK_REFRESH_SECONDS = 2


# --- loaders: not visible or missing answer 404 -----------------------------------------------------------------


def _case_or_404(case_id: int) -> Case:
    case = db.session.scalar(case_access.visible_cases(current_user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def _certificate_or_404(certificate_id: int) -> Certificate:
    query = access.visible_certificates(current_user).where(Certificate.id == certificate_id)
    certificate = db.session.scalar(query)
    if certificate is None:
        abort(404)
    return certificate


def _with_languages(form, client=None):
    form.languages.choices = language_choices()
    if client is not None and not form.languages.data:
        form.languages.data = default_languages(client)
    return form


# --- staff: a case's certificates, preview, issue ---------------------------------------------------------------


def _case_page(case, *, form=None, status=200):
    certificates = db.session.scalars(
        access.visible_certificates(current_user)
        .where(Certificate.case_id == case.id)
        .order_by(Certificate.issued_at.desc())
    ).all()
    form = form or _with_languages(LanguagesForm(formdata=None), case.client)
    return render_template(
        "certificates/case.html",
        case=case,
        certificates=certificates,
        form=form,
        current=services.valid_certificate(case),
    ), status


@bp.get("/cases/<int:case_id>/certificates")
@permissions.requires(VIEW_CERTIFICATES)
def for_case(case_id):
    case = _case_or_404(case_id)
    return _case_page(case)


def _preview_content(case: Case) -> tuple[dict | None, LanguagesForm]:
    """What a preview in the chosen languages states, or None with the reason on the form. A preview shows the
    client's personal data, so opening one is recorded like opening their record."""
    form = _with_languages(LanguagesForm(request.args))
    if not form.validate():
        return None, form
    try:
        content = services.preview_content(current_user, case, form.languages.data)
    except services.CertificateError as error:
        form.languages.errors.append(str(error))
        return None, form
    audit.record_view(current_user, "client", case.client_id)
    return content, form


@bp.get("/cases/<int:case_id>/certificates/preview")
@permissions.requires(ISSUE_CERTIFICATES)
def preview(case_id):
    case = _case_or_404(case_id)
    content, form = _preview_content(case)
    if content is None:
        return _case_page(case, form=form, status=400)
    issue_form = _with_languages(IssueForm(formdata=None))
    issue_form.languages.data = content["languages"]
    return render_template(
        "certificates/preview.html",
        case=case,
        content=content,
        issue_form=issue_form,
        sections=rendering.render_sections(content, preview=True),
    )


@bp.get("/cases/<int:case_id>/certificates/preview.pdf")
@permissions.requires(ISSUE_CERTIFICATES)
def preview_pdf(case_id):
    case = _case_or_404(case_id)
    content, form = _preview_content(case)
    if content is None:
        return _case_page(case, form=form, status=400)
    return send_file(
        io.BytesIO(rendering.render_certificate_pdf(content, preview=True)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificate-preview-case-{case.id}.pdf",
    )


def _languages_named(codes: list[str]) -> str:
    return ", ".join(language_name(code) for code in codes)


@bp.post("/cases/<int:case_id>/certificates")
@permissions.requires(ISSUE_CERTIFICATES)
def issue(case_id):
    case = _case_or_404(case_id)
    form = _with_languages(IssueForm())
    if form.validate_on_submit():
        try:
            if not confirmed():
                services.check_issue(current_user, case, form.languages.data)
                return ask_first(
                    _(
                        "Issue the certificate in %(languages)s? It is sealed when issued and cannot be changed; "
                        "a mistake needs a replacement.",
                        languages=_languages_named(form.languages.data),
                    ),
                    _("Issue the certificate"),
                    url_for("certificates.preview", case_id=case.id, languages=form.languages.data),
                )
            certificate = services.issue_certificate(current_user, case, form.languages.data)
        except services.CertificateError as error:
            form.languages.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Certificate %(number)s was issued.", number=certificate.number), "success")
            return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    return _case_page(case, form=form, status=400)


# --- one certificate --------------------------------------------------------------------------------------------


def _detail_page(certificate, *, revoke_form=None, reissue_form=None, status=200):
    revoke_form = revoke_form or RevokeForm(formdata=None, version=certificate.version)
    reissue_form = reissue_form or _with_languages(ReissueForm(formdata=None, version=certificate.version))
    if not reissue_form.languages.data:
        reissue_form.languages.data = list(certificate.languages)
    return render_template(
        "certificates/detail.html",
        certificate=certificate,
        revoke_form=revoke_form,
        reissue_form=reissue_form,
        language_name=language_name,
        verify_url=rendering.verification_url(certificate.verification_code),
    ), status


@bp.get("/certificates/<int:certificate_id>")
@permissions.requires(VIEW_CERTIFICATES)
def detail(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    audit.record_view(current_user, "client", certificate.case.client_id)
    return _detail_page(certificate)


def _unerased_or_404(certificate_id: int) -> Certificate:
    """A certificate whose files still exist: an erased holder's PDF is deleted and no credential names them."""
    certificate = _certificate_or_404(certificate_id)
    if data_rights.is_erased(certificate):
        abort(404)
    return certificate


@bp.get("/certificates/<int:certificate_id>/pdf")
@login_required
def download(certificate_id):
    certificate = _unerased_or_404(certificate_id)
    return send_file(
        io.BytesIO(services.certificate_pdf(certificate)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{certificate.number}.pdf",
    )


def _credential_of(certificate_id: int) -> tuple[Certificate, dict]:
    certificate = _unerased_or_404(certificate_id)
    return certificate, build_credential(certificate)


@bp.get("/certificates/<int:certificate_id>/credential.json")
@login_required
def credential(certificate_id):
    certificate, document = _credential_of(certificate_id)
    data = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return send_file(
        io.BytesIO(data),
        mimetype="application/ld+json",
        as_attachment=True,
        download_name=f"{certificate.number}.jsonld",
    )


@bp.get("/certificates/<int:certificate_id>/credential.jwt")
@login_required
def signed_credential(certificate_id):
    certificate, document = _credential_of(certificate_id)
    issuer_seal = seals.active_seal(issuer_id(certificate))
    if issuer_seal is None:
        abort(404)  # issued before organisations had seals of their own, and the issuer has none now
    return send_file(
        io.BytesIO(as_vc_jwt(document, issuer_seal).encode()),
        mimetype="application/jwt",
        as_attachment=True,
        download_name=f"{certificate.number}.jwt",
    )


@bp.post("/certificates/<int:certificate_id>/revoke")
@permissions.requires(REVOKE_CERTIFICATES)
def revoke(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(current_user, certificate, form.reason.data, version=form.version.data)
        except RuleBroken as error:
            getattr(form, error.field, form.reason).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Certificate %(number)s was revoked.", number=certificate.number), "success")
            return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    return _detail_page(certificate, revoke_form=form, status=400)


@bp.post("/certificates/<int:certificate_id>/reissue")
@permissions.requires(ISSUE_CERTIFICATES)
def reissue(certificate_id):
    certificate = _certificate_or_404(certificate_id)
    form = _with_languages(ReissueForm())
    if form.validate_on_submit():
        try:
            if not confirmed():
                services.check_reissue(
                    current_user, certificate, form.languages.data, form.reason.data, version=form.version.data
                )
                return ask_first(
                    _(
                        "Replace certificate %(number)s with a new one in %(languages)s? The old certificate "
                        "then shows as replaced.",
                        number=certificate.number,
                        languages=_languages_named(form.languages.data),
                    ),
                    _("Replace the certificate"),
                    url_for("certificates.detail", certificate_id=certificate.id),
                )
            new = services.reissue_certificate(
                current_user, certificate, form.languages.data, form.reason.data, version=form.version.data
            )
        except RuleBroken as error:
            db.session.rollback()
            certificate = _certificate_or_404(certificate_id)
            getattr(form, error.field, form.languages).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Certificate %(number)s replaces %(old)s.", number=new.number, old=certificate.number), "success")
            return redirect(url_for("certificates.detail", certificate_id=new.id))
    return _detail_page(certificate, reissue_form=form, status=400)


# --- lists and bulk issue ---------------------------------------------------------------------------------------


def _ready_cases():
    """Cases in the certification stage without a valid certificate: a case has one at a time."""
    certified = (
        select(Certificate.id)
        .where(Certificate.case_id == Case.id, Certificate.status == CertificateStatus.VALID)
        .exists()
    )
    return db.session.scalars(
        case_access.visible_cases(current_user)
        .where(Case.stage == Stage.CERTIFICATION, ~certified)
        .order_by(Case.id)
        .limit(500)
    ).all()


def _index_page(*, form=None, status=200):
    page = routing.page_number(PAGE_SIZE)
    certificates = db.session.scalars(
        access.visible_certificates(current_user)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    cases = _ready_cases()
    if form is None and permissions.can(current_user, ISSUE_CERTIFICATES):
        form = _with_languages(BulkIssueForm(formdata=None))
        form.languages.data = ["fi", "sv", "en"]
    if form is not None:
        form.case_ids.choices = [(case.id, str(case.client)) for case in cases]
    jobs = db.session.scalars(access.visible_bulk_issues(current_user).order_by(BulkIssue.id.desc()).limit(5))
    return render_template(
        "certificates/index.html",
        certificates=certificates[:PAGE_SIZE],
        page=page,
        has_next=len(certificates) > PAGE_SIZE,
        cases=cases,
        form=form,
        jobs=jobs.all(),
    ), status


@bp.get("/certificates")
@permissions.requires(VIEW_CERTIFICATES)
def index():
    return _index_page()


@bp.post("/certificates/bulk")
@permissions.requires(ISSUE_CERTIFICATES)
def start_bulk():
    form = _with_languages(BulkIssueForm())
    form.case_ids.choices = [(case.id, str(case.client)) for case in _ready_cases()]
    if form.validate_on_submit():
        cases = db.session.scalars(
            case_access.visible_cases(current_user).where(Case.id.in_(form.case_ids.data)).order_by(Case.id)
        )
        try:
            job = services.start_bulk_issue(current_user, cases.all(), form.languages.data, str(get_locale()))
        except services.CertificateError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()  # hands the job to the queue
            return redirect(url_for("certificates.bulk_progress", bulk_id=job.id))
    return _index_page(form=form, status=400)


@bp.get("/certificates/bulk/<int:bulk_id>")
@permissions.requires(ISSUE_CERTIFICATES)
def bulk_progress(bulk_id):
    job = db.session.scalar(access.visible_bulk_issues(current_user).where(BulkIssue.id == bulk_id))
    if job is None:
        abort(404)
    counts = {status: sum(1 for item in job.items if item.status == status) for status in ("issued", "failed")}
    response = current_app.make_response(
        render_template("certificates/bulk.html", job=job, counts=counts, refresh_seconds=BULK_REFRESH_SECONDS)
    )
    if job.status != "finished":
        response.headers["Refresh"] = str(BULK_REFRESH_SECONDS)  # the page updates itself while the job runs
    return response


# --- clients ----------------------------------------------------------------------------------------------------


def _own_certificates(user):
    return db.session.scalars(access.visible_certificates(user).order_by(Certificate.issued_at.desc())).all()


@bp.get("/my/certificates")
@permissions.requires(VIEW_OWN_CERTIFICATES)
def mine():
    return render_template(
        "certificates/mine.html", certificates=_own_certificates(current_user), language_name=language_name
    )


# --- public verification ----------------------------------------------------------------------------------------


def _verify_limit():
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("certificates.verify", code=services.normalise_code(form.code.data)))
    return render_template("certificates/verify_form.html", form=form), 400 if form.errors else 200


@bp.get("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code):
    certificate = services.find_by_code(code)
    hash_form = HashCheckForm(request.args)
    matches = None
    if certificate is not None and hash_form.sha256.data and hash_form.validate():
        matches = hash_form.sha256.data.strip().lower() == certificate.pdf_sha256
    expired = certificate is not None and certificate.valid_until is not None and certificate.valid_until <= utcnow()
    page = render_template(
        "certificates/verify.html",
        certificate=certificate,
        hash_form=hash_form,
        matches=matches,
        statuses=CertificateStatus,
        expired=expired,
    )
    return page, 200 if certificate is not None else 404


# --- panels and menu ----------------------------------------------------------------------------------------------


def case_panel(user, case):
    if not (permissions.can(user, VIEW_CERTIFICATES) and case_access.can_view_case(user, case)):
        return None
    certificates = db.session.scalars(
        access.visible_certificates(user).where(Certificate.case_id == case.id).order_by(Certificate.issued_at.desc())
    ).all()
    return dashboard.Panel("certificates/panels/case.html", {"case": case, "certificates": certificates}, order=60)


def client_panel(user):
    if not permissions.can(user, VIEW_OWN_CERTIFICATES):
        return None
    return dashboard.Panel("certificates/panels/mine.html", {"certificates": _own_certificates(user)}, order=20)


def nav(user):
    if permissions.can(user, VIEW_CERTIFICATES):
        return [dashboard.NavItem(_l("Certificates"), url_for("certificates.index"))]
    if permissions.can(user, VIEW_OWN_CERTIFICATES):
        return [dashboard.NavItem(_l("My certificates"), url_for("certificates.mine"))]
    return []
