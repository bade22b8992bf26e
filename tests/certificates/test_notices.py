"""Certificate notices: the client learns of an issued or revoked certificate; administrators of expiring seals."""

from datetime import datetime, timedelta

from sqlalchemy import select

from certificates import services
from certificates.models import OrganisationSeal
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db
from isok.jobs import queue
from isok.notices.models import MailStatus, Notice, OutboxMail


def _notices(user):
    return db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()


def test_the_client_is_told_of_an_issued_and_a_revoked_certificate(counsellor, issued, make_user):
    client_user = make_user(Role.CLIENT, locale="en")
    certificate = issued(user=client_user)
    services.revoke_certificate(counsellor, certificate, "Issued in error")
    db.session.commit()
    assert [notice.params["action"] for notice in _notices(client_user)] == ["issue_certificate", "revoke_certificate"]
    subjects = db.session.scalars(select(OutboxMail.subject).order_by(OutboxMail.id)).all()
    assert subjects == [
        f"Your certificate {certificate.number} was issued",
        f"Your certificate {certificate.number} was revoked",
    ]
    assert _notices(counsellor) == []


def test_administrators_are_told_once_of_a_seal_that_expires_within_60_days(app, org, make_user):
    admin = make_user(Role.ADMIN, locale="en")
    make_user(Role.ADMIN, locale="en").active = False  # a closed account is told nothing
    db.session.commit()
    seal = db.session.scalar(select(OrganisationSeal).where(OrganisationSeal.organisation_id == org.id))
    daily = next(
        task
        for task in queue.huey_of(app).read_periodic(datetime(2026, 12, 7, 5, 0))
        if task.name == "tell_of_expiring_seals"
    )
    db.session.rollback()
    queue.huey_of(app).execute(daily)
    assert _notices(admin) == []  # the test seal is good for years

    seal.not_valid_after = utcnow() + timedelta(days=59)
    db.session.commit()
    for _day in range(2):
        queue.huey_of(app).execute(daily)
    (notice,) = _notices(admin)
    assert notice.mail_status == MailStatus.IN_OUTBOX
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.notice_id == notice.id))
    assert mail.subject.startswith(f"The seal of {org.name} expires on")
