from datetime import timedelta

import pytest
from sqlalchemy import select

from isok.accounts import services
from isok.accounts.models import OrganisationType, PasswordLink, Role
from isok.audit import AuditEntry
from isok.database import utcnow
from isok.extensions import db
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("business_id", "valid"),
    [
        ("0172195-0", True),
        ("2469416-6", True),
        ("0735916-3", True),
        ("0172195-1", False),
        ("172195-0", False),
        ("01721950", False),
        ("abcdefg-1", False),
    ],
)
def test_finnish_business_id_check_digit(business_id, valid):
    assert services.valid_business_id(business_id) is valid


def test_organisation_with_a_wrong_business_id_is_refused_on_that_field(app):
    with pytest.raises(services.AccountError) as error:
        services.create_organisation(
            None,
            name="Alpha Oy",
            type=OrganisationType.COMPANY,
            size_class="sme",
            business_id="0172195-1",
            municipality="Kuopio",
        )
    assert error.value.field == "business_id"


def test_size_class_is_kept_only_for_companies(app):
    school = services.create_organisation(
        None, name="School", type="education_provider", size_class="major", business_id=None, municipality=None
    )
    assert school.size_class is None


def test_creating_a_user_is_audited_with_roles(app):
    user = services.create_user(None, email="New@Example.org", name="New Person", roles={Role.TEACHER, Role.COUNSELLOR})
    db.session.commit()
    assert user.email == "new@example.org"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user_created"))
    assert entry.object_id == user.id and entry.changes["roles"] == ["counsellor", "teacher"]


def test_email_must_be_unique_whatever_its_case(app, make_user):
    make_user(email="taken@example.org")
    with pytest.raises(services.AccountError):
        services.create_user(None, email="TAKEN@example.org", name="Other", roles={Role.CLIENT})


def test_a_user_needs_a_role(app):
    with pytest.raises(services.AccountError) as error:
        services.create_user(None, email="x@example.org", name="X", roles=set())
    assert error.value.field == "roles"


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(app, make_user):
    admin = make_user(Role.ADMIN)
    with pytest.raises(services.AccountError):
        services.update_user(
            admin, admin, email=admin.email, name=admin.name, roles={Role.COUNSELLOR}, organisation=None
        )
    with pytest.raises(services.AccountError):
        services.set_active(admin, admin, False)


def test_password_link_works_once(app, make_user):
    admin, user = make_user(Role.ADMIN), make_user(password=None)
    with app.test_request_context():
        token = services.issue_password_link(admin, user)
        link = services.password_link(token)
        services.set_password_from_link(link, "a brand new password")
        db.session.commit()
        assert services.password_link(token) is None
        assert services.authenticate(user.email, "a brand new password") == user


def test_a_newer_password_link_replaces_the_older_one(app, make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    first = services.issue_password_link(admin, user)
    second = services.issue_password_link(admin, user)
    assert services.password_link(first) is None
    assert services.password_link(second) is not None


def test_expired_password_link_is_not_valid(app, make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    token = services.issue_password_link(admin, user)
    link = db.session.scalar(select(PasswordLink))
    link.expires_at = utcnow() - timedelta(minutes=1)
    assert services.password_link(token) is None


def test_short_passwords_are_refused(app, make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    link = services.password_link(services.issue_password_link(admin, user))
    with pytest.raises(services.AccountError):
        services.set_password_from_link(link, "short")


def test_an_unknown_email_costs_a_password_hash_like_a_known_one(app, make_user, monkeypatch):
    """Timing tells nothing: both answers spend one argon2 computation."""
    from argon2 import PasswordHasher

    computed = []
    for method in ("hash", "verify"):
        original = getattr(PasswordHasher, method)
        monkeypatch.setattr(
            PasswordHasher,
            method,
            lambda self, *a, _original=original, _m=method: computed.append(_m) or _original(self, *a),
        )
    user = make_user()
    computed.clear()
    assert services.authenticate(user.email, "wrong guess!") is None
    assert services.authenticate("nobody@example.org", "wrong guess!") is None
    assert computed == ["verify", "hash"]


def test_wrong_passwords_are_audited_but_never_lock_the_account(app, make_user):
    user = make_user()
    for _ in range(20):
        assert services.authenticate(user.email, "wrong guess!") is None
    db.session.commit()
    failures = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "login_failed", AuditEntry.object_id == user.id)
    ).all()
    assert len(failures) == 20
    assert services.authenticate(user.email, PASSWORD) is user


def test_deactivated_user_cannot_authenticate(app, make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    services.set_active(admin, user, False)
    assert services.authenticate(user.email, PASSWORD) is None
