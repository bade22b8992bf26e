"""The second factor at sign-in (OWASP ASVS level 2): an authenticator app (RFC 6238 TOTP) and single-use recovery
codes for when it is lost.

Staff who see many people's data (administrators, project managers, counsellors, teachers) must use one; workplace
tutors and clients may. The TOTP secret is stored only encrypted (AES-256-GCM, the key derived with HKDF-SHA256 from
ISOK_MFA_ENCRYPTION_KEY or the instance's secret key, the ciphertext bound to its user); recovery codes only as
salted SHA-256 hashes (50 random bits each, single use, and throttled like passwords). Codes are accepted one time
step (30 s) either side of the server's clock, but never a step at or before the last one accepted: a code seen once
cannot be used again.
"""

import base64
import enum
import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from markupsafe import escape
from sqlalchemy import delete, func, or_, select, update

from isok import audit, encryption
from isok.accounts import sessions
from isok.accounts.models import RecoveryCode, Role, TotpCredential, User
from isok.database import utcnow
from isok.extensions import db
from isok.rules import RuleBroken
from isok.translation import gettext as _

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR, Role.TEACHER})
ISSUER = "isok"
RECOVERY_CODE_COUNT = 10
# 31 letters and digits that cannot be mistaken for one another (no i, l, o, 0, 1): ten of them are 50 bits.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_SECRETS = encryption.Keyring("MFA_ENCRYPTION_KEY", b"isok totp secrets v1")


class SecondFactorError(RuleBroken):
    """A code was not accepted; the message is shown next to the code field."""


class Step(enum.StrEnum):
    """What the login asks for after a correct password."""

    VERIFY = "verify"  # a code from the authenticator set up before
    ENROL = "enrol"  # set one up now: the roles require it
    OFFER = "offer"  # set one up now, or not (asked once)


def required(user: User) -> bool:
    return current_app.config["REQUIRE_MFA"] and user.has_role(*REQUIRED_ROLES)


def credential(user: User) -> TotpCredential | None:
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))


def step_after_password(user: User) -> Step | None:
    if credential(user) is not None:
        return Step.VERIFY  # whoever has set one up is asked for it, required or not
    if required(user):
        return Step.ENROL
    if current_app.config["REQUIRE_MFA"] and user.second_factor_skipped_at is None:
        return Step.OFFER
    return None


# --- the secret: made, shown, stored encrypted ------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def seal(secret: str, user_id: int, purpose: str = "totp") -> bytes:
    """Encrypt a TOTP secret for one user; `purpose` keeps a secret offered for enrolment apart from a stored one."""
    return _SECRETS.encrypt(secret.encode(), f"isok {purpose} {user_id}".encode())


def unseal(blob: bytes, user_id: int, purpose: str = "totp") -> str | None:
    """The secret, or None when it does not decrypt (the encryption key, or the secret key it came from, changed)."""
    try:
        return _SECRETS.decrypt(blob, f"isok {purpose} {user_id}".encode()).decode()
    except encryption.UnknownFormat:
        return None
    except encryption.Unreadable:
        if purpose != "totp":
            return None  # an offer made to another account in this browser, or before the key changed
        current_app.logger.warning(
            "The second factor of user %s does not decrypt with this installation's key: "
            "only its recovery codes work until an administrator resets it.",
            user_id,
        )
        return None


def secret_of(user: User) -> str | None:
    row = credential(user)
    return unseal(row.encrypted_secret, user.id) if row is not None else None


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str, label: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, no script; light modules drawn for dark themes)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, light="#fff", title=label)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four, as authenticator apps accept it typed by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _code_digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step (now, or one either side) whose code this is, if it comes after `after`."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now())
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# --- recovery codes ------------------------------------------------------------------------------------------------


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "").lower())


def _hash_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    return f"{salt}${hashlib.sha256((salt + _normalise(code)).encode()).hexdigest()}"


