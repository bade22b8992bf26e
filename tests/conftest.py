"""Fixtures: one app per test session, a clean database for every test (SQLite, or PostgreSQL when
ISOK_TEST_DATABASE_URL is set), and small factories for the records tests need."""

import contextvars
import importlib
import os
import re
from itertools import count
from pathlib import Path

import pyotp
import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from isok import create_app
from isok.accounts import second_factor
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, OrganisationType, Role, TotpCredential, User
from isok.extensions import db, limiter

PASSWORD = "correct horse battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the authenticator of every user make_user sets one up for
# argon2 at its cheapest: the real cost (~90 ms a hash) would dominate a suite that logs in hundreds of times.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own application context, as in production.

    Tests keep an application context open to use the database; without this, requests would share its `g`
    (and Flask-Login's cached user) and its database session. Before each request the test's session ends its
    transaction (factories commit what they make), so the request can write and the test then sees what it wrote.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            db.session.rollback()  # end the test's own transaction so the request can write
        return contextvars.copy_context().run(self._open_alone, *args, **kwargs)

    def _open_alone(self, *args, **kwargs):
        _cv_app.set(None)
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept-Language", "en")  # assertions read the English source texts
        return super().open(*args, headers=headers, **kwargs)


def make_test_app(tmp_path_factory, **overrides):
    base = tmp_path_factory.mktemp("instance")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": os.environ.get("ISOK_TEST_DATABASE_URL") or f"sqlite:///{base / 'test.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_PARAMETERS": CHEAP_ARGON2,
        "FILES_DIR": str(base / "files"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
        "BABEL_DEFAULT_LOCALE": "en",  # services called outside a request speak English, as the assertions do
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = IsolatedClient
    _made_apps.append(app)
    return app


_made_apps = []


@pytest.fixture(scope="session", autouse=True)
def _close_database_connections():
    """Close every test app's pooled connections at the end, so none is left for the garbage collector."""
    yield
    for made in _made_apps:
        with made.app_context():
            db.engine.dispose()


ROOT = Path(__file__).resolve().parent.parent


def import_all_models():
    """Import every models module, so the metadata knows every table before it is created or compared."""
    for path in (
        sorted(ROOT.glob("*/models.py"))
        + sorted(ROOT.glob("isok/*/models.py"))
        + sorted(ROOT.glob("assessment/*/models.py"))
    ):
        importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    import_all_models()
    app = make_test_app(tmp_path_factory)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Every test starts from empty tables and fresh rate-limit counters."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_sequence = count(1)


@pytest.fixture
def make_organisation(app):
    def make(name=None, type=OrganisationType.EDUCATION_PROVIDER, **fields):
        organisation = Organisation(name=name or f"Organisation {next(_sequence)}", type=type, **fields)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


def give_authenticator(user, secret=TOTP_SECRET) -> None:
    """Set up the user's second factor with a known secret, as if they had enrolled with it."""
    db.session.add(TotpCredential(user_id=user.id, encrypted_secret=second_factor.seal(secret, user.id)))
    db.session.commit()


@pytest.fixture
def make_user(app, make_organisation):
    """Make a user; those whose roles require a second factor have one (TOTP_SECRET) unless `authenticator=False`."""

    def make(*roles, email=None, name=None, organisation=None, password=PASSWORD, authenticator=None, **fields):
        roles = set(roles) or {Role.COUNSELLOR}
        n = next(_sequence)
        user = account_services.create_user(
            None,
            email=email or f"user{n}@example.org",
            name=name or f"User {n}",
            roles=roles,
            organisation=organisation,
            password=password,
            **fields,
        )
        db.session.commit()
        if authenticator or (authenticator is None and second_factor.required(user)):
            give_authenticator(user)
        return user

    return make


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    return match.group(1)


def authenticator_code(email: str) -> str:
    """The code the user's authenticator shows now. A test logs the same person in several times within one 30-second
    step, which no person does, so the step last used is forgotten first (tests/accounts/test_second_factor.py shows
    that a code cannot be used twice)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    row = second_factor.credential(user)
    row.last_step = None
    db.session.commit()
    return pyotp.TOTP(second_factor.secret_of(user)).now()


def log_in(client, user_or_email, password=PASSWORD):
    """Log in as a person would: the password, then the code from their authenticator; one who has none sets one up
    where their roles require it (with a key of their own), and says "not now" where it is optional."""
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    if location.endswith("/login/code"):
        response = client.post("/login/code", data={"code": authenticator_code(email)})
    elif location.endswith("/login/enrol"):
        page = client.get("/login/enrol").get_data(as_text=True)
        if 'action="/login/skip"' in page:
            response = client.post("/login/skip")
        else:
            key = re.search(r'class="totp-key" dir="ltr">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
            response = client.post("/login/enrol", data={"code": pyotp.TOTP(key).now()})
            assert response.status_code == 200 and "Your recovery codes" in response.get_data(as_text=True)
            return response
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def second_step(request) -> None:
    """The second step of a login through a real server (forms with their CSRF tokens): the code of TOTP_SECRET, or,
    for someone with no second factor yet, setting one up (or "not now" where it is optional). `request(path, data)`
    sends a GET (or a POST of data) and answers (status, page)."""
    status, page = request("/login/code")
    if status == 200:
        status, _ = request("/login/code", {"code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": csrf_token(page)})
        assert status == 302, f"the code was refused ({status})"
        return
    status, page = request("/login/enrol")
    if status != 200:
        return  # nothing asked: logged in with the password
    if 'action="/login/skip"' in page:
        status, _ = request("/login/skip", {"csrf_token": csrf_token(page)})
        assert status == 302, f"not now was refused ({status})"
        return
    key = re.search(r'class="totp-key" dir="ltr">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    status, _ = request("/login/enrol", {"code": pyotp.TOTP(key).now(), "csrf_token": csrf_token(page)})
    assert status == 200, f"setting up the second factor was refused ({status})"


@pytest.fixture
def login(client):
    """Log the test client in as a user with the given roles, or as the given user; return the user."""

    def as_(user):
        log_in(client, user)
        return user

    return as_
