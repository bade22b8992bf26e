"""The application shell: factory, security headers, CSRF, size limits and error pages."""

import pytest
from flask import url_for

from isok import create_app
from isok.accounts.models import Role
from tests.conftest import make_test_app


def test_factory_reads_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ISOK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("ISOK_DEMO_PASSWORD", "from-the-environment")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")
    assert app.config["DEMO_PASSWORD"] == "from-the-environment"


def test_secret_key_is_generated_once_into_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ISOK_SECRET_KEY", raising=False)
    from isok import config

    first = config.load(str(tmp_path))["SECRET_KEY"]
    second = config.load(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_private_pages_are_not_cached(client, make_user, login):
    login(make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_unknown_page_answers_404_in_the_users_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_signed_in_user_without_the_function_gets_403(client, make_user, login):
    login(make_user(Role.CLIENT))
    response = client.get("/admin/users")
    assert response.status_code == 403


def test_oversized_request_gets_the_413_page(app, client):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def csrf_app(tmp_path_factory):
    from isok.extensions import db

    app = make_test_app(tmp_path_factory, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
    return app


def test_post_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "whatever it is"})
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)


def test_every_route_that_accepts_post_refuses_one_without_token(csrf_app):
    client = csrf_app.test_client()
    posts = [rule for rule in csrf_app.url_map.iter_rules() if "POST" in rule.methods]
    assert posts
    for rule in posts:
        with csrf_app.test_request_context():
            url = url_for(rule.endpoint, **{name: 1 for name in rule.arguments})
        assert client.post(url).status_code == 400, url


def test_unexpected_error_shows_the_500_page_without_a_trace(tmp_path_factory):
    app = make_test_app(tmp_path_factory, TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and "secret internals" not in page and "Traceback" not in page


def test_a_save_that_loses_the_race_gets_the_409_page(tmp_path_factory, make_organisation):
    from sqlalchemy.orm.exc import StaleDataError

    app = make_test_app(tmp_path_factory)

    @app.post("/race")
    def race():
        raise StaleDataError("UPDATE statement on table 'case' expected to update 1 row(s); 0 were matched.")

    response = app.test_client().post("/race")
    assert response.status_code == 409
    assert "Someone else saved the same record" in response.get_data(as_text=True)
