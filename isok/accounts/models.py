from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    PROJECT_MANAGER = "project_manager", _l("Project manager")
    COUNSELLOR = "counsellor", _l("Counsellor")
    TEACHER = "teacher", _l("Vocational teacher")
    WORKPLACE_TUTOR = "workplace_tutor", _l("Workplace tutor")
    CLIENT = "client", _l("Client")


class OrganisationType(LabelledEnum):
    EDUCATION_PROVIDER = "education_provider", _l("Education provider")
    COMPANY = "company", _l("Company")
    PUBLIC_BODY = "public_body", _l("Public body")
    OTHER = "other", _l("Other organisation")


class CompanySize(LabelledEnum):
    MAJOR = "major", _l("Major company")
    SME = "sme", _l("Small or medium-sized (SME)")


class Organisation(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType))
    size_class: Mapped[CompanySize | None] = mapped_column(enum_type(CompanySize))
    business_id: Mapped[str | None] = mapped_column(String(9), unique=True)
    municipality: Mapped[str | None] = mapped_column(String(100))
    # How long the certificates it issues are valid (their credentials' validUntil); None: without an end.
    certificate_validity_months: Mapped[int | None]
    # Days after an assessment's sign-off in which its client may ask for a review (a rectification request).
    appeal_days: Mapped[int] = mapped_column(default=14, server_default="14")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self):
        return self.name


class User(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a person whose roles leave the second factor optional chose not to set one up at login (asked once).
    second_factor_skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    # Flask-Login protocol; the session id (not the user id) identifies a login, see accounts.sessions.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return str(self.id)  # replaced in the session by the login token right after login_user()

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def __str__(self):
        return self.name


class UserRole(Model):
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))


class LoginSession(Model):
    """A server-side record of one login, so logging out, a password change or deactivation really ends it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class PasswordLink(Model):
    """A one-time link with which a person sets their own password; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class TotpCredential(Model):
    """A person's authenticator app (RFC 6238 TOTP): the shared secret, stored only encrypted (accounts.second_factor).

    `last_step` is the time step of the last code accepted, so a code seen once (over a shoulder, in a proxy log) is
    refused for the rest of its window.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    encrypted_secret: Mapped[bytes] = mapped_column(LargeBinary)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_step: Mapped[int | None]


class RecoveryCode(Model):
    """A single-use code for when the authenticator is lost; only a salted hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(100))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
