from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Case
from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class CertificateStatus(LabelledEnum):
    VALID = "valid", _l("Valid")
    REVOKED = "revoked", _l("Revoked")
    # re-issued: a newer version with its own number supersedes it
    REPLACED = "replaced", _l("Replaced by a newer version")


class SealSource(LabelledEnum):
    # self-signed here: demonstrations and tests
    GENERATED = "generated", _l("Generated here (self-signed, for demonstrations)")
    # a key and certificate chain from a certificate authority (PKCS#12 or PEM)
    UPLOADED = "uploaded", _l("Uploaded key and certificate")
    # a key kept in the installation's hardware token (PKCS#11), never in the database
    HSM = "hsm", _l("Key in the hardware token (PKCS#11)")


class OrganisationSeal(Model):
    """An issuing organisation's seal: the key that seals its certificates and the certificate chain naming it.

    The private key is kept only encrypted (certificates.seal_keys), or stays in the installation's hardware token,
    which the seal names it in by its label (certificates.seal_tokens). A newer seal retires the previous one, which
    stays for the record: credentials signed with it name its key, and the issuer profile still publishes it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    source: Mapped[SealSource] = mapped_column(enum_type(SealSource))
    subject: Mapped[str] = mapped_column(String(500))  # the seal certificate's subject (RFC 4514)
    issuer: Mapped[str] = mapped_column(String(500))  # who certified it (the same as subject when self-signed)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the seal certificate
    certificate_chain: Mapped[str] = mapped_column(Text)  # PEM: the seal certificate first, then its issuers
    encrypted_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # None when the key is in the token
    token_key_label: Mapped[str | None] = mapped_column(String(200))  # the key's label (CKA_LABEL) in the token
    not_valid_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_valid_after: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def in_token(self) -> bool:
        return self.token_key_label is not None

    def __str__(self):
        return self.subject


class StatusList(Model):
    """One of an organisation's published revocation lists (W3C Bitstring Status List): certificates.status_list."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="revocation")
    length: Mapped[int]  # entries (bits)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(Model):
    """An issued, sealed certificate: its PDF's bytes and hash never change; only its status does."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # ISOK-2026-000123
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)  # 160 random bits, base32
    status: Mapped[CertificateStatus] = mapped_column(
        enum_type(CertificateStatus), default=CertificateStatus.VALID, index=True
    )
    content: Mapped[dict] = mapped_column(JSON)  # the snapshot of everything it states (certificates.content)
    languages: Mapped[list] = mapped_column(JSON)
    formally_recognised: Mapped[bool] = mapped_column(default=False, index=True)  # counted by ESF reports
    pdf_sha256: Mapped[str] = mapped_column(String(64))  # also its key in isok.storage
    pdf_size: Mapped[int]
    seal_id: Mapped[int | None] = mapped_column(ForeignKey("organisation_seal.id"), index=True)  # who sealed it
    seal_level: Mapped[str] = mapped_column(String(10), default="B-B")  # PAdES: B-B, or B-LTA when timestamped
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the issuer's validity, when it sets one
    status_list_id: Mapped[int | None] = mapped_column(ForeignKey("status_list.id"))  # its place in a revocation list
    status_list_index: Mapped[int | None]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replacement_reason: Mapped[str | None] = mapped_column(Text)  # why a newer version was issued
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    # One valid certificate per case: issuing again means replacing (the database holds to it, whatever the race).
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_list_index"),
        Index(
            "uq_certificate_valid_case_id",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
    )

    case: Mapped[Case] = relationship()
    status_list: Mapped[StatusList | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    seal: Mapped[OrganisationSeal | None] = relationship()
    replaces: Mapped["Certificate | None"] = relationship(remote_side=[id], back_populates="replaced_by")
    replaced_by: Mapped["Certificate | None"] = relationship(back_populates="replaces")

    @property
    def holder_name(self) -> str:
        holder = self.content.get("holder")  # none once the holder's data are erased (certificates.data_rights)
        return holder["full_name"] if holder else str(_l("Holder's personal data erased"))

    def __str__(self):
        return self.number


class CertificateCounter(Model):
    """The last number issued in a year; its row is locked while a number is taken, so numbers never repeat."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class BulkStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting to start")
    RUNNING = "running", _l("Running")
    FINISHED = "finished", _l("Finished")


class ItemStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting")
    ISSUED = "issued", _l("Issued")
    FAILED = "failed", _l("Failed")


class BulkIssue(Model):
    """Certificates issued for many cases in the background; each case succeeds or fails on its own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    languages: Mapped[list] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(10), default="en")  # the starter's language, for failure reasons
    status: Mapped[BulkStatus] = mapped_column(enum_type(BulkStatus), default=BulkStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    items: Mapped[list["BulkIssueItem"]] = relationship(
        back_populates="bulk", order_by="BulkIssueItem.id", cascade="all, delete-orphan"
    )


class BulkIssueItem(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_id: Mapped[int] = mapped_column(ForeignKey("bulk_issue.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    status: Mapped[ItemStatus] = mapped_column(enum_type(ItemStatus), default=ItemStatus.PENDING)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    error: Mapped[str | None] = mapped_column(String(500))  # why this case failed, in the starter's language

    bulk: Mapped[BulkIssue] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
    certificate: Mapped[Certificate | None] = relationship()
