"""The one place that answers "may this user do this to that object".

Views, templates and services all ask these functions. Function-level rules are capabilities held by roles
(a missing capability answers 403); object rules are scoped queries and predicates (an object outside them
answers 404, so ids reveal nothing).
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from isok.accounts.models import Role

MANAGE_USERS = "manage_users"
MANAGE_ORGANISATIONS = "manage_organisations"
VIEW_AUDIT = "view_audit"

ROLE_CAPABILITIES: dict[Role, set[str]] = {
    Role.ADMIN: {MANAGE_USERS, MANAGE_ORGANISATIONS, VIEW_AUDIT},
    Role.PROJECT_MANAGER: set(),
    Role.COUNSELLOR: set(),
    Role.TEACHER: set(),
    Role.WORKPLACE_TUTOR: set(),
    Role.CLIENT: set(),
}


def capabilities(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set().union(*(ROLE_CAPABILITIES[role] for role in user.roles))


def can(user, capability: str) -> bool:
    return capability in capabilities(user)


def requires(capability: str):
    """Route decorator: anonymous users go to the login page, users without the capability get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, capability):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
