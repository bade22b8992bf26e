"""Browser tests: the app on a live local server with demo data, driven by Playwright in Debian's Chromium."""

import re
import threading

import pyotp
import pytest
from werkzeug.serving import make_server

from isok import demo
from isok.accounts import second_factor
from isok.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    from tests.conftest import make_test_app

    # Throttling is tested in the unit suite; here one address logs in dozens of times a minute.
    app = make_test_app(
        tmp_path_factory, SERVER_NAME=None, DEMO_PASSWORD="e2e-demo-password", LOGIN_RATE_LIMIT="1000 per minute"
    )

    def load_demo():
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo.load()
            db.session.commit()

    # In a thread of its own: sealing the demo certificates runs asyncio, and Playwright's loop owns this thread.
    loader = threading.Thread(target=load_demo)
    loader.start()
    loader.join()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def authenticator_code(app, email) -> str:
    """What the person's authenticator shows now (the demo accounts share the demo secret; one reset and set up again
    in a test has its own). The suite logs the same person in several times within one 30-second step, which no
    person does, so the step last used is forgotten first (tests/accounts/test_second_factor.py: no replay)."""
    with app.app_context():
        user = demo.account(email)
        second_factor.credential(user).last_step = None
        secret = second_factor.secret_of(user)
        db.session.commit()
    return pyotp.TOTP(secret).now()


def sign_in(page, base: str, app, email: str, password: str = "e2e-demo-password") -> None:
    """Log in as the person would: the password, then the code of their authenticator (every demo account has one);
    one without an authenticator says "not now" where it is optional, or sets one up where the role requires it."""
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/(login/code|login/enrol)?$"))
    if page.url.endswith("/login/code"):
        page.locator("input[name=code]").fill(authenticator_code(app, email))
        page.locator("form:has(input[name=code]) button[type=submit]").click()
    elif page.url.endswith("/login/enrol"):
        if page.locator("form[action='/login/skip']").count():
            page.locator("form[action='/login/skip'] button").click()
        else:
            key = page.locator(".totp-key").inner_text().replace(" ", "")
            page.locator("input[name=code]").fill(pyotp.TOTP(key).now())
            page.locator("form:has(input[name=code]) button[type=submit]").click()
            page.locator(".recovery-codes + p a").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def log_in_as(page, live_server, live_app):
    def log_in(email, password="e2e-demo-password"):
        sign_in(page, live_server, live_app, email, password)

    return log_in


@pytest.fixture
def assert_accessible():
    """Fail on any serious or critical axe-core violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )

    return check
