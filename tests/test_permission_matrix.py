"""Every URL rule × every role (and anonymous) answers as declared in tests/<package>/access.py."""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import url_for
from sqlalchemy import select

from isok.accounts.models import LoginSession, Organisation, OrganisationType, Role
from isok.accounts.services import create_user
from isok.app import FEATURES
from isok.extensions import db
from tests.access import ANONYMOUS, FORBIDDEN, LOGIN, NOT_FOUND, OK, ROLES, Access
from tests.conftest import PASSWORD, log_in

SKIP_METHODS = {"HEAD", "OPTIONS"}
TESTS = Path(__file__).parent
PACKAGES = sorted(".".join(p.parent.relative_to(TESTS).parts) for p in TESTS.glob("*/**/access.py"))


def _build_position(package: str) -> tuple[int, int]:
    """Where the feature (and the part of it) a package's tests cover stands in isok.app.FEATURES: the world is
    built in that order, each feature's objects on those of the features before it."""
    head, _, part = package.partition(".")
    for position, feature in enumerate(FEATURES):
        if feature.__name__.removeprefix("isok.") == head:
            parts = [sub.__name__.rsplit(".", 1)[-1] for sub in getattr(feature, "PARTS", ())]
            return position, parts.index(part) if part else 0
    raise AssertionError(f"tests/{package.replace('.', '/')}/access.py covers no feature of isok.app.FEATURES")


def _modules():
    return [importlib.import_module(f"tests.{name}.access") for name in sorted(PACKAGES, key=_build_position)]


MODULES = _modules()
DECLARED: list[Access] = [entry for module in MODULES for entry in module.ROUTES]


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - SKIP_METHODS):
            yield rule.endpoint, method


def test_every_route_has_a_declared_access_rule(app):
    declared = {(entry.endpoint, entry.method) for entry in DECLARED}
    missing = sorted(set(_rules(app)) - declared)
    assert missing == [], f"routes without an access decision in tests/*/access.py: {missing}"


def test_declarations_name_only_existing_routes(app):
    existing = set(_rules(app))
    stale = sorted({(e.endpoint, e.method) for e in DECLARED} - existing)
    assert stale == [], f"declared but not routes of the app: {stale}"


def build_world() -> SimpleNamespace:
    """Two organisations, and in each one user per role; then whatever each package adds."""
    world = SimpleNamespace()
    world.org = Organisation(name="Home Organisation", type=OrganisationType.EDUCATION_PROVIDER)
    world.other_org = Organisation(name="Other Organisation", type=OrganisationType.EDUCATION_PROVIDER)
    db.session.add_all([world.org, world.other_org])
    world.users, world.other_users = {}, {}
    for role in Role:
        world.users[role.value] = create_user(
            None,
            email=f"{role.value}@home.example",
            name=f"Home {role.value}",
            roles={role},
            organisation=world.org,
            password=PASSWORD,
        )
        world.other_users[role.value] = create_user(
            None,
            email=f"{role.value}@other.example",
            name=f"Other {role.value}",
            roles={role},
            organisation=world.other_org,
            password=PASSWORD,
        )
    db.session.commit()
    for module in MODULES:
        if hasattr(module, "build_world"):
            module.build_world(world)
            db.session.commit()
    return world


def _outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/login?next=" in location:  # the guard's redirect, not a view's own
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code < 400 or response.status_code in (400, 409, 422):
        return OK
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_declared(app, role):
    world = build_world()
    # A session of someone else, for the routes that act on one's own sessions.
    other_client = app.test_client()
    log_in(other_client, world.other_users["client"])
    world.foreign_session_id = db.session.scalar(
        select(LoginSession.id).where(LoginSession.user_id == world.other_users["client"].id)
    )
    wrong = []
    for entry in DECLARED:
        client = app.test_client()
        if role != ANONYMOUS:
            log_in(client, world.users[role])
        with app.test_request_context():
            url = url_for(entry.endpoint, **entry.params(world, role))
        response = client.open(url, method=entry.method, data=entry.data(world, role))
        outcome = _outcome(response)
        response.close()  # streamed downloads hold their file open until the response is closed
        if outcome != entry.expected[role]:
            wrong.append(
                f"{entry.method} {url} ({entry.variant or entry.endpoint}): "
                f"expected {entry.expected[role]}, got {outcome}"
            )
    assert wrong == [], f"as {role}:\n" + "\n".join(wrong)
