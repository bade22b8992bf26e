"""The counsellor of a case gives the client their login: a one-time link with its QR code, in the client's
language; the client form links an existing login without the email typed twice."""

import html
import re

from sqlalchemy import select

from cases.models import Client
from isok.accounts.models import PasswordLink, Role, User
from isok.audit import AuditEntry
from isok.extensions import db
from tests.cases.test_views import NEW_CLIENT
from tests.conftest import log_in


def _link(page: str) -> str:
    return html.unescape(re.search(r"<code>(http[^<]+/password/[^<]+)</code>", page).group(1))


def test_counsellor_of_the_case_gives_the_client_a_login_in_their_language(client, counsellor, make_case):
    case = make_case()
    client_record = case.client
    client_record.email, client_record.preferred_language = "Hodan@Example.org", "ar"
    db.session.commit()
    log_in(client, counsellor)
    page = client.get(f"/clients/{client_record.id}").get_data(as_text=True)
    assert "The client has no login yet." in page and "Give the client their login" in page
    response = client.post(f"/clients/{client_record.id}/login-link")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.email == "hodan@example.org"))
    assert user.roles == {Role.CLIENT} and user.locale == "ar" and user.name == client_record.full_name
    assert db.session.get(Client, client_record.id).user_id == user.id
    assert '<section class="login-link" lang="ar" dir="rtl"' in page
    assert '<svg role="img" aria-label="' in page and "<title>" in page  # the QR code, with its text alternative
    link = _link(page)
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == counsellor.id)))
    assert {"user_created", "client_user_linked", "password_link_issued"} <= actions

    visitor = client.application.test_client()
    page = visitor.get(link, headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page  # the link opens in the client's language, whatever the phone speaks
    assert visitor.post(link, data={"password": "a long enough password"}).status_code == 302
    assert db.session.scalar(select(PasswordLink.used_at).where(PasswordLink.user_id == user.id)) is not None

    response = client.post(f"/clients/{client_record.id}/login-link")  # a new link for the same login
    assert (
        response.status_code == 200
        and db.session.scalar(select(User.id).where(User.id != user.id, User.email == "hodan@example.org")) is None
    )


def test_a_client_without_email_has_it_typed_once(client, counsellor, make_case):
    case = make_case()
    log_in(client, counsellor)
    response = client.post(f"/clients/{case.client.id}/login-link", data={"email": ""})
    assert response.status_code == 400 and "Type the client&#39;s email address" in response.get_data(as_text=True)
    response = client.post(f"/clients/{case.client.id}/login-link", data={"email": "not an address"})
    assert response.status_code == 400 and 'value="not an address"' in response.get_data(as_text=True)
    assert client.post(f"/clients/{case.client.id}/login-link", data={"email": "new@example.org"}).status_code == 200
    record = db.session.get(Client, case.client.id)
    assert record.email == "new@example.org" and record.user.email == "new@example.org"


def test_only_counsellors_of_the_case_and_administrators_give_a_login(
    client, counsellor, make_case, make_user, make_organisation
):
    case = make_case()
    colleague = make_user(Role.COUNSELLOR, organisation=counsellor.organisation)  # same organisation, not the case's
    teacher = make_user(Role.TEACHER, organisation=counsellor.organisation)
    log_in(client, colleague)
    assert client.post(f"/clients/{case.client.id}/login-link", data={"email": "x@example.org"}).status_code == 404
    assert "Give the client their login" not in client.get(f"/clients/{case.client.id}").get_data(as_text=True)
    client = client.application.test_client()
    log_in(client, teacher)
    assert client.post(f"/clients/{case.client.id}/login-link", data={"email": "x@example.org"}).status_code == 403
    client = client.application.test_client()
    log_in(client, make_user(Role.ADMIN))
    assert client.post(f"/clients/{case.client.id}/login-link", data={"email": "x@example.org"}).status_code == 200


def test_another_clients_login_or_a_staff_address_is_refused(client, counsellor, make_case, make_user):
    staff = make_user(Role.TEACHER, email="teacher@example.org")
    case = make_case(client=None)
    log_in(client, counsellor)
    response = client.post(f"/clients/{case.client.id}/login-link", data={"email": staff.email})
    assert response.status_code == 400 and "client role" in response.get_data(as_text=True)
    assert db.session.get(Client, case.client.id).user_id is None


def test_the_client_form_links_the_login_of_the_clients_email_without_typing_it_again(
    client, counsellor, make_case, make_user
):
    case = make_case()
    login = make_user(Role.CLIENT, email="hodan@example.org")
    log_in(client, counsellor)
    page = client.get(f"/clients/{case.client.id}/edit").get_data(as_text=True)
    assert 'name="has_login"' in page and "login_email" not in page
    form = {
        **{key: value for key, value in NEW_CLIENT.items() if key not in ("client_type", "entry_date", "target")},
        "email": "Hodan@example.org",
        "has_login": "y",
        "version": case.client.version,
    }
    assert client.post(f"/clients/{case.client.id}/edit", data=form).status_code == 302
    assert db.session.get(Client, case.client.id).user_id == login.id
    response = client.post(
        f"/clients/{case.client.id}/edit",
        data={**form, "email": "nobody@example.org", "version": db.session.get(Client, case.client.id).version},
    )
    assert response.status_code == 400 and "No login has this email address yet" in response.get_data(as_text=True)
    version = db.session.get(Client, case.client.id).version
    del form["has_login"]
    assert client.post(f"/clients/{case.client.id}/edit", data={**form, "version": version}).status_code == 302
    assert db.session.get(Client, case.client.id).user_id is None


def test_a_deactivated_login_is_explained_above_the_button(client, counsellor, make_case, make_user):
    case = make_case()
    login = make_user(Role.CLIENT, email="gone@example.org")
    record = db.session.get(Client, case.client.id)
    record.user_id, record.email = login.id, "gone@example.org"
    login.active = False
    db.session.commit()
    log_in(client, counsellor)
    response = client.post(f"/clients/{case.client.id}/login-link")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="form-errors"' in page and "deactivated" in page
