"""Small things a user notices on the case pages: unique element ids, times without seconds, the counsellor's menu,
the favicon."""

import re
from collections import Counter
from datetime import timedelta

from cases import services
from cases.models import GuidanceKind
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db
from tests.conftest import log_in


def test_the_case_page_has_no_duplicate_element_ids(client, counsellor, make_case):
    case = make_case()
    log_in(client, counsellor)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, n in ids.items() if n > 1] == []
    assert 'for="stage-on"' in page and 'for="guidance-kind"' in page and 'name="kind"' in page


def test_appointment_times_show_no_seconds(app, counsellor, make_case, make_user):
    case = make_case()
    starts_at = (utcnow() + timedelta(days=3)).replace(hour=8, minute=30, second=0, microsecond=0)
    services.schedule_appointment(counsellor, case, starts_at=starts_at, kind=GuidanceKind.INDIVIDUAL_GUIDANCE)
    own_login = make_user(Role.CLIENT)
    services.link_user(counsellor, case.client, own_login)
    db.session.commit()
    person = app.test_client()
    log_in(person, own_login)
    for url in ("/my-case", "/"):
        page = person.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert re.search(r"\d{1,2}:30\b", page) and not re.search(r"\d{1,2}:30:00", page), url


def test_a_counsellor_finds_new_client_in_the_menu_and_every_page_has_a_favicon(client, counsellor):
    log_in(client, counsellor)
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/clients/new">New client</a>' in page
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    response.close()  # a static file is streamed: close it
