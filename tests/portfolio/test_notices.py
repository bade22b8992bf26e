"""Portfolio notices: the counsellor learns of a submitted portfolio, the client (in Arabic) of its return."""

from sqlalchemy import select

from isok.extensions import db
from isok.notices.models import Notice, OutboxMail
from portfolio import services


def test_submit_tells_the_counsellor_and_a_return_tells_the_client(make_case, make_entry):
    case, client_user, counsellor = make_case()
    make_entry(client_user, case)
    services.submit(client_user, case)
    db.session.commit()
    services.review(counsellor, case, accept=False, note="Add your certificates from Syria")
    db.session.commit()
    to_counsellor = db.session.scalar(select(Notice).where(Notice.user_id == counsellor.id))
    to_client = db.session.scalar(select(Notice).where(Notice.user_id == client_user.id))
    assert (to_counsellor.params["action"], to_client.params["action"]) == ("submit_portfolio", "return_portfolio")
    mails = {mail.recipient: mail for mail in db.session.scalars(select(OutboxMail))}
    assert mails[counsellor.email].subject == f"A portfolio was submitted for review (case {case.id})"
    assert "أُعيد إليك ملف إنجازك" in mails[client_user.email].subject
    assert "Syria" not in mails[client_user.email].message  # the note stays in the app, behind the login
