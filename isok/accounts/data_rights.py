"""The login's part of a client's data export and of their erasure (declared in accounts.init_app).

Accounts knows nothing of clients: it is handed the client record and reads only its `user`, the person's login.
"""

from sqlalchemy import select

from isok import audit, hooks
from isok.accounts import services
from isok.accounts.models import LoginSession, PasswordLink, RecoveryCode, TotpCredential
from isok.extensions import db
from isok.i18n import language_name

SESSION_FIELDS = ["id", "created_at", "last_seen_at", "revoked_at", "ip", "user_agent"]


def account_part(client) -> list[hooks.ExportPart]:
    """The login, its roles, every session (when, from which address and browser) and its password links.

    Withheld: the password hash, the token hashes of sessions and links, the authenticator's secret and the recovery
    codes' hashes. They are secrets derived from what only the person knew or was sent, worthless to them and
    dangerous in a file that travels; the export says when the second factor was set up and which codes were used.
    """
    user = client.user
    if user is None:
        return []
    sessions = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id)
    ).all()
    links = db.session.scalars(select(PasswordLink).where(PasswordLink.user_id == user.id).order_by(PasswordLink.id))
    authenticator = db.session.scalars(select(TotpCredential).where(TotpCredential.user_id == user.id)).all()
    codes = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id).order_by(RecoveryCode.id)
    ).all()
    data = {
        **audit.snapshot(user, ["id", "email", "name", "locale", "active", "created_at"]),
        "roles": [audit.snapshot(row, ["id", "role"]) for row in user.role_rows],
        "sessions": [audit.snapshot(row, SESSION_FIELDS) for row in sessions],
        "password_links": [audit.snapshot(link, ["id", "created_at", "expires_at", "used_at"]) for link in links],
        "second_factor": [audit.snapshot(row, ["id", "enrolled_at"]) for row in authenticator],
        "recovery_codes": [audit.snapshot(row, ["id", "used_at"]) for row in codes],
    }
    context = {"user": user, "sessions": sessions, "language": language_name(user.locale) if user.locale else None}
    return [
        hooks.ExportPart(
            "account",
            data,
            "accounts/export_summary.html",
            context=context,
            tables=("user", "user_role", "login_session", "password_link", "totp_credential", "recovery_code"),
        )
    ]


def erase_login(actor, client) -> None:
    if client.user is not None:
        services.erase_login(actor, client.user)
