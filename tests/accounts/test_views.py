import re
from datetime import timedelta

from flask import session
from sqlalchemy import select

from isok.accounts import services as account_services
from isok.accounts import sessions
from isok.accounts.models import LoginSession, Role, User
from isok.audit import AuditEntry
from isok.extensions import db
from tests.conftest import PASSWORD, authenticator_code, log_in
from tests.pages import without_csrf_tokens
from tests.statements import recorded_statements


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_then_dashboard_greets_the_user(client, make_user):
    user = make_user(Role.COUNSELLOR, name="Leena Ohjaaja")
    log_in(client, user)
    page = client.get("/").get_data(as_text=True)
    assert "Leena Ohjaaja" in page


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    wrong_password = client.post("/login", data={"email": user.email, "password": "not it at all"})
    unknown_email = client.post("/login", data={"email": "nobody@example.org", "password": "not it at all"})
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert without_csrf_tokens(wrong_password.get_data(as_text=True)).replace(
        user.email, "EMAIL"
    ) == without_csrf_tokens(unknown_email.get_data(as_text=True)).replace("nobody@example.org", "EMAIL")


def test_wrong_password_five_times_is_throttled(client, make_user):
    user = make_user()
    for _ in range(5):
        assert client.post("/login", data={"email": user.email, "password": "wrong guess!"}).status_code == 400
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_known_and_unknown_accounts_answer_byte_for_byte_the_same_until_and_after_throttling(app, client, make_user):
    """Someone probing emails learns nothing: the same status, page and headers for an account that exists and one
    that does not, attempt after attempt, also once the address and account pair is throttled."""
    known = make_user(email="owner@example.org").email
    unknown = "noone@example.org"  # as long as the known one: the pages repeat the email typed
    client.get("/login")  # one browser session (and so one form token) for both series
    session_cookie = app.session_interface.get_signing_serializer(app)

    def seen(response, email):
        """What the prober sees. The session cookie and the form tokens are signed with the second they were made,
        so they are compared by what they hold: the same session, the same token."""
        headers = sorted((k, v) for k, v in response.headers.items() if k not in ("Date", "Set-Cookie"))
        cookies = []
        for cookie in response.headers.getlist("Set-Cookie"):
            name, value = cookie.split(";")[0].split("=", 1)
            cookies.append(session_cookie.loads(value) if name == app.config["SESSION_COOKIE_NAME"] else cookie)
        page = re.sub(rb'(name="csrf_token" value="[^".]+)[^"]*"', rb'\1"', response.get_data())
        return response.status_code, headers, cookies, page.replace(email.encode(), b"@")

    answers = {}
    for email, address in ((known, "192.0.2.1"), (unknown, "192.0.2.2")):
        answers[email] = [
            seen(
                client.post(
                    "/login", data={"email": email, "password": "wrong guess!"}, environ_base={"REMOTE_ADDR": address}
                ),
                email,
            )
            for _ in range(7)
        ]
    assert [status for status, *_ in answers[known]] == [400] * 5 + [429] * 2
    assert answers[known] == answers[unknown]


def test_a_strangers_failures_do_not_keep_the_owner_out(client, make_user):
    user = make_user()
    for _ in range(8):
        client.post(
            "/login",
            data={"email": user.email, "password": "wrong guess!"},
            environ_base={"REMOTE_ADDR": "203.0.113.66"},
        )
    stranger = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "203.0.113.66"}
    )
    assert stranger.status_code == 429  # the stranger's own address stays throttled, even with the right password
    owner = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert owner.status_code == 302


def test_one_address_trying_many_accounts_is_throttled(client, make_user):
    user = make_user()
    for n in range(10):
        assert (
            client.post(
                "/login",
                data={"email": f"guess{n}@example.org", "password": "wrong guess!"},
                environ_base={"REMOTE_ADDR": "203.0.113.5"},
            ).status_code
            == 400
        )
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "203.0.113.5"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_session_cookie_replayed_after_logout_is_refused(app, make_user):
    user = make_user()
    client = app.test_client()
    log_in(client, user)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.post("/logout").status_code == 302

    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    response = laptop.post("/account", data={"current_password": PASSWORD, "new_password": "a new long password"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_wrong_current_password_keeps_the_form_input(client, make_user):
    log_in(client, make_user())
    response = client.post("/account", data={"current_password": "wrong one", "new_password": "a new long password"})
    assert response.status_code == 400
    assert "The current password is not correct." in response.get_data(as_text=True)


def test_deactivation_ends_the_users_sessions(app, make_user):
    admin = make_user(Role.ADMIN)
    user = make_user()
    user_client, admin_client = app.test_client(), app.test_client()
    log_in(user_client, user)
    log_in(admin_client, admin)
    assert admin_client.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert user_client.get("/").status_code == 302
    assert user_client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400


def test_user_sees_and_ends_own_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user)
    page = laptop.get("/account").get_data(as_text=True)
    assert "This session" in page
    phone_session = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id.desc())
    ).first()
    assert laptop.post(f"/account/sessions/{phone_session.id}/end").status_code == 302
    assert phone.get("/").status_code == 302


