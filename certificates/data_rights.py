"""Certificates in a client's data export and erasure (declared in certificates.init_app).

An erased holder's certificate stays what it was for everyone else: issued, with its number, qualification, date
and status (valid, revoked or replaced), so the holder's own copy can still be checked at the verification address.
What named or described the holder goes: the stored snapshot keeps only the number, the qualification and the issue
date; the sealed PDF is deleted from the file store; the revocation reason and the trail's copy of it are blanked.
The verify page then says the holder's personal data were erased, and still tells whether a copy's SHA-256 is the
issued file's (the hash was taken of the file the holder carries; it names no one to a reader without that file).
"""

from sqlalchemy import select

from cases.models import Case
from certificates import rendering, services
from certificates.credential import build_credential
from certificates.models import BulkIssueItem, Certificate
from isok import audit, hooks, storage
from isok.extensions import db

CERTIFICATE_FIELDS = [
    "id",
    "number",
    "status",
    "issued_at",
    "languages",
    "formally_recognised",
    "pdf_sha256",
    "pdf_size",
    "replaces_id",
    "revoked_at",
    "revocation_reason",
]


def is_erased(certificate: Certificate) -> bool:
    return bool(certificate.content.get("erased"))


def erased_content(content: dict) -> dict:
    """What the snapshot keeps of a certificate once its holder is erased: its number, qualification and date."""
    return {
        "schema": content["schema"],
        "erased": True,
        "number": content["number"],
        "qualification": content["qualification"],
        "issued_on": content["issued_on"],
    }


def _certificates(client) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Case, Certificate.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(Certificate.id)
        )
    )


def _file_name(certificate: Certificate) -> str:
    return f"certificates/{certificate.number}.pdf"


def certificates_part(client) -> list[hooks.ExportPart]:
    """Each certificate's record, what it states (the snapshot), the Open Badges credential and its PDF's place."""
    certificates = _certificates(client)
    attempts = list(
        db.session.scalars(
            select(BulkIssueItem)
            .where(BulkIssueItem.case_id.in_([case.id for case in client.cases]))
            .order_by(BulkIssueItem.id)
        )
    )
    if not certificates and not attempts:
        return []
    data = {
        "certificates": [
            {
                **audit.snapshot(certificate, CERTIFICATE_FIELDS),
                "case_id": certificate.case_id,
                "verification_address": rendering.verification_url(certificate.verification_code),
                "content": certificate.content,
                "credential": None if is_erased(certificate) else build_credential(certificate),
                "pdf": None if is_erased(certificate) else f"files/{_file_name(certificate)}",
            }
            for certificate in certificates
        ],
        "issue_attempts": [
            audit.snapshot(item, ["id", "case_id", "status", "certificate_id", "error"]) for item in attempts
        ],
    }
    return [
        hooks.ExportPart(
            "certificates",
            data,
            "certificates/export_summary.html",
            context={"certificates": certificates, "verification_url": rendering.verification_url},
            tables=("certificate", "bulk_issue_item"),
        )
    ]


def certificate_files(client):
    for certificate in _certificates(client):
        if not is_erased(certificate) and storage.exists(certificate.pdf_sha256):
            yield _file_name(certificate), services.certificate_pdf(certificate)


def erase_certificates(actor, client) -> None:
    """Redact the client's certificates to number, qualification and date; their PDFs go once the erasure commits."""
    certificates = [certificate for certificate in _certificates(client) if not is_erased(certificate)]
    for certificate in certificates:
        certificate.content = erased_content(certificate.content)
        certificate.languages = []  # the client's own language among them says where they come from
        certificate.revocation_reason = None
    audit.redact("certificate", [certificate.id for certificate in certificates], ("revocation_reason",))
    # Each sealed PDF is unique (its number and verification code are inside), so no other record points at it.
    storage.delete_after_commit(db.session, [certificate.pdf_sha256 for certificate in certificates])
    if certificates:
        audit.record(
            actor,
            "erase_certificates",
            object_type="client",
            object_id=client.id,
            changes={"certificates": [certificate.number for certificate in certificates]},
        )
    db.session.flush()
