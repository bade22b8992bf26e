import re

from sqlalchemy import select

from isok.accounts.models import Organisation, Role, User
from isok.extensions import db
from tests.conftest import log_in


def test_admin_creates_a_user_and_gets_a_one_time_link(app, client, make_user, make_organisation):
    org = make_organisation("Savonia")
    log_in(client, make_user(Role.ADMIN))
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Uusi Ohjaaja",
            "email": "uusi@example.org",
            "roles": ["counsellor", "teacher"],
            "organisation_id": org.id,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = re.search(r"(http://localhost/password/[\w-]+)", page).group(1)
    user = db.session.scalar(select(User).where(User.email == "uusi@example.org"))
    assert user.roles == {Role.COUNSELLOR, Role.TEACHER} and user.organisation_id == org.id

    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    assert newcomer.post(link, data={"password": "my own long password"}).status_code == 302
    log_in(newcomer, "uusi@example.org", "my own long password")
    assert newcomer.get(link).status_code == 404


def test_user_form_errors_keep_what_was_typed(client, make_user):
    log_in(client, make_user(Role.ADMIN, email="admin@example.org"))
    response = client.post(
        "/admin/users/new",
        data={"name": "Someone Typed This", "email": "admin@example.org", "roles": ["client"], "organisation_id": 0},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another user already has this email address." in page
    assert 'value="Someone Typed This"' in page


def test_admin_edits_roles(client, make_user):
    log_in(client, make_user(Role.ADMIN))
    user = make_user(Role.CLIENT)
    response = client.post(
        f"/admin/users/{user.id}",
        data={"name": user.name, "email": user.email, "roles": ["workplace_tutor"], "organisation_id": 0},
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).roles == {Role.WORKPLACE_TUTOR}


def test_organisation_with_invalid_business_id_is_shown_on_the_field(client, make_user):
    log_in(client, make_user(Role.ADMIN))
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": "Alpha Oy",
            "type": "company",
            "size_class": "sme",
            "business_id": "1234567-8",
            "municipality": "Kuopio",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a valid Finnish business ID" in page and 'value="Alpha Oy"' in page
    assert db.session.scalar(select(Organisation)) is None


def test_admin_browses_the_audit_trail_by_action(client, make_user):
    log_in(client, make_user(Role.ADMIN, name="Aino Admin"))
    make_user(Role.CLIENT, name="Audited Person")
    page = client.get("/admin/audit?action=user_created").get_data(as_text=True)
    assert "user_created" in page and "login" not in re.findall(r"<code>(\w+)</code>", page)
