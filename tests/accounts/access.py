from isok.accounts.models import Role
from tests.access import ANONYMOUS, LOGIN, NOT_FOUND, OK, PUBLIC, SIGNED_IN, SIGNED_IN_ONLY, Access, expect

ADMIN_ONLY = expect(["admin"])

ROUTES = [
    Access("dashboard.home", "GET", SIGNED_IN_ONLY),
    Access("accounts.login", "GET", PUBLIC),
    Access("accounts.login", "POST", PUBLIC),
    Access("accounts.logout", "POST", SIGNED_IN_ONLY),
    # The second step of the login serves only a browser whose password was right a moment ago; any other is sent
    # back to the login page (a redirect of the view's own, not the guard's).
    Access("accounts.verify_code", "GET", PUBLIC),
    Access("accounts.verify_code", "POST", PUBLIC, data=lambda w, r: {"code": "123456"}),
    Access("accounts.enrol", "GET", PUBLIC),
    Access("accounts.enrol", "POST", PUBLIC, data=lambda w, r: {"code": "123456"}),
    Access("accounts.skip_second_factor", "POST", PUBLIC),
    Access("accounts.cancel_login", "POST", PUBLIC),
    Access("accounts.set_up_second_factor", "GET", SIGNED_IN_ONLY),
    Access("accounts.set_up_second_factor", "POST", SIGNED_IN_ONLY, data=lambda w, r: {"code": "123456"}),
    Access("accounts.renew_recovery_codes", "POST", SIGNED_IN_ONLY, data=lambda w, r: {"renew-code": "123456"}),
    Access("accounts.set_language", "POST", PUBLIC, data=lambda w, r: {"locale": "sv"}),
    Access("accounts.account", "GET", SIGNED_IN_ONLY),
    Access("accounts.account", "POST", SIGNED_IN_ONLY),
    Access(
        "accounts.end_session",
        "POST",
        expect(other=NOT_FOUND),
        params=lambda w, r: {"session_id": w.foreign_session_id},
        variant="foreign",
    ),
    Access(
        "accounts.set_password",
        "GET",
        expect(anonymous=NOT_FOUND, other=NOT_FOUND),
        params=lambda w, r: {"token": "not-a-real-token"},
        variant="unknown token",
    ),
    Access(
        "accounts.set_password",
        "POST",
        expect(anonymous=NOT_FOUND, other=NOT_FOUND),
        params=lambda w, r: {"token": "not-a-real-token"},
        variant="unknown token",
    ),
    Access("admin.users", "GET", ADMIN_ONLY),
    Access("admin.new_user", "GET", ADMIN_ONLY),
    Access("admin.new_user", "POST", ADMIN_ONLY),
    Access("admin.edit_user", "GET", ADMIN_ONLY, params=lambda w, r: {"user_id": w.other_users["client"].id}),
    Access(
        "admin.edit_user",
        "GET",
        expect(["admin"], ok=NOT_FOUND),
        params=lambda w, r: {"user_id": 987654321},
        variant="missing",
    ),
    Access("admin.edit_user", "POST", ADMIN_ONLY, params=lambda w, r: {"user_id": w.other_users["client"].id}),
    Access(
        "admin.set_active",
        "POST",
        ADMIN_ONLY,
        params=lambda w, r: {"user_id": w.other_users["client"].id},
        data=lambda w, r: {"active": "1"},
    ),
    Access("admin.password_link", "POST", ADMIN_ONLY, params=lambda w, r: {"user_id": w.other_users["client"].id}),
    Access(
        "admin.reset_second_factor", "POST", ADMIN_ONLY, params=lambda w, r: {"user_id": w.other_users["client"].id}
    ),
    Access(
        "admin.reset_second_factor",
        "POST",
        expect(["admin"], ok=NOT_FOUND),
        params=lambda w, r: {"user_id": 987654321},
        variant="missing",
    ),
    Access("admin.organisations", "GET", ADMIN_ONLY),
    Access("admin.new_organisation", "GET", ADMIN_ONLY),
    Access("admin.new_organisation", "POST", ADMIN_ONLY),
    Access("admin.edit_organisation", "GET", ADMIN_ONLY, params=lambda w, r: {"organisation_id": w.other_org.id}),
    Access("admin.edit_organisation", "POST", ADMIN_ONLY, params=lambda w, r: {"organisation_id": w.other_org.id}),
    Access("admin.audit_log", "GET", ADMIN_ONLY),
]

assert all(a.expected.get(ANONYMOUS) in (LOGIN, OK, NOT_FOUND) for a in ROUTES)
assert {Role(r) for r in SIGNED_IN} == set(Role)
