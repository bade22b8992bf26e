"""The second factor at login: set up on the first login, asked on every later one, throttled, audited, reset by an
administrator; what a person sees in the browser, and what the database keeps."""

import re
import time

import pyotp
from sqlalchemy import select

from isok.accounts import second_factor, sessions
from isok.accounts.models import LoginSession, RecoveryCode, Role, TotpCredential, User
from isok.audit import AuditEntry
from isok.extensions import db
from tests.conftest import PASSWORD, TOTP_SECRET, authenticator_code, log_in

PAGES_BEHIND_THE_LOGIN = ("/", "/account", "/cases", "/admin/users", "/account/second-factor")


def _password(client, user, **kwargs):
    return client.post("/login", data={"email": user.email, "password": PASSWORD}, **kwargs)


def _actions(user) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "user", AuditEntry.object_id == user.id)
            .order_by(AuditEntry.id)
        )
    )


def _key_on(page: str) -> str:
    return re.search(r'class="totp-key" dir="ltr">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _codes_on(page: str) -> list[str]:
    return re.findall(r'<code dir="ltr">([a-z2-9]{5}-[a-z2-9]{5})</code>', page)


def _reaches_nothing(client):
    for url in PAGES_BEHIND_THE_LOGIN:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_counsellor_sets_up_the_app_at_the_first_login_and_gets_recovery_codes(client, make_user):
    user = make_user(Role.COUNSELLOR, authenticator=False)
    assert _password(client, user).headers["Location"] == "/login/enrol"
    _reaches_nothing(client)  # a right password alone opens no page
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page and "Not now" not in page  # the QR code; no way around it for a counsellor
    key = _key_on(page)
    assert _key_on(client.get("/login/enrol").get_data(as_text=True)) == key  # a reload keeps the key scanned

    wrong = client.post("/login/enrol", data={"code": "000000" if pyotp.TOTP(key).now() != "000000" else "111111"})
    assert wrong.status_code == 400 and "This is not the code your app shows now" in wrong.get_data(as_text=True)
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(key).now()})
    codes = _codes_on(done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert _actions(user)[-2:] == ["second_factor_enrolled", "login"]
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in "".join(stored) for code in codes)


def test_the_secret_is_stored_only_encrypted_and_bound_to_its_user(app, make_user, monkeypatch):
    user = make_user(Role.TEACHER)
    row = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
    assert TOTP_SECRET.encode() not in row.encrypted_secret
    assert second_factor.unseal(row.encrypted_secret, user.id) == TOTP_SECRET
    assert second_factor.unseal(row.encrypted_secret, user.id + 1) is None
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_KEY", "another installation's key")
    assert second_factor.unseal(row.encrypted_secret, user.id) is None


def test_every_later_login_asks_for_the_code(client, make_user):
    user = make_user(Role.ADMIN)
    assert _password(client, user).headers["Location"] == "/login/code"
    _reaches_nothing(client)
    assert client.get("/login/code").status_code == 200
    wrong = client.post("/login/code", data={"code": "12345"})
    assert wrong.status_code == 400 and "This code is not right" in wrong.get_data(as_text=True)
    assert "second_factor_failed" in _actions(user)
    assert client.post("/login/code", data={"code": authenticator_code(user.email)}).headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200
    login = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "login", AuditEntry.actor_id == user.id)
    ).one()
    assert login.changes == {"second_factor": "totp"}


def test_a_code_cannot_be_used_twice(app, make_user):
    user = make_user(Role.TEACHER)
    first, second = app.test_client(), app.test_client()
    code = authenticator_code(user.email)
    _password(first, user)
    assert first.post("/login/code", data={"code": code}).status_code == 302
    _password(second, user)  # someone who saw the code (and knows the password) tries it within its 30 seconds
    replay = second.post("/login/code", data={"code": code})
    assert replay.status_code == 400 and "already used" in replay.get_data(as_text=True)
    assert second.get("/").status_code == 302


