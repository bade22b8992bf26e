"""Case notices: a six-month follow-up due this week, to the counsellor (a daily job tells once per case)."""

from datetime import timedelta

from flask import Flask
from flask_babel import format_date
from sqlalchemy import select

from cases import access, services
from cases.models import Case, Client
from isok.extensions import db
from isok.jobs import queue
from isok.notices import registry
from isok.notices import services as notices
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

KIND = "follow_up_due"


def init_app(app: Flask) -> None:
    registry.kind(app, registry.Kind(KIND, _l("Six-month follow-ups due this week"), write, visible))
    queue.periodic(app, queue.crontab(minute="10", hour="5"), tell_of_follow_ups_due)


def tell_of_follow_ups_due() -> None:
    """The daily job: tell each counsellor of the follow-ups due this week (Monday to Sunday) not yet recorded."""
    monday = services.today() - timedelta(days=services.today().weekday())
    due = db.session.scalars(
        select(Case)
        .join(Client, Case.client_id == Client.id)
        .where(
            Case.follow_up_due.between(monday, monday + timedelta(days=6)),
            Case.follow_up_on.is_(None),
            Case.counsellor_id.is_not(None),
            Client.erased_at.is_(None),
        )
    )
    for case in due:
        if not notices.already_told(case.counsellor_id, KIND, case.id):
            notices.tell(registry.Tell(case.counsellor_id, KIND, case.id, case_id=case.id))
    db.session.commit()


def visible(user, notice) -> bool:
    return db.session.scalar(access.visible_cases(user).where(Case.id == notice.object_id)) is not None


def write(notice) -> registry.Written | None:
    case = db.session.get(Case, notice.object_id)
    if case is None or case.follow_up_due is None:
        return None
    return registry.Written(
        _(
            "A six-month follow-up is due on %(date)s (case %(id)d)",
            date=format_date(case.follow_up_due, "long"),
            id=case.id,
        ),
        _("Ask the client how they are doing six months after the exit, and record it on the case page."),
        registry.link("cases.detail", case_id=case.id),
    )
