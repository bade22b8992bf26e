from tests.access import MISSING_ID, NOT_FOUND, SIGNED_IN, Access, expect

ROUTES = [
    Access("notices.mine", "GET", expect(SIGNED_IN)),
    Access("notices.mark_read", "POST", expect(SIGNED_IN)),
    Access("notices.mail_choices", "POST", expect(SIGNED_IN), data=lambda w, r: {"by_mail": ["interview"]}),
    Access("notices.outbox", "GET", expect(["admin"])),
    Access("notices.outbox_mail", "GET", expect(["admin"]), params=lambda w, r: {"mail_id": w.mail.id}),
    Access(
        "notices.outbox_mail",
        "GET",
        expect(["admin"], ok=NOT_FOUND),
        params=lambda w, r: {"mail_id": MISSING_ID},
        variant="missing",
    ),
]


def build_world(world):
    """A mail in the outbox, as the embedded default keeps them."""
    from isok.extensions import db
    from isok.notices.models import OutboxMail

    world.mail = OutboxMail(
        recipient="someone@home.example",
        subject="A notice",
        message="Subject: A notice\nContent-Type: text/plain\n\nWhat happened.\n",
    )
    db.session.add(world.mail)
    db.session.flush()
