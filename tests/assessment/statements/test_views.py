from sqlalchemy import select

from assessment.statements import services
from assessment.statements.models import StatementState
from isok.accounts.models import Role
from isok.extensions import db
from tests.assessment.statements.conftest import ask
from tests.conftest import csrf_token, log_in


def _answer_form(client, statement, token, **overrides):
    page = client.get(f"/statement/{token}")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "acquaintance": "supervised", "period": "2019"}
    data |= {f"item-{item.id}": "yes" for item in statement.items}
    return client.post(f"/statement/{token}", data={**data, **overrides})


def test_the_counsellor_asks_and_sees_the_link_once(client, setup):
    log_in(client, setup.counsellor)
    page = client.get(f"/cases/{setup.case.id}/statements/new")
    assert page.status_code == 200
    outcome = setup.version.units[0].outcomes[0]
    response = client.post(
        f"/cases/{setup.case.id}/statements/new",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "name": "Khalid Haddad",
            "organisation": "Al-Bustan",
            "country": "JO",
            "email": "khalid@example.com",
            "language": "ar",
            "tasks": "Cooked lunch\nKept the cold store",
            "outcome_ids": [str(outcome.id)],
            "deadline": "2099-01-01",
        },
    )
    assert response.status_code == 400  # too far: the input stays
    html = response.get_data(as_text=True)
    assert "Kept the cold store" in html and "between today and 90 days" in html
    response = client.post(
        f"/cases/{setup.case.id}/statements/new",
        data={
            "csrf_token": csrf_token(html),
            "name": "Khalid Haddad",
            "organisation": "Al-Bustan",
            "country": "JO",
            "email": "khalid@example.com",
            "language": "ar",
            "tasks": "Cooked lunch",
            "outcome_ids": [str(outcome.id)],
            "deadline": services.utcnow().date().isoformat(),
        },
    )
    assert response.status_code == 200 and "/statement/" in response.get_data(as_text=True)
    assert services.case_statements(setup.case)[0].language == "ar"
    case_page = client.get(f"/cases/{setup.case.id}").get_data(as_text=True)
    assert "Khalid Haddad" in case_page and "Waiting for the answer" in case_page


def test_the_referee_answers_in_their_language_once(app, setup):
    statement, token = ask(setup, language="ar")
    referee = app.test_client()
    page = referee.get(f"/statement/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="ar"' in html and 'dir="rtl"' in html
    assert setup.case.client.first_name in html and "Cooked lunch for 150 guests" in html
    assert "khalid@example.com" not in html  # only what the referee needs
    response = _answer_form(referee, statement, token, period="")
    assert response.status_code == 400 and "checked" in response.get_data(as_text=True)
    assert _answer_form(referee, statement, token).status_code == 302
    thanks = referee.get(f"/statement/{token}")
    assert thanks.status_code == 200 and "<form" not in thanks.get_data(as_text=True).split("<main")[1]
    again = referee.post(
        f"/statement/{token}",
        data={"csrf_token": csrf_token(thanks.get_data(as_text=True)), "acquaintance": "other", "period": "x"},
    )
    assert again.status_code == 409
    db.session.refresh(statement)
    assert statement.acquaintance.value == "supervised"


def test_the_referee_form_needs_its_csrf_token(app, setup, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    statement, token = ask(setup)
    referee = app.test_client()
    page = referee.get(f"/statement/{token}")
    answers = {"acquaintance": "supervised", "period": "2019"} | {f"item-{i.id}": "yes" for i in statement.items}
    assert referee.post(f"/statement/{token}", data=answers).status_code == 400
    db.session.refresh(statement)
    assert statement.submitted_at is None
    token_field = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    assert referee.post(f"/statement/{token}", data=answers | token_field).status_code == 302


def test_a_revoked_link_answers_404(client, app, setup):
    statement, token = ask(setup)
    log_in(client, setup.counsellor)
    page = client.get(f"/statements/{statement.id}")
    assert "Revoke the link" in page.get_data(as_text=True)
    response = client.post(
        f"/statements/{statement.id}/revoke", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert statement.state is StatementState.REVOKED
    assert app.test_client().get(f"/statement/{token}").status_code == 404
    assert app.test_client().get("/statement/not-a-token").status_code == 404


def test_the_teacher_verifies_and_the_reconciliation_shows_it(client, app, reconciled):
    statement, token = ask(reconciled)
    _answer_form(app.test_client(), statement, token)
    log_in(client, reconciled.teacher)
    page = client.get(f"/statements/{statement.id}")
    response = client.post(
        f"/statements/{statement.id}/verify",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "method": "phone", "note": ""},
    )
    assert response.status_code == 400 and "Say how you verified it" in response.get_data(as_text=True)
    response = client.post(
        f"/statements/{statement.id}/verify",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "method": "phone", "note": "Called the owner"},
    )
    assert response.status_code == 302
    reconcile = client.get(f"/assessments/{reconciled.assessment.id}/reconcile").get_data(as_text=True)
    assert "Khalid Haddad" in reconcile and "Verified by a phone call" in reconcile
    triangulation = client.get(f"/cases/{reconciled.case.id}/triangulation").get_data(as_text=True)
    assert "Third-party statements" in triangulation and "Khalid Haddad" in triangulation


def test_the_tutor_sees_nothing_of_statements(client, app, reconciled):
    statement, token = ask(reconciled)
    _answer_form(app.test_client(), statement, token)
    log_in(client, reconciled.tutor)
    assert client.get(f"/statements/{statement.id}").status_code == 403
    reconcile = client.get(f"/assessments/{reconciled.assessment.id}/reconcile").get_data(as_text=True)
    assert "Khalid Haddad" not in reconcile


def test_the_client_reads_their_own_statements(client, make_user, setup):
    user = make_user(Role.CLIENT)
    setup.case.client.user_id = user.id
    db.session.commit()
    statement, _token = ask(setup)
    log_in(client, user)
    home = client.get("/").get_data(as_text=True)
    assert "Statements about your work" in home
    page = client.get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "Al-Bustan Restaurant" in page and "khalid@example.com" not in page
    assert db.session.scalar(select(db.func.count()).select_from(type(statement))) == 1
