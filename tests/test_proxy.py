"""Behind proxies: the client's address comes from the hops we trust (ISOK_PROXY_HOPS), never from what a client
wrote itself, so login throttling counts each real client and not everyone as the proxy."""

import http.client
import threading
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit

import pytest
from werkzeug.serving import make_server

from isok.extensions import db
from tests.conftest import PASSWORD, authenticator_code, make_test_app
from tests.reverse_proxy import reverse_proxy

ATTACKER, OWNER, PROXY = "198.51.100.7", "198.51.100.8", "127.0.0.1"
THROTTLED_AFTER = 10  # failures per address allowed by the default LOGIN_RATE_LIMIT


def _spray(post, count=THROTTLED_AFTER + 1):
    """Wrong passwords for different unknown accounts, as a password sprayer sends them; return the statuses."""
    return [post(f"victim{n}@example.org", "not the password", n) for n in range(count)]


@pytest.fixture(scope="module")
def proxied_app(app, tmp_path_factory):
    """The app behind one proxy of ours, on the same database as the `app` fixture (so tests clean it as usual)."""
    return make_test_app(tmp_path_factory, PROXY_HOPS=1, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])


def test_without_proxies_forwarded_headers_are_ignored(client, make_user):
    def post(email, password, n):
        return client.post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": ATTACKER},
            headers={"X-Forwarded-For": f"203.0.113.{n}", "X-Forwarded-Proto": "https"},
        ).status_code

    assert _spray(post) == [400] * THROTTLED_AFTER + [429]  # a new forged address each time changes nothing
    user = make_user()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": OWNER},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert response.status_code == 302
    response = client.post(
        "/login/code",
        data={"code": authenticator_code(user.email)},
        environ_base={"REMOTE_ADDR": OWNER},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response.headers  # nor does a forged scheme make the request secure
    page = client.get("/account", environ_base={"REMOTE_ADDR": OWNER}).get_data(as_text=True)
    assert OWNER in page and "203.0.113.99" not in page  # the session list shows the real address


def test_behind_one_proxy_only_the_address_it_appended_counts(proxied_app, make_user):
    client = proxied_app.test_client()

    def post(email, password, n, address=ATTACKER):
        # The attacker writes a new leftmost address each time; our proxy appends the one it really saw.
        return client.post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": PROXY},
            headers={"X-Forwarded-For": f"203.0.113.{n}, {address}", "X-Forwarded-Proto": "https"},
        )

    assert [response.status_code for response in _spray(lambda *a: post(*a))] == [400] * THROTTLED_AFTER + [429]
    user = make_user()
    response = post(user.email, PASSWORD, 99, address=OWNER)
    assert response.status_code == 302  # another client behind the same proxy is not blocked
    response = client.post(
        "/login/code",
        data={"code": authenticator_code(user.email)},
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": f"203.0.113.99, {OWNER}", "X-Forwarded-Proto": "https"},
    )
    assert response.headers["Strict-Transport-Security"]  # the proxy said the client used HTTPS
    page = client.get("/account", environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": OWNER}).get_data(
        as_text=True
    )
    assert OWNER in page and PROXY not in page and "203.0.113.99" not in page


@contextmanager
def _served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _post_from(source: str, base: str, email: str, password: str, forged: str | None = None) -> int:
    """POST the login form from a given loopback address, as a separate machine would."""
    target = urlsplit(base)
    connection = http.client.HTTPConnection(target.hostname, target.port, source_address=(source, 0), timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"}
    if forged:
        headers["X-Forwarded-For"] = forged
    try:
        connection.request("POST", "/login", body=urlencode({"email": email, "password": password}), headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize(("hops", "owner_status"), [(1, 302), (0, 429)])
def test_real_forwarding_through_a_proxy(app, tmp_path_factory, make_user, hops, owner_status):
    """Two machines (127.0.0.2 sprays passwords with forged headers, 127.0.0.3 is a user) reach the app through a
    real proxy. Trusting its one hop, the user logs in; trusting none, the app sees only the proxy and blocks both."""
    served_app = make_test_app(
        tmp_path_factory,
        PROXY_HOPS=hops,
        SERVER_NAME=None,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    email = make_user().email
    db.session.rollback()  # the test holds no transaction while the server writes
    with _served(served_app) as upstream, reverse_proxy(upstream) as proxy:

        def post(email, password, n):
            return _post_from("127.0.0.2", proxy, email, password, forged=f"203.0.113.{n}")

        assert _spray(post) == [400] * THROTTLED_AFTER + [429]
        assert _post_from("127.0.0.3", proxy, email, PASSWORD) == owner_status
