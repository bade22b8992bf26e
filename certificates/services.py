"""Certificate operations: plain functions taking the acting user; they flush and audit, the caller commits."""

import base64
import calendar
import secrets
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessment.assessments.services import open_appeals
from cases.models import Case
from certificates import access, rendering, seal, seal_tokens, seals, status_list, texts, timestamps
from certificates.content import NotSignedOff, gather_content
from certificates.models import (
    BulkIssue,
    BulkIssueItem,
    Certificate,
    CertificateCounter,
    CertificateStatus,
)
from isok import audit, storage
from isok.concurrency import WITHOUT_FORM, check_version
from isok.database import utcnow
from isok.extensions import db
from isok.jobs import queue
from isok.rules import RuleBroken
from isok.translation import gettext as _

CODE_BYTES = 20  # 160 random bits: guessing a valid code is hopeless even without the rate limit
NUMBER_PREFIX = "ISOK"


class CertificateError(RuleBroken):
    """A certificate rule was broken; the message is shown to the user next to the field."""

    default_field = "languages"


def new_verification_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode().rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_code(text: str) -> str:
    """Accept a code as people type it: any case, with or without dashes and spaces."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _local_today(moment: datetime):
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _next_number(year: int) -> str:
    """Take the year's next number; the counter row stays locked until the issuing transaction ends."""
    query = select(CertificateCounter).where(CertificateCounter.year == year).with_for_update()
    counter = db.session.scalar(query)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(CertificateCounter(year=year, last=0))
        except IntegrityError:
            pass  # another issuer created the year's row first; lock theirs
        counter = db.session.scalars(query).one()
    counter.last += 1
    db.session.flush()
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}"