def test_the_login_session_is_new_after_the_second_factor(app, client, make_user):
    user = make_user(Role.COUNSELLOR)
    with client.session_transaction() as planted:
        planted["planted"] = "x"
    _password(client, user)
    waiting = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    with client.session_transaction() as held:
        assert "planted" not in held and "_user_id" not in held
    client.post("/login/code", data={"code": authenticator_code(user.email)})
    with client.session_transaction() as logged_in:
        assert "planted" not in logged_in and sessions.PENDING not in logged_in and "_user_id" in logged_in
    stale = app.test_client()  # the cookie of the half-way session, kept by someone
    stale.set_cookie(app.config["SESSION_COOKIE_NAME"], waiting)
    _reaches_nothing(stale)


def test_the_half_way_session_expires_and_can_be_cancelled(client, make_user, monkeypatch):
    user = make_user(Role.COUNSELLOR)
    _password(client, user)
    assert client.post("/login/cancel").headers["Location"] == "/login"
    assert client.get("/login/code").headers["Location"] == "/login"

    _password(client, user)
    later = time.time() + sessions.PENDING_SECONDS + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.post("/login/code", data={"code": authenticator_code(user.email)})
    assert response.headers["Location"] == "/login"
    _reaches_nothing(client)


def test_a_recovery_code_works_once(client, make_user):
    user = make_user(Role.COUNSELLOR, authenticator=False)
    response = log_in(client, user)
    codes = _codes_on(response.get_data(as_text=True))
    client.post("/logout")
    _password(client, user)
    used = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})  # typed as one can
    assert used.headers["Location"] == "/"
    assert "recovery code; 9 are left" in client.get("/").get_data(as_text=True)
    assert _actions(user)[-2:] == ["recovery_code_used", "login"]
    client.post("/logout")
    _password(client, user)
    again = client.post("/login/code", data={"code": codes[3]})
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)


def test_wrong_codes_are_throttled_per_account_like_passwords(app, make_user):
    user, colleague = make_user(Role.COUNSELLOR), make_user(Role.COUNSELLOR)
    attacker = app.test_client()
    _password(attacker, user, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    for n in range(5):
        assert (
            attacker.post(
                "/login/code", data={"code": f"00000{n}"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
            ).status_code
            == 400
        )
    blocked = attacker.post(
        "/login/code", data={"code": authenticator_code(user.email)}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    from_elsewhere = app.test_client()  # a new address does not help: the account is what is guessed at
    _password(from_elsewhere, user, environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert (
        from_elsewhere.post(
            "/login/code", data={"code": authenticator_code(user.email)}, environ_base={"REMOTE_ADDR": "198.51.100.4"}
        ).status_code
        == 429
    )
    assert db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id)) is not None
    log_in(app.test_client(), colleague)  # nobody else is held up


def test_a_tutor_may_say_not_now_and_is_not_asked_again(client, make_user):
    tutor = make_user(Role.WORKPLACE_TUTOR)
    assert _password(client, tutor).headers["Location"] == "/login/enrol"
    assert "Not now" in client.get("/login/enrol").get_data(as_text=True)
    assert client.post("/login/skip").headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert _password(client, tutor).headers["Location"] == "/"
    assert "second_factor_skipped" in _actions(tutor)


def test_a_counsellor_cannot_skip(client, make_user):
    user = make_user(Role.COUNSELLOR, authenticator=False)
    _password(client, user)
    assert client.post("/login/skip").headers["Location"] == "/login/enrol"
    _reaches_nothing(client)
    assert db.session.get(User, user.id).second_factor_skipped_at is None


def test_a_client_sets_one_up_from_the_account_page_and_renews_the_codes(client, make_user):
    user = make_user(Role.CLIENT)
    log_in(client, user)  # says "not now" at the first login
    assert "You log in with your password only." in client.get("/account").get_data(as_text=True)
    key = _key_on(client.get("/account/second-factor").get_data(as_text=True))
    first_codes = _codes_on(
        client.post("/account/second-factor", data={"code": pyotp.TOTP(key).now()}).get_data(as_text=True)
    )
    assert len(first_codes) == 10
    assert "Recovery codes left: 10." in client.get("/account").get_data(as_text=True)
    refused = client.post("/account/recovery-codes", data={"renew-code": "999999"})
    assert refused.status_code == 400 and "This code is not right" in refused.get_data(as_text=True)
    db.session.execute(db.update(TotpCredential).values(last_step=None))  # the code above was used to enrol
    db.session.commit()
    renewed = client.post("/account/recovery-codes", data={"renew-code": pyotp.TOTP(key).now()})
    new_codes = _codes_on(renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(first_codes)
    client.post("/logout")
    _password(client, user)
    assert client.post("/login/code", data={"code": first_codes[0]}).status_code == 400
    assert client.post("/login/code", data={"code": new_codes[0]}).headers["Location"] == "/"


def test_an_administrator_resets_the_second_factor_and_the_user_sets_up_a_new_one(app, make_user):
    admin, teacher = make_user(Role.ADMIN), make_user(Role.TEACHER)
    admin_client, teacher_client = app.test_client(), app.test_client()
    log_in(admin_client, admin)
    log_in(teacher_client, teacher)
    page = admin_client.get(f"/admin/users/{teacher.id}").get_data(as_text=True)
    assert "Reset the second factor" in page
    assert admin_client.post(f"/admin/users/{teacher.id}/second-factor/reset").status_code == 302
    assert teacher_client.get("/").status_code == 302  # their sessions ended
    assert second_factor.credential(teacher) is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == teacher.id)).all() == []
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "second_factor_reset")).one()
    assert (entry.actor_id, entry.object_id, entry.changes["had_second_factor"]) == (admin.id, teacher.id, True)
    assert _password(teacher_client, teacher).headers["Location"] == "/login/enrol"
    assert "The user sets one up at their next login." in admin_client.get(f"/admin/users/{teacher.id}").get_data(
        as_text=True
    )