def test_ending_someone_elses_session_is_not_found(app, make_user):
    alice, bob = make_user(), make_user()
    alice_client, bob_client = app.test_client(), app.test_client()
    log_in(alice_client, alice)
    log_in(bob_client, bob)
    bobs = db.session.scalar(select(LoginSession).where(LoginSession.user_id == bob.id))
    assert alice_client.post(f"/account/sessions/{bobs.id}/end").status_code == 404
    assert bob_client.get("/").status_code == 200


def test_language_switch_to_swedish_and_back(client, make_user):
    user = make_user()
    log_in(client, user)
    client.post("/language", data={"locale": "sv", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert 'lang="sv"' in page
    assert db.session.get(User, user.id).locale == "sv"
    client.post("/language", data={"locale": "fi", "next": "/"})
    assert 'lang="fi"' in client.get("/").get_data(as_text=True)


def test_locale_follows_accept_language_then_finnish(client):
    assert 'lang="sv"' in client.get("/login", headers={"Accept-Language": "sv-SE,sv;q=0.9"}).get_data(as_text=True)
    assert 'lang="fi"' in client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)


LOG_IN = {"ar": "تسجيل الدخول", "fa": "ورود به حساب"}  # the login page's heading


def test_first_pages_speak_every_client_language_from_accept_language(client, make_user):
    """An Arabic browser opening the login page or a password link for the first time gets Arabic, not Finnish."""
    for code in ("fi", "sv", "en", "ar", "fa", "ru", "so", "ti", "uk"):
        page = client.get("/login", headers={"Accept-Language": f"{code},en;q=0.5"}).get_data(as_text=True)
        assert f'<html lang="{code}"' in page, code
        assert f'<option value="{code}" lang="{code}" selected>' in page
    page = client.get("/login", headers={"Accept-Language": "ar-SY,ar;q=0.9"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and "<h1>" + LOG_IN["ar"] + "</h1>" in page
    user = make_user(Role.CLIENT)
    token = account_services.issue_password_link(user, user)
    db.session.commit()
    page = client.get(f"/password/{token}", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and "تعيين كلمة المرور" in page
    page = client.get("/password/not-a-token", headers={"Accept-Language": "ti"}).get_data(as_text=True)
    assert 'lang="ti"' in page


def test_language_switch_before_login_offers_every_client_language(client):
    page = client.get("/login").get_data(as_text=True)
    assert all(f'<option value="{code}"' in page for code in ("ar", "fa", "ru", "so", "ti", "uk"))
    client.post("/language", data={"locale": "fa", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'lang="fa" dir="rtl"' in page and "<h1>" + LOG_IN["fa"] + "</h1>" in page


def test_staff_choose_among_the_working_languages(client, make_user):
    log_in(client, make_user())
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="fi"' in page and '<option value="ar"' not in page


def test_saved_choice_wins_over_accept_language(client, make_user):
    user = make_user(locale="en")
    log_in(client, user)
    page = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'lang="en"' in page


def test_right_to_left_language_sets_dir(client, make_user):
    log_in(client, make_user(Role.CLIENT, locale="ar"))
    page = client.get("/").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_login_is_audited(client, make_user):
    user = make_user()
    log_in(client, user)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)).all()
    assert "login" in actions


def test_next_parameter_never_leaves_the_site(client, make_user):
    user = make_user()
    response = client.post("/login?next=//evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"  # the next page is kept for after the second factor
    response = client.post("/login/code", data={"code": authenticator_code(user.email)})
    assert response.headers["Location"] == "/"


def test_login_clears_any_earlier_session_data(client, make_user):
    with client.session_transaction() as planted:
        planted["planted"] = "x"
    log_in(client, make_user())
    with client.session_transaction() as after_login:
        assert "planted" not in after_login


def test_language_chosen_before_login_is_kept_after_it(client, make_user):
    client.post("/language", data={"locale": "sv", "next": "/login"})
    log_in(client, make_user())
    assert 'lang="sv"' in client.get("/").get_data(as_text=True)


def test_idle_session_ends(app, client, make_user):
    user = make_user()
    log_in(client, user)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    row.last_seen_at = row.last_seen_at - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_session_ends_at_the_absolute_limit_however_active(app, client, make_user):
    user = make_user()
    log_in(client, user)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    row.created_at = row.created_at - app.config["SESSION_ABSOLUTE_TIMEOUT"] - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_the_login_session_its_user_and_roles_cost_one_statement_a_page(app, make_user):
    user = make_user(Role.COUNSELLOR, Role.TEACHER)
    with app.test_request_context("/"):
        sessions.start(user)
        token, organisation_id = session["_user_id"], user.organisation_id
        db.session.commit()
        db.session.expunge_all()  # as a new request finds it: nothing loaded yet
        with recorded_statements() as statements:
            loaded = sessions.load_user(token)
            assert loaded.roles == {Role.COUNSELLOR, Role.TEACHER} and loaded.organisation_id == organisation_id
    assert len(statements) == 1, statements