def _months_later(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the month's last day when it is shorter."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _check_version(certificate: Certificate, version) -> None:
    check_version(
        certificate,
        version,
        _("Someone else changed this certificate meanwhile. Reload the page and try again."),
        field="version",
        error=CertificateError,
    )


def _holder_id(case) -> str:
    """The client's identifier in credentials (`credentialSubject.id`): the one their earlier certificates carry,
    so a wallet sees one holder; else a new random URN, which says nothing about them."""
    for content in db.session.scalars(
        select(Certificate.content).join(Case).where(Case.client_id == case.client_id).order_by(Certificate.id.desc())
    ):
        if content["holder"].get("id"):
            return content["holder"]["id"]
    return uuid.uuid4().urn


def preview_content(user, case, languages: list[str], *, authorised: bool = False) -> dict:
    """What a certificate issued now would state, for the preview; nothing is stored. `authorised`: the caller has
    settled the right to issue (a changed decision on appeal replaces the certificate, whoever reviewed it)."""
    if not authorised and not access.can_issue_certificate(user, case):
        raise CertificateError(_("You may not issue certificates for this case."))
    if case.client.erased_at is not None:  # a certificate would name no one (certificates.data_rights)
        raise CertificateError(
            _("This client's personal data have been erased, so no certificate can be issued for them.")
        )
    if not languages or any(code not in texts.LANGUAGES for code in languages):
        raise CertificateError(_("Choose at least one of the offered languages."))
    try:
        return gather_content(case, languages)
    except NotSignedOff as error:
        raise CertificateError(str(error)) from error


def valid_certificate(case) -> Certificate | None:
    """The case's valid certificate: there is at most one."""
    return db.session.scalar(
        select(Certificate).where(Certificate.case_id == case.id, Certificate.status == CertificateStatus.VALID)
    )


def _already_certified(certificate: Certificate) -> CertificateError:
    return CertificateError(
        _(
            "This case already has a valid certificate, %(number)s. To issue it again, re-issue "
            "that one and give the reason: the new certificate replaces it.",
            number=certificate.number,
        )
    )


def check_issue(user, case, languages: list[str], *, authorised: bool = False) -> dict:
    """Refuse what issuing would refuse, storing nothing (the issuer is asked to confirm first); the content."""
    _check_no_open_appeal(case)
    content = preview_content(user, case, languages, authorised=authorised)
    if (current := valid_certificate(case)) is not None:
        raise _already_certified(current)
    return content


def issue_certificate(
    user, case, languages: list[str], *, replaces: Certificate | None = None, authorised: bool = False
) -> Certificate:
    """Issue a sealed certificate for the case's signed-off results, in the chosen languages. A case has one valid
    certificate at a time: a new one must replace it (reissue_certificate)."""
    content = check_issue(user, case, languages, authorised=authorised)
    try:
        issuer_seal = seals.seal_for_issue(case.organisation)
        signer = seals.signer(issuer_seal)
    except seals.SealUnavailable as error:
        raise CertificateError(str(error)) from error
    now = utcnow()
    number = _next_number(now.year)
    content.update(number=number, verification_code=new_verification_code(), issued_on=_local_today(now).isoformat())
    content["holder"]["id"] = _holder_id(case)
    stamping = timestamps.timestamping(seals.chain(issuer_seal), issuer_seal.fingerprint)
    try:
        sealed = seal.seal_pdf(
            rendering.render_certificate_pdf(content),
            signer,
            reason=f"Certificate {number}",
            location=content["place"],
            timestamping=stamping,
        )
    except seal_tokens.TokenUnavailable as error:
        current_app.logger.warning("certificate %s not sealed: %s", number, error)
        raise CertificateError(str(error)) from error
    except seal.TimestampFailed as error:
        current_app.logger.warning("certificate %s not sealed: %s", number, error)
        raise CertificateError(
            _(
                "The timestamp service did not answer or could not be trusted, so the certificate "
                "was not issued. Try again in a moment; if it keeps failing, tell the "
                "administrator."
            )
        ) from error
    try:
        digest = storage.put_bytes(sealed)
    except storage.Unavailable as error:
        raise CertificateError(str(storage.UNAVAILABLE)) from error
    months = case.organisation.certificate_validity_months
    try:
        with db.session.begin_nested():  # another issue for the same case may have won the race meanwhile
            certificate = Certificate(
                case=case,
                number=number,
                verification_code=content["verification_code"],
                content=content,
                languages=content["languages"],
                formally_recognised=content["formally_recognised"],
                pdf_sha256=digest,
                pdf_size=len(sealed),
                issued_at=now,
                issued_by_id=user.id,
                replaces=replaces,
                seal=issuer_seal,
                seal_level=seal.LONG_TERM if stamping else seal.BASELINE,
                valid_until=_months_later(now, months) if months else None,
            )
            db.session.add(certificate)
            status_list.assign_place(certificate, case.organisation_id)
            db.session.flush()
    except IntegrityError as error:
        current = valid_certificate(case)
        if current is None:  # two issues drew the same place in the revocation list, once in a blue moon
            raise CertificateError(_("Another certificate was issued at the same moment. Try again.")) from error
        raise _already_certified(current) from error
    audit.record(
        user,
        "issue_certificate",
        certificate,
        changes=audit.snapshot(
            certificate,
            [
                "number",
                "case_id",
                "languages",
                "formally_recognised",
                "pdf_sha256",
                "replaces_id",
                "seal_id",
                "seal_level",
                "valid_until",
                "status_list_id",
                "status_list_index",
            ],
        ),
    )
    return certificate


def revoke_certificate(user, certificate: Certificate, reason: str, *, version=WITHOUT_FORM) -> None:
    """Revoke a valid certificate; the verification page shows it as revoked from now on."""
    if not access.can_revoke_certificate(user, certificate):
        raise CertificateError(_("Only a valid certificate can be revoked."), field="reason")
    _check_version(certificate, version)
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking."), field="reason")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = user.id
    certificate.revocation_reason = reason
    audit.record(
        user,
        "revoke_certificate",
        certificate,
        changes=audit.changes_of(certificate, ["status", "revoked_at", "revoked_by_id", "revocation_reason"]),
    )
    db.session.flush()


def reissue_certificate(
    user, certificate: Certificate, languages: list[str], reason: str, *, version=WITHOUT_FORM
) -> Certificate:
    """Issue a new version with a new number from the current results; the old one shows as replaced, and its
    verify page leads to the new one."""
    check_reissue(user, certificate, languages, reason, version=version)
    return _replace(user, certificate, languages, reason)


def check_reissue(user, certificate: Certificate, languages: list[str], reason: str, *, version=WITHOUT_FORM) -> None:
    """Refuse what re-issuing would refuse, storing nothing (the issuer is asked to confirm first)."""
    if not access.can_reissue_certificate(user, certificate):
        raise CertificateError(_("Only a valid certificate can be re-issued."))
    _check_version(certificate, version)
    _check_reason(reason)
    _check_no_open_appeal(certificate.case)
    preview_content(user, certificate.case, languages)


def _check_no_open_appeal(case) -> None:
    if open_appeals(case):
        raise CertificateError(
            _(
                "The client has asked for a review of the assessment decision. The certificate "
                "can be issued once the review is recorded."
            )
        )


def _check_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise CertificateError(_("Give the reason for issuing a new version."), field="reason")


def replace_after_decision_change(user, case, reason: str) -> None:
    """The case's assessment decision changed (on appeal): its valid certificate is replaced by one from the new
    decision, in the same languages; the reviewer's decision is what authorises it."""
    if (current := valid_certificate(case)) is not None:
        _replace(user, current, list(current.languages), reason, authorised=True)


def _replace(
    user, certificate: Certificate, languages: list[str], reason: str, *, authorised: bool = False
) -> Certificate:
    _check_reason(reason)
    reason = reason.strip()
    certificate.status = CertificateStatus.REPLACED
    certificate.replaced_at = utcnow()
    certificate.replacement_reason = reason
    audit.record(
        user,
        "replace_certificate",
        certificate,
        changes=audit.changes_of(certificate, ["status", "replaced_at", "replacement_reason"]),
    )
    db.session.flush()
    return issue_certificate(user, certificate.case, languages, replaces=certificate, authorised=authorised)


def certificate_pdf(certificate: Certificate) -> bytes:
    return storage.read_bytes(certificate.pdf_sha256)


def find_by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == normalise_code(code)))


def start_bulk_issue(user, cases: list, languages: list[str], locale: str) -> BulkIssue:
    """Queue certificates for many cases: the job (certificates.bulk) issues them one by one once this commits."""
    if not cases:
        raise CertificateError(_("Choose at least one case."), field="case_ids")
    refused = [case for case in cases if not access.can_issue_certificate(user, case)]
    if refused:
        raise CertificateError(_("You may not issue certificates for some of the chosen cases."), field="case_ids")
    bulk = BulkIssue(
        created_by_id=user.id,
        languages=list(languages),
        locale=locale,
        items=[BulkIssueItem(case_id=case.id) for case in cases],
    )
    db.session.add(bulk)
    audit.record(
        user, "start_bulk_issue", bulk, changes={"case_ids": [case.id for case in cases], "languages": list(languages)}
    )
    queue.enqueue("bulk_issue_step", bulk.id)
    return bulk
