"""Who reaches which placements: counsellors and teachers through their cases, a workplace tutor only the
placements where they are the tutor, and whoever holds a tutor's personal link only that link's placement.

A placement does not bring its case into the tutor's view: the tutor works for a company outside the school and
sees the placement's own pages (the client's name, the tasks, the units with their criteria, the ratings), never
the case, the client record or the portfolio (beyond what the client's consent shares, portfolio.sharing).
"""

from datetime import date, timedelta

from flask import abort, session
from flask_login import current_user
from sqlalchemy import Select, false, or_, select, true

from assessment.placements import services as placement_services
from assessment.placements.models import Placement, TutorLink
from cases.access import can_view_case, case_visible
from cases.models import Case, Consent, ConsentPurpose
from isok.accounts.models import Organisation, Role
from isok.extensions import db
from isok.fields import FieldSet, roles
from isok.permissions import MANAGE_PLACEMENTS, VIEW_ASSESSMENTS, can
from portfolio.models import PortfolioEntry

LINK_SESSION_KEY = "tutor_link"
# The tripartite assessment meets at or soon after the end of the placement: its tutor may still declare and rate
# this long after the end date. Then the placement is closed to them: their own ratings and the joint result stay
# readable, nothing new is given (or shared with them).
TUTOR_DAYS_AFTER_END = timedelta(days=30)


def closed_to_tutor(placement: Placement, today: date | None = None) -> bool:
    return (today or date.today()) > placement.ends_on + TUTOR_DAYS_AFTER_END


def reaches_cases(user) -> bool:
    """Counsellors and teachers reach placements and assessments through the cases they may open."""
    return bool(user.roles & {Role.COUNSELLOR, Role.TEACHER})


def _placement_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_ASSESSMENTS):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return true()
    conditions = []
    if reaches_cases(user):
        conditions.append(case_visible(user, Placement.case_id))
    if Role.WORKPLACE_TUTOR in user.roles:
        conditions.append(Placement.tutor_id == user.id)
    return or_(*conditions) if conditions else false()


def visible_placements(user) -> Select:
    return select(Placement).where(_placement_scope(user))


def can_view_placement(user, placement: Placement) -> bool:
    return (
        db.session.scalar(select(Placement.id).where(Placement.id == placement.id, _placement_scope(user))) is not None
    )


def can_manage_placements(user, case: Case) -> bool:
    return can(user, MANAGE_PLACEMENTS) and can_view_case(user, case)


def placement_or_404(placement_id: int) -> Placement:
    return db.session.scalar(visible_placements(current_user).where(Placement.id == placement_id)) or abort(404)


def sharing_consent(placement: Placement) -> Consent | None:
    """The client's standing consent to share with the placement's workplace: recorded, naming that workplace (as
    the consent form has it, in any case and spacing), and not withdrawn."""
    case = db.session.get_one(Case, placement.case_id)
    workplace = db.session.get_one(Organisation, placement.workplace_id)
    name = " ".join(workplace.name.split()).casefold()
    consents = db.session.scalars(
        select(Consent)
        .where(
            Consent.client_id == case.client_id,
            Consent.purpose == ConsentPurpose.SHARE_WITH_WORKPLACE,
            Consent.withdrawn_on.is_(None),
        )
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    )
    return next((c for c in consents if " ".join((c.workplace or "").split()).casefold() == name), None)


def shared_entries(user, placement: Placement) -> list[PortfolioEntry]:
    """What leaves the school for the placement's tutor: the portfolio items marked shareable, while the client's
    consent names the workplace and the placement is still open to the tutor; checked on every request, so a
    withdrawn consent ends the sharing at once."""
    if (
        not getattr(user, "is_authenticated", False)
        or placement.tutor_id != user.id
        or closed_to_tutor(placement)
        or sharing_consent(placement) is None
    ):
        return []
    return list(
        db.session.scalars(
            select(PortfolioEntry)
            .where(PortfolioEntry.case_id == placement.case_id, PortfolioEntry.shareable.is_(True))
            .order_by(PortfolioEntry.section, PortfolioEntry.id)
        )
    )


def link_session() -> TutorLink | None:
    """The link behind this browser's link session, if it still works."""
    data = session.get(LINK_SESSION_KEY) or {}
    return placement_services.tutor_link_by_id(data.get("id"), data.get("hash"))


# --- need to know: the fields each role sees of placements (isok.fields) ---------------------------------------

PLACEMENT_FIELDS = FieldSet(
    "placement",
    "placement",
    {
        ("workplace_id", "start_date", "end_date", "ended_early_on"): roles(*Role),
        ("tutor_id", "tasks", "ended_early_reason"): roles(
            Role.ADMIN, Role.COUNSELLOR, Role.TEACHER, Role.WORKPLACE_TUTOR, Role.CLIENT
        ),
    },
    internal=("id", "case_id", "created_at", "version"),
)

FIELD_SETS = (PLACEMENT_FIELDS,)