def _issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; return them to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(_RECOVERY_LENGTH))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _use_recovery_code(user: User, code: str) -> bool:
    typed = _normalise(code)
    if len(typed) != _RECOVERY_LENGTH:
        return False
    for row in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        salt = row.code_hash.split("$", 1)[0]
        if hmac.compare_digest(_hash_code(typed, salt), row.code_hash):
            # Spent in one statement, so two requests racing with the same code cannot both get in.
            return (
                db.session.execute(
                    update(RecoveryCode)
                    .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                    .values(used_at=utcnow())
                ).rowcount
                == 1
            )
    return False


# --- services ------------------------------------------------------------------------------------------------------


def _use_totp(user: User, row: TotpCredential, code: str) -> bool:
    secret = unseal(row.encrypted_secret, user.id)
    digits = _code_digits(code)
    if secret is None or not re.fullmatch(r"\d{6}", digits):
        return False
    step = _matching_step(secret, digits, row.last_step)
    if step is None:
        return False
    # Remembered in one statement, so the same code sent twice at once gets in once.
    return (
        db.session.execute(
            update(TotpCredential)
            .where(
                TotpCredential.id == row.id,
                or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step),
            )
            .values(last_step=step)
            .execution_options(synchronize_session="fetch")
        ).rowcount
        == 1
    )


def check(user: User, code: str) -> str | None:
    """Accept an authenticator code or an unused recovery code of the user: return which it was ("totp" or
    "recovery_code"), or None after auditing the failed attempt."""
    row = credential(user)
    if row is not None and _use_totp(user, row, code):
        return "totp"
    if row is not None and _use_recovery_code(user, code):
        audit.record(user, "recovery_code_used", user, changes={"left": recovery_codes_left(user)})
        return "recovery_code"
    audit.record(None, "second_factor_failed", user)
    return None


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Set up the user's authenticator once they show it makes the right codes; return their new recovery codes."""
    digits = _code_digits(code)
    step = _matching_step(secret, digits, None) if re.fullmatch(r"\d{6}", digits) else None
    if step is None:
        raise SecondFactorError(
            _("This is not the code your app shows now. Check that the app's clock is right and type the newest code."),
            "code",
        )
    if credential(user) is not None:
        raise SecondFactorError(_("A second factor is already set up for this account."), "code")
    db.session.add(TotpCredential(user_id=user.id, encrypted_secret=seal(secret, user.id), last_step=step))
    user.second_factor_skipped_at = None
    codes = _issue_recovery_codes(user)
    audit.record(user, "second_factor_enrolled", user)
    return codes


def renew_recovery_codes(user: User, code: str) -> list[str]:
    """Replace the user's recovery codes (the earlier ones stop working), confirmed with a current app code."""
    row = credential(user)
    if row is None or not _use_totp(user, row, code):
        audit.record(None, "second_factor_failed", user)
        raise SecondFactorError(_("This code is not right, or it was already used."), "code")
    codes = _issue_recovery_codes(user)
    audit.record(user, "recovery_codes_renewed", user)
    return codes


def skip(user: User) -> None:
    """Note that a person for whom the second factor is optional chose not to set one up now."""
    if required(user):
        raise SecondFactorError(_("Your role requires a second factor."))
    user.second_factor_skipped_at = utcnow()
    audit.record(user, "second_factor_skipped", user)


def reset(actor: User, user: User) -> None:
    """Remove the user's authenticator and recovery codes and end their sessions: they set up a new one at their next
    login (or, where it is optional, are offered to)."""
    had = db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id)).rowcount
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.second_factor_skipped_at = None
    ended = sessions.revoke_all(user)
    audit.record(actor, "second_factor_reset", user, changes={"had_second_factor": bool(had), "sessions_ended": ended})


def enrol_demo(user: User, secret: str) -> None:
    """Set up a demo account with the demo secret printed by `flask demo` (no recovery codes: the demo has none)."""
    if credential(user) is None:
        db.session.add(TotpCredential(user_id=user.id, encrypted_secret=seal(secret, user.id)))
        audit.record(None, "second_factor_enrolled", user, changes={"demo": True})


def encode(blob: bytes) -> str:
    return base64.urlsafe_b64encode(blob).decode()


def decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())
