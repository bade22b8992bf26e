"""Account operations: plain functions taking the acting user; they flush and audit, the caller commits."""

import hashlib
import re
import secrets
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, and_, delete, func, or_, select, update

from isok import audit
from isok.accounts import passwords, sessions
from isok.accounts.models import (
    CompanySize,
    LoginSession,
    Organisation,
    OrganisationType,
    PasswordLink,
    RecoveryCode,
    Role,
    TotpCredential,
    User,
    UserRole,
)
from isok.database import utcnow
from isok.extensions import db
from isok.rules import RuleBroken
from isok.translation import gettext as _


class AccountError(RuleBroken):
    """A rule of the accounts domain was broken; the message is shown to the user next to the field."""


# --- login -----------------------------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """Return the user for correct credentials, else None: an unknown email and a wrong password look the same.

    An unknown email costs a password hash too, so the time taken does not tell either. Guessing is slowed by
    throttling each address and each address with an account (the login view), never by locking the account: a
    lock would let anyone who knows an email address keep its owner out.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None:
        return None
    if not ok:
        audit.record(None, "login_failed", user)
        return None
    if not user.active:
        return None
    if user.password_hash is not None and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def log_in(user: User, second_factor: str | None = None) -> LoginSession:
    """Start the user's logged-in session; `second_factor` names what they showed after the password, if anything."""
    row = sessions.start(user)
    audit.record(user, "login", user, changes={"second_factor": second_factor} if second_factor else None)
    return row


def log_out(user: User) -> None:
    audit.record(user, "logout", user)
    sessions.end()


# --- own account -----------------------------------------------------------------------------------------------


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise AccountError(_("Use at least %(n)d characters.", n=passwords.MIN_LENGTH), field)