def test_only_an_administrator_resets(app, make_user):
    counsellor, teacher = make_user(Role.COUNSELLOR), make_user(Role.TEACHER)
    client = app.test_client()
    log_in(client, counsellor)
    assert client.post(f"/admin/users/{teacher.id}/second-factor/reset").status_code == 403
    assert second_factor.credential(teacher) is not None


def test_without_the_requirement_staff_log_in_with_the_password_but_a_set_up_factor_is_still_asked(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "REQUIRE_MFA", False)
    bare, enrolled = make_user(Role.COUNSELLOR), make_user(Role.COUNSELLOR, authenticator=True)
    assert _password(client, bare).headers["Location"] == "/"
    client.post("/logout")
    assert _password(client, enrolled).headers["Location"] == "/login/code"


def test_flask_demo_prints_the_demo_key_and_the_demo_accounts_log_in_with_it(app, runner, client):
    output = runner.invoke(args=["demo"]).output
    secret = app.config["DEMO_TOTP_SECRET"]
    assert second_factor.grouped(secret) in output and f"otpauth://totp/isok:demo%20accounts?secret={secret}" in output
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    client.post("/login", data={"email": admin.email, "password": app.config["DEMO_PASSWORD"]})
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).headers["Location"] == "/"


def test_the_command_line_resets_a_locked_out_administrator(runner, make_user):
    admin = make_user(Role.ADMIN)
    result = runner.invoke(args=["reset-second-factor", "--email", admin.email.upper()])
    assert result.exit_code == 0, result.output
    assert second_factor.credential(admin) is None
    assert runner.invoke(args=["reset-second-factor", "--email", "nobody@example.org"]).exit_code != 0


def test_sessions_of_the_user_are_ended_by_the_reset(app, make_user):
    user = make_user(Role.COUNSELLOR)
    log_in(app.test_client(), user)
    second_factor.reset(None, user)
    db.session.commit()
    assert all(
        row.revoked_at is not None
        for row in db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
    )
