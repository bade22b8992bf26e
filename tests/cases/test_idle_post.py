"""A form sent after a pause past the session's touch interval is saved, on a real server, for several users at once.

The touch of the session's last activity used to open a second write transaction while the request held the
write lock (SQLite), so such a form waited for itself until the busy timeout and was lost with a 500.
"""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from cases.models import GuidanceEntry
from isok.accounts.models import LoginSession, Role
from isok.extensions import db
from tests.conftest import csrf_token
from tests.reliability.browser import Browser

PAUSE = timedelta(seconds=1)
USERS = 6


@pytest.fixture
def server(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_TOUCH_INTERVAL", PAUSE)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    db.session.commit()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _guidance(token, note):
    return {"csrf_token": token, "on": "2026-12-01", "kind": "individual_guidance", "note": note}


def _end_test_transaction(*records):
    """Read what the test needs, then end its transaction: outside a request it would hold the write lock."""
    values = [(record.id, getattr(record, "email", None)) for record in records]
    db.session.rollback()
    return values


def test_a_form_sent_after_a_pause_is_saved(server, make_case, counsellor):
    (case_id, _), (counsellor_id, email) = _end_test_transaction(make_case(), counsellor)
    browser = Browser(server)
    browser.log_in(email)
    status, page = browser.request(f"/cases/{case_id}")
    assert status == 200
    time.sleep(PAUSE.total_seconds() * 1.5)

    started = time.monotonic()
    status, _ = browser.request(f"/cases/{case_id}/guidance", _guidance(csrf_token(page), "Met after a pause"))

    assert status == 302
    assert time.monotonic() - started < 5  # not after a wait for the busy timeout
    assert db.session.scalar(select(GuidanceEntry.note).where(GuidanceEntry.case_id == case_id)) == "Met after a pause"
    session_row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == counsellor_id))
    assert session_row.last_seen_at > session_row.created_at  # the activity was noted with the saved form


def test_a_page_read_after_a_pause_notes_the_activity(server, make_case, counsellor):
    (case_id, _), (counsellor_id, email) = _end_test_transaction(make_case(), counsellor)
    browser = Browser(server)
    browser.log_in(email)
    time.sleep(PAUSE.total_seconds() * 1.5)

    assert browser.request(f"/cases/{case_id}")[0] == 200

    session_row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == counsellor_id))
    assert (session_row.last_seen_at - session_row.created_at) >= PAUSE


def test_several_users_pausing_and_sending_at_once_are_all_saved(server, make_case, make_user, counsellor):
    people = [make_user(Role.COUNSELLOR, organisation=counsellor.organisation) for _ in range(USERS)]
    cases = [make_case(responsible=person) for person in people]
    emails = [email for _, email in _end_test_transaction(*people)]
    case_ids = [case_id for case_id, _ in _end_test_transaction(*cases)]
    outcomes = {}

    def work(email, case_id):
        browser = Browser(server)
        browser.log_in(email)
        for round_ in range(2):
            status, page = browser.request(f"/cases/{case_id}")
            time.sleep(PAUSE.total_seconds() * 1.5)
            outcomes[(email, round_)] = browser.request(
                f"/cases/{case_id}/guidance", _guidance(csrf_token(page), f"Round {round_}")
            )[0]

    threads = [threading.Thread(target=work, args=pair) for pair in zip(emails, case_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(set(outcomes.values())) == [302] and len(outcomes) == USERS * 2
    for case_id in case_ids:
        notes = db.session.scalars(select(GuidanceEntry.note).where(GuidanceEntry.case_id == case_id)).all()
        assert sorted(notes) == ["Round 0", "Round 1"]
