"""Portfolio notices: submitted for review (to the counsellor), returned or accepted (to the client)."""

from flask import Flask

from cases.models import Case
from isok.extensions import db
from isok.notices import registry
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l
from portfolio import access
from portfolio.models import Portfolio

KIND = "portfolio"


def init_app(app: Flask) -> None:
    registry.kind(app, registry.Kind(KIND, _l("Portfolios submitted for review, returned or accepted"), write, visible))
    for action in ("submit_portfolio", "return_portfolio", "accept_portfolio"):
        registry.on_audit(app, action, told)


def told(entry) -> list[registry.Tell]:
    portfolio = db.session.get(Portfolio, entry.object_id)
    case = db.session.get(Case, portfolio.case_id)
    to = case.counsellor_id if entry.action == "submit_portfolio" else case.client.user_id
    return [registry.Tell(to, KIND, portfolio.id, {"action": entry.action}, case_id=case.id)]


def visible(user, notice) -> bool:
    case = db.session.get(Case, notice.case_id)
    return case is not None and access.can_view_portfolio(user, case)


def write(notice) -> registry.Written | None:
    case_id = notice.case_id
    subject, body = {
        "submit_portfolio": (
            _("A portfolio was submitted for review (case %(id)d)", id=case_id),
            _("The client's portfolio waits for your review."),
        ),
        "return_portfolio": (
            _("Your portfolio was returned to you"),
            _("Your counsellor asks you to complete it; their note is on the portfolio page."),
        ),
        "accept_portfolio": (_("Your portfolio was accepted"), _("The next step is the interview with a teacher.")),
    }[notice.params["action"]]
    return registry.Written(subject, body, registry.link("portfolio.overview", case_id=case_id))
