"""A teacher reads what the client submitted for review, never a draft; a project manager never a portfolio."""

from datetime import timedelta

from assessment.interviews import services as interview_services
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db
from portfolio import services
from tests.conftest import log_in


def test_teacher_reads_the_portfolio_once_the_client_submits_it(client, make_case, make_user, make_entry):
    case, client_user, counsellor = make_case()
    teacher = make_user(Role.TEACHER, organisation=counsellor.organisation)
    interview_services.schedule_interview(
        counsellor, case, teacher=teacher, starts_at=utcnow() + timedelta(days=3), duration_minutes=60, place="Room 5"
    )
    entry = make_entry(client_user, case)
    db.session.commit()
    log_in(client, teacher)
    assert client.get(f"/cases/{case.id}").status_code == 200
    for url in (f"/cases/{case.id}/portfolio", f"/portfolio/entries/{entry.id}"):
        assert client.get(url).status_code == 404, url

    services.submit(client_user, case)
    db.session.commit()
    assert entry.title in client.get(f"/cases/{case.id}/portfolio").get_data(as_text=True)
    assert client.get(f"/portfolio/entries/{entry.id}").status_code == 200


def test_project_manager_never_opens_a_portfolio(client, make_case, make_user, make_entry):
    case, client_user, counsellor = make_case()
    make_entry(client_user, case)
    services.submit(client_user, case)
    db.session.commit()
    log_in(client, make_user(Role.PROJECT_MANAGER, organisation=counsellor.organisation))
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get(f"/cases/{case.id}/portfolio").status_code == 403
