"""The tutor link notice: the workplace tutor is mailed their personal link, in their language, at their address;
the token is kept only encrypted, and a revoked link is neither mailed nor shown."""

import pytest
from sqlalchemy import select

from assessment.placements import services as placement_services
from isok.extensions import db
from isok.jobs import queue
from isok.notices import mail
from isok.notices.models import MailStatus, Notice, OutboxMail
from tests.conftest import log_in
from tests.notices.smtp import LoopbackSMTP


@pytest.fixture
def smtp(app, monkeypatch):
    server = LoopbackSMTP().start()
    monkeypatch.setitem(app.config, "SMTP_URL", server.url)
    yield server
    server.stop()


def test_the_tutor_is_mailed_their_link_in_their_language(app, client, setup, smtp):
    setup.tutor.locale = "sv"
    db.session.commit()
    link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    db.session.commit()

    (message,) = smtp.inbox.messages
    assert message["To"] == setup.tutor.email and message["Content-Language"] == "sv"
    body = message.get_body(("plain",)).get_content()
    assert f"/placement-link/{token}" in body and setup.workplace.name in message["Subject"]
    assert setup.case.client.last_name not in body  # the link opens the placement; the mail names nobody
    (notice,) = db.session.scalars(select(Notice).where(Notice.user_id == setup.tutor.id)).all()
    assert notice.mail_status == MailStatus.SENT and token not in str(notice.params)  # kept encrypted only
    assert client.get(f"/placement-link/{token}").status_code == 200  # the mailed link opens the placement


def test_without_a_mail_server_the_link_waits_in_the_outbox(setup):
    _link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    db.session.commit()
    (kept,) = db.session.scalars(select(OutboxMail)).all()
    assert kept.recipient == setup.tutor.email and f"/placement-link/{token}" in kept.message


def test_a_link_revoked_before_its_mail_goes_is_not_mailed_nor_shown(client, setup, smtp, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)  # the mail waits: no consumer yet
    link, _token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    db.session.commit()
    placement_services.revoke_tutor_link(setup.counsellor, link)
    db.session.commit()
    (notice,) = db.session.scalars(select(Notice).where(Notice.user_id == setup.tutor.id)).all()
    mail.send_notice_mail(notice.id)
    db.session.rollback()
    assert db.session.get(Notice, notice.id).mail_status == MailStatus.WITHHELD and smtp.inbox.messages == []
    log_in(client, setup.tutor)
    assert "/placement-link/" not in client.get("/notices").get_data(as_text=True)