def change_password(user: User, current_password: str, new_password: str) -> int:
    """Change the user's password and end every other session of theirs; return how many were ended."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is not correct."), "current_password")
    check_password_strength(new_password, "new_password")
    user.password_hash = passwords.hash_password(new_password)
    ended = sessions.revoke_all(user, keep=sessions.current())
    audit.record(user, "password_changed", user, changes={"sessions_ended": ended})
    return ended


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        audit.record(user, "locale_changed", user, changes={"locale": [user.locale, locale]})
        user.locale = locale


def end_session(user: User, session_id: int) -> None:
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise AccountError(_("That session has already ended."))
    row.revoked_at = utcnow()
    audit.record(user, "session_ended", row)


# --- password links --------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(actor: User, user: User) -> str:
    """Create a one-time password-set token for the user (earlier unused links stop working)."""
    now = utcnow()
    for old in db.session.scalars(
        select(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    link = PasswordLink(
        token_hash=_token_hash(token),
        user_id=user.id,
        created_by_id=actor.id,
        expires_at=now + current_app.config["PASSWORD_LINK_LIFETIME"],
    )
    db.session.add(link)
    audit.record(actor, "password_link_issued", user)
    return token


def password_link(token: str) -> PasswordLink | None:
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at < utcnow() or not link.user.active:
        return None
    return link


def set_password_from_link(link: PasswordLink, new_password: str) -> User:
    check_password_strength(new_password)
    user = link.user
    user.password_hash = passwords.hash_password(new_password)
    link.used_at = utcnow()
    sessions.revoke_all(user)
    audit.record(user, "password_set_from_link", user)
    return user


# --- user administration ---------------------------------------------------------------------------------------

USER_FIELDS = ["email", "name", "organisation_id", "active", "locale"]


def _check_email_free(email: str, user: User | None = None) -> str:
    email = email.strip().lower()
    other = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if other is not None and other is not user:
        raise AccountError(_("Another user already has this email address."), "email")
    return email


def create_user(
    actor: User,
    *,
    email: str,
    name: str,
    roles: set[Role],
    organisation: Organisation | None = None,
    password: str | None = None,
    locale: str | None = None,
) -> User:
    user = User(
        email=_check_email_free(email),
        name=name.strip(),
        organisation=organisation,
        locale=locale,
        password_hash=passwords.hash_password(password) if password else None,
    )
    db.session.add(user)
    _set_roles(user, roles)
    db.session.flush()
    audit.record(actor, "user_created", user, changes={**audit.snapshot(user, USER_FIELDS), "roles": roles})
    return user


def _set_roles(user: User, roles: set[Role]) -> None:
    if not roles:
        raise AccountError(_("Choose at least one role."), "roles")
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=role) for role in sorted(roles - user.roles)
    ]


def update_user(
    actor: User, user: User, *, email: str, name: str, roles: set[Role], organisation: Organisation | None
) -> None:
    before_roles = user.roles
    if user.id == actor.id and Role.ADMIN not in roles:
        raise AccountError(_("You cannot remove your own administrator role."), "roles")
    user.email = _check_email_free(email, user)
    user.name = name.strip()
    user.organisation = organisation
    _set_roles(user, roles)
    changes = audit.changes_of(user, USER_FIELDS)
    if before_roles != roles:
        changes["roles"] = [before_roles, roles]
    if changes:
        audit.record(actor, "user_updated", user, changes=changes)


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        sessions.revoke_all(user)
    audit.record(
        actor, "user_activated" if active else "user_deactivated", user, changes={"active": [not active, active]}
    )


def erase_login(actor: User, user: User) -> None:
    """Close for good the login of a person whose data is erased: no way in, nothing left that names them.

    The row stays (audit entries and records point at it); the address becomes a reserved, undeliverable one. Its
    second factor goes, and its sessions (each kept the address and browser it came from), and so do the addresses
    in the trail of what the person did and of the attempts to log in as them.
    """
    user.active = False
    user.email = f"erased-{user.id}@erased.invalid"  # .invalid never resolves (RFC 2606)
    user.name = audit.ERASED
    user.password_hash = None
    user.locale = None
    gone = cast(CursorResult, db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)))
    sessions_gone = gone.rowcount
    db.session.execute(delete(PasswordLink).where(PasswordLink.user_id == user.id))
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.redact("user", user.id, ("email", "name"))
    db.session.execute(
        update(audit.AuditEntry)
        .where(
            or_(
                audit.AuditEntry.actor_id == user.id,
                and_(audit.AuditEntry.object_type == "user", audit.AuditEntry.object_id == user.id),
            )
        )
        .values(ip=None)
    )
    audit.record(actor, "user_erased", user, changes={"sessions": sessions_gone})


# --- organisations ---------------------------------------------------------------------------------------------

BUSINESS_ID = re.compile(r"^(\d{7})-(\d)$")
ORGANISATION_FIELDS = [
    "name",
    "type",
    "size_class",
    "business_id",
    "municipality",
    "certificate_validity_months",
    "appeal_days",
]
APPEAL_DAYS = 14  # Finnish vocational law: a rectification of an assessment is asked for within 14 days


def valid_business_id(value: str) -> bool:
    """Check a Finnish business ID (Y-tunnus): seven digits, a hyphen and a modulo-11 check digit."""
    match = BUSINESS_ID.match(value)
    if not match:
        return False
    weights = (7, 9, 10, 5, 8, 4, 2)
    remainder = sum(int(d) * w for d, w in zip(match.group(1), weights, strict=True)) % 11
    if remainder == 1:
        return False
    return int(match.group(2)) == (0 if remainder == 0 else 11 - remainder)


def _apply_organisation(
    org: Organisation,
    *,
    name,
    type,
    size_class,
    business_id,
    municipality,
    certificate_validity_months=None,
    appeal_days=None,
) -> None:
    business_id = (business_id or "").strip() or None
    if business_id and not valid_business_id(business_id):
        raise AccountError(_("This is not a valid Finnish business ID (format 1234567-8)."), "business_id")
    name = name.strip()
    clash = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if clash is not None and clash is not org:
        raise AccountError(_("An organisation with this name already exists."), "name")
    if business_id:
        clash = db.session.scalar(select(Organisation).where(Organisation.business_id == business_id))
        if clash is not None and clash is not org:
            raise AccountError(_("Another organisation already has this business ID."), "business_id")
    org.name = name
    org.type = OrganisationType(type)
    org.size_class = CompanySize(size_class) if size_class and org.type is OrganisationType.COMPANY else None
    org.business_id = business_id
    org.municipality = (municipality or "").strip() or None
    org.certificate_validity_months = certificate_validity_months or None
    org.appeal_days = appeal_days or APPEAL_DAYS


def create_organisation(actor: User, **fields) -> Organisation:
    org = Organisation()
    _apply_organisation(org, **fields)
    db.session.add(org)
    audit.record(actor, "organisation_created", org, changes=audit.snapshot(org, ORGANISATION_FIELDS))
    return org


def update_organisation(actor: User, org: Organisation, **fields) -> None:
    _apply_organisation(org, **fields)
    changes = audit.changes_of(org, ORGANISATION_FIELDS)
    if changes:
        audit.record(actor, "organisation_updated", org, changes=changes)
