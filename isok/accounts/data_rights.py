"""The login's part of a client's data export and of their erasure (declared in accounts.init_app).

Accounts knows nothing of clients: it is handed the client record and reads only its `user`, the person's login.
"""

from sqlalchemy import select

from isok import audit, hooks
from isok.accounts import services
from isok.accounts.models import LoginSession, PasswordLink
from isok.extensions import db
from isok.i18n import language_name

SESSION_FIELDS = ["id", "created_at", "last_seen_at", "revoked_at", "ip", "user_agent"]


def account_part(client) -> list[hooks.ExportPart]:
    """The login, its roles, every session (when, from which address and browser) and its password links.

    Withheld: the password hash and the token hashes of sessions and links. They are secrets derived from what
    only the person knew or was sent, worthless to them and dangerous in a file that travels.
    """
    user = client.user
    if user is None:
        return []
    sessions = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)
                                  .order_by(LoginSession.id)).all()
    links = db.session.scalars(select(PasswordLink).where(PasswordLink.user_id == user.id).order_by(PasswordLink.id))
    data = {
        **audit.snapshot(user, ["id", "email", "name", "locale", "active", "created_at"]),
        "roles": [audit.snapshot(row, ["id", "role"]) for row in user.role_rows],
        "sessions": [audit.snapshot(row, SESSION_FIELDS) for row in sessions],
        "password_links": [audit.snapshot(link, ["id", "created_at", "expires_at", "used_at"]) for link in links],
    }
    context = {"user": user, "sessions": sessions, "language": language_name(user.locale) if user.locale else None}
    return [hooks.ExportPart("account", data, "accounts/export_summary.html", context=context,
                             tables=("user", "user_role", "login_session", "password_link"))]


def erase_login(actor, client) -> None:
    if client.user is not None:
        services.erase_login(actor, client.user)
