import hashlib
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from certificates import content, services
from isok import demo
from isok.extensions import db
from tests.certificates.helpers import new_case
from tests.certificates.samples import results

pytestmark = pytest.mark.e2e


@pytest.fixture
def client_certificate(live_app, monkeypatch):
    """A certificate of the demo client, issued through the services with hand-made signed-off results.

    Issued in a thread of its own: pyHanko runs asyncio, and Playwright's event loop owns the test's thread.
    """
    monkeypatch.setattr(content, "results_for", lambda case: results())
    issued = {}

    def issue():
        with live_app.app_context():
            # At the college that holds the seal; the demo counsellor works elsewhere, so the administrator issues.
            case = new_case(demo.organisation("Savonia Vocational College"), user=demo.account("client@example.org"))
            certificate = services.issue_certificate(demo.account("admin@example.org"), case, ["fi", "en", "ar"])
            db.session.commit()
            issued.update(number=certificate.number, code=certificate.verification_code, sha=certificate.pdf_sha256)

    thread = threading.Thread(target=issue)
    thread.start()
    thread.join()
    return issued


def test_client_downloads_their_certificate_and_anyone_can_verify_it(
    page, live_server, log_in_as, assert_accessible, client_certificate
):
    log_in_as("client@example.org")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")  # the client reads Arabic
    expect(page.locator("#my-certificates-title")).to_be_visible()
    page.goto(f"{live_server}/my/certificates")
    expect(page.locator(".cert-cards")).to_contain_text(client_certificate["number"])
    assert_accessible(page)
    with page.expect_download() as info:
        page.locator("a.cert-download").first.click()
    assert hashlib.sha256(Path(info.value.path()).read_bytes()).hexdigest() == client_certificate["sha"]

    page.context.clear_cookies()
    page.goto(f"{live_server}/verify/{client_certificate['code']}")
    expect(page.locator(".cert-verdict-valid")).to_be_visible()
    expect(page.locator("main")).to_contain_text(client_certificate["number"])
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 390])
def test_the_verification_page_fits_a_phone_without_sideways_scrolling(
    page, live_server, assert_accessible, client_certificate, width
):
    """The QR code's target is opened on phones: nothing may stick out sideways (it was 522 px wide in Finnish)."""
    page.set_viewport_size({"width": width, "height": 720})
    for language in ("fi", "en"):
        page.context.set_extra_http_headers({"Accept-Language": language})
        page.goto(f"{live_server}/verify/{client_certificate['code']}")
        expect(page.locator(".cert-verdict-valid")).to_be_visible()
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.body.scrollWidth]"
        )
        sticking_out = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e =>
            e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
            || e.getBoundingClientRect().left < -1).map(e => e.tagName + '.' + e.className + ' '
            + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right)
            + ' ' + (e.textContent || '').slice(0, 30))""")
        assert widths[0] <= widths[1] and widths[2] <= widths[1], (language, widths, sticking_out)
        assert_accessible(page)
