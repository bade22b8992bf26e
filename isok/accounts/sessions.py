"""Server-side login sessions: the cookie carries only a random token naming a row that can be revoked."""

import hashlib
import secrets
import time

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from isok.accounts.models import LoginSession, User
from isok.database import begin_write, request_writes, utcnow
from isok.extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


PENDING = "pending_login"
PENDING_SECONDS = 600  # time to find the phone (or install the app) between the password and the code


def _fresh_session() -> None:
    """Clear everything the browser brought (no fixation), but the language picked on the login page."""
    chosen_locale = session.get("locale")
    session.clear()
    if chosen_locale:
        session["locale"] = chosen_locale


def hold(user: User, next_url: str | None) -> None:
    """Remember, in a fresh session, that the user's password was right and their second factor is still to come.

    Nothing else is granted: the browser is not logged in (every page but the second-factor step answers as to a
    visitor), until `start` replaces this session with a logged-in one.
    """
    _fresh_session()
    session[PENDING] = {"user": user.id, "at": int(time.time()), "next": next_url}


def pending_user() -> User | None:
    """The user whose password was right in this browser a moment ago, still active, waiting for the second step."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.active else None


def pending_next() -> str | None:
    return (session.get(PENDING) or {}).get("next")


def drop_pending() -> None:
    _fresh_session()


def start(user: User) -> LoginSession:
    """Log the user in with a fresh session record (the old session is cleared first: no fixation)."""
    _fresh_session()
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=_hash(token),
        user_id=user.id,
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(row)
    db.session.flush()
    login_user(user)
    session["_user_id"] = token  # Flask-Login reloads the user from this token, see load_user below
    session.permanent = True
    g.login_session = row
    return row


def end() -> None:
    row = current()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
    logout_user()
    session.clear()


def current() -> LoginSession | None:
    return g.get("login_session")


def revoke_all(user: User, keep: LoginSession | None = None) -> int:
    rows = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for row in rows:
        if keep is None or row.id != keep.id:
            row.revoked_at = now
    return len(rows) - (1 if keep is not None and keep in rows else 0)


def active_sessions(user: User) -> list[LoginSession]:
    cutoff_idle = utcnow() - current_app.config["SESSION_IDLE_TIMEOUT"]
    cutoff_absolute = utcnow() - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    return db.session.scalars(
        select(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.revoked_at.is_(None),
            LoginSession.last_seen_at > cutoff_idle,
            LoginSession.created_at > cutoff_absolute,
        )
        .order_by(LoginSession.last_seen_at.desc())
    ).all()


def load_user(token: str) -> User | None:
    """Flask-Login's user loader (installed by accounts.init_app): the user of a live, unexpired login session."""
    # the session, its user and the user's roles in one statement: this runs before every page
    row = (
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.token_hash == _hash(token))
            .options(joinedload(LoginSession.user).joinedload(User.role_rows))
        )
        .unique()
        .first()
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    config = current_app.config
    idle, age = now - row.last_seen_at, now - row.created_at
    if idle > config["SESSION_IDLE_TIMEOUT"] or age > config["SESSION_ABSOLUTE_TIMEOUT"]:
        return None
    if idle > config["SESSION_TOUCH_INTERVAL"]:
        _touch(row, now)
    g.login_session = row
    return row.user


def _touch(row: LoginSession, now) -> None:
    """Note activity in the request's own transaction, never in a second one.

    A writing request already holds the database's write lock (BEGIN IMMEDIATE on SQLite), so a second write
    transaction would wait for the request itself until the busy timeout; the touch rides along with the
    request's own commit instead. A reading request writes nothing else, so its read transaction is ended and the
    touch committed on the same session before the page is read.
    """
    if request_writes():
        row.last_seen_at = now
        return
    begin_write(db.session)
    row.last_seen_at = now
    db.session.commit()
