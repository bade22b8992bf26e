"""Who sees, issues, revokes and re-issues which certificates."""

from sqlalchemy import Select, false, select

from cases.access import can_view_case
from cases.models import Case, Client
from certificates.models import BulkIssue, Certificate, CertificateStatus
from isok import permissions
from isok.accounts.models import Role
from isok.extensions import db
from isok.fields import FieldSet, roles
from isok.permissions import ISSUE_CERTIFICATES, REVOKE_CERTIFICATES, VIEW_CERTIFICATES, VIEW_OWN_CERTIFICATES, can


def visible_certificates(user) -> Select:
    """Staff see the certificates of the cases they see; a client sees only their own valid certificates."""
    if not getattr(user, "is_authenticated", False):
        return select(Certificate).where(false())
    if can(user, VIEW_CERTIFICATES):
        return select(Certificate).join(Case, Certificate.case_id == Case.id).where(permissions.case_condition(user))
    if can(user, VIEW_OWN_CERTIFICATES):
        own_cases = select(Case.id).join(Client, Case.client_id == Client.id).where(Client.user_id == user.id)
        return select(Certificate).where(
            Certificate.case_id.in_(own_cases), Certificate.status == CertificateStatus.VALID
        )
    return select(Certificate).where(false())


def can_view_certificate(user, certificate: Certificate) -> bool:
    query = visible_certificates(user).where(Certificate.id == certificate.id).with_only_columns(Certificate.id)
    return db.session.scalar(query) is not None


def can_issue_certificate(user, case: Case) -> bool:
    return can(user, ISSUE_CERTIFICATES) and can_view_case(user, case)


def can_revoke_certificate(user, certificate: Certificate) -> bool:
    return (
        can(user, REVOKE_CERTIFICATES)
        and certificate.status == CertificateStatus.VALID
        and can_view_case(user, certificate.case)
    )


def can_reissue_certificate(user, certificate: Certificate) -> bool:
    return certificate.status == CertificateStatus.VALID and can_issue_certificate(user, certificate.case)


def visible_bulk_issues(user) -> Select:
    """A bulk issue is its starter's own work; administrators see all."""
    if not can(user, ISSUE_CERTIFICATES):
        return select(BulkIssue).where(false())
    if Role.ADMIN in user.roles:
        return select(BulkIssue)
    return select(BulkIssue).where(BulkIssue.created_by_id == user.id)


# --- need to know: the fields each role sees of certificates (isok.fields) -------------------------------------

CERTIFICATE_FIELDS = FieldSet(
    "certificate",
    "certificate",
    {
        ("number", "status", "issued_at", "valid_until", "revoked_at", "languages", "formally_recognised"): roles(
            Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR, Role.CLIENT
        ),
        (
            "content",
            "verification_code",
            "issued_by_id",
            "revoked_by_id",
            "revocation_reason",
            "replaced_at",
            "replacement_reason",
            "seal_level",
        ): roles(Role.ADMIN, Role.COUNSELLOR, Role.CLIENT),
    },
    internal=(
        "id",
        "case_id",
        "pdf_sha256",
        "pdf_size",
        "seal_id",
        "status_list_id",
        "status_list_index",
        "replaces_id",
        "version",
    ),
)

FIELD_SETS = (CERTIFICATE_FIELDS,)
