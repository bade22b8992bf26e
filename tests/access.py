"""The vocabulary of the permission matrix: who may use which route, and with which objects.

Each package declares its routes in tests/<package>/access.py as a list `ROUTES` of `Access` entries and may add
to the test world with a `build_world(world)` function. tests/test_permission_matrix.py collects them all and
fails when a URL rule of the app has no declaration.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "admin", "project_manager", "counsellor", "teacher", "workplace_tutor", "client")
STAFF = ("admin", "project_manager", "counsellor", "teacher", "workplace_tutor")
SIGNED_IN = ROLES[1:]

OK = "ok"  # served (a form re-shown with errors counts: the user was let in)
LOGIN = "login"  # sent to the login page
FORBIDDEN = "forbidden"  # 403: the role lacks the function
NOT_FOUND = "not_found"  # 404: the object is not the user's to see, or does not exist


def expect(allowed=(), *, ok=OK, other=FORBIDDEN, anonymous=LOGIN, **per_role) -> dict[str, str]:
    """Expectations per role: `allowed` roles get `ok`, other signed-in roles `other`, anonymous `anonymous`."""
    table = {role: (ok if role in allowed else other) for role in SIGNED_IN}
    table[ANONYMOUS] = anonymous
    table.update(per_role)
    return table


PUBLIC = expect(SIGNED_IN, anonymous=OK)
SIGNED_IN_ONLY = expect(SIGNED_IN)


@dataclass
class Access:
    endpoint: str
    method: str
    expected: dict[str, str]
    params: Callable[[SimpleNamespace, str], dict] = field(default=lambda world, role: {})
    data: Callable[[SimpleNamespace, str], dict] = field(default=lambda world, role: {})
    variant: str = ""  # e.g. "own", "foreign", "missing" when one route is declared for several objects


MISSING_ID = 987654321


def client_case(world: SimpleNamespace, side: str = "own"):
    """The case of the client who logs in as `world.users["client"]` ("own") or `world.other_users["client"]`
    ("foreign"), made once and shared by every package's part of the world (a login belongs to one client)."""
    from datetime import date

    from cases.models import Client, Stage
    from isok.extensions import db
    from tests import factories

    cache = world.__dict__.setdefault("client_cases", {})
    if side not in cache:
        users, org = (world.users, world.org) if side == "own" else (world.other_users, world.other_org)
        client = db.session.scalar(db.select(Client).where(Client.user_id == users["client"].id))
        if client is None:
            client = factories.new_client(org, user=users["client"], first_name="Access", last_name=f"Client {side}")
        cache[side] = factories.new_case(
            org, users["counsellor"], client=client, stage=Stage.ASSESSMENT, entry_date=date(2026, 1, 5)
        )
    return cache[side]
