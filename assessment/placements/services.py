"""Placements and the personal links that let a workplace tutor work on one placement without an account."""

from datetime import date, timedelta

from flask_babel import format_date
from sqlalchemy import select

from assessment.frameworks.models import CaseQualification, FrameworkUnit
from assessment.placements import notices
from assessment.placements.models import Placement, TutorLink
from cases.models import Case
from isok import audit, links
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, Role, User, UserRole
from isok.concurrency import check_version
from isok.database import utcnow
from isok.extensions import db
from isok.rules import RuleBroken
from isok.translation import gettext as _

LINK_LIFETIME_DAYS = 30
PLACEMENT_FIELDS = [
    "case_id",
    "workplace_id",
    "tutor_id",
    "start_date",
    "end_date",
    "tasks",
    "ended_early_on",
    "ended_early_reason",
]


class PlacementError(RuleBroken):
    """A placement rule was broken; the message is shown next to the field."""


def case_qualification(case: Case) -> CaseQualification | None:
    return db.session.scalar(select(CaseQualification).where(CaseQualification.case_id == case.id))


def case_units(case: Case) -> list[FrameworkUnit]:
    """The units of the case's target qualification, in their order; none when no target is set."""
    qualification = case_qualification(case)
    return list(qualification.version.units) if qualification else []


def tutors() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.WORKPLACE_TUTOR, User.active.is_(True))
            .order_by(User.name)
        )
    )


def _check(
    case: Case,
    *,
    workplace: Organisation | None,
    tutor: User | None,
    start_date: date | None,
    end_date: date | None,
    units: list[FrameworkUnit],
) -> Organisation:
    """The workplace, once the placement is known to follow the rules."""
    if workplace is None:
        raise PlacementError(_("Choose the workplace."), "workplace_id")
    if tutor is not None and Role.WORKPLACE_TUTOR not in tutor.roles:
        raise PlacementError(_("The tutor must have a workplace tutor account."), "tutor_id")
    if start_date and end_date and end_date < start_date:
        raise PlacementError(_("The placement cannot end before it starts."), "end_date")
    allowed = {unit.id for unit in case_units(case)}
    if not allowed:
        raise PlacementError(_("Set the case's target qualification before planning a placement."), "unit_ids")
    if not units:
        raise PlacementError(_("Choose at least one unit to be assessed at the workplace."), "unit_ids")
    if any(unit.id not in allowed for unit in units):
        raise PlacementError(_("Only units of the case's target qualification can be assessed."), "unit_ids")
    return workplace


def create_tutor_account(actor: User, workplace: Organisation, *, name: str, email: str) -> User:
    """Create a workplace tutor's account without a password; they set one through their placement link."""
    try:
        return account_services.create_user(
            actor, email=email, name=name, roles={Role.WORKPLACE_TUTOR}, organisation=workplace
        )
    except account_services.AccountError as error:
        raise PlacementError(str(error), "new_tutor_email") from error


def create_placement(
    actor: User,
    case: Case,
    *,
    workplace: Organisation | None,
    tutor: User | None,
    start_date: date,
    end_date: date,
    tasks: str | None,
    units: list[FrameworkUnit],
) -> Placement:
    workplace = _check(case, workplace=workplace, tutor=tutor, start_date=start_date, end_date=end_date, units=units)
    placement = Placement(
        case_id=case.id,
        workplace_id=workplace.id,
        tutor_id=tutor.id if tutor else None,
        start_date=start_date,
        end_date=end_date,
        tasks=(tasks or "").strip() or None,
        units=units,
    )
    db.session.add(placement)
    db.session.flush()
    audit.record(
        actor,
        "placement_created",
        placement,
        changes={**audit.snapshot(placement, PLACEMENT_FIELDS), "units": [u.id for u in units]},
    )
    return placement


def _check_early_end(start_date: date, end_date: date, ended_early_on: date | None, reason: str | None) -> None:
    if ended_early_on is None:
        if reason:
            raise PlacementError(_("Give the day the placement ended, or leave the reason empty."), "ended_early_on")
        return
    if not reason:
        raise PlacementError(_("Say why the placement ended early."), "ended_early_reason")
    if not start_date <= ended_early_on < end_date:
        raise PlacementError(
            _(
                "An early end falls on or after the start (%(start)s) and before the planned end (%(end)s).",
                start=format_date(start_date),
                end=format_date(end_date),
            ),
            "ended_early_on",
        )
    if ended_early_on > utcnow().date():
        raise PlacementError(
            _("An early end is recorded once it has happened; the day is in the future."), "ended_early_on"
        )


def update_placement(
    actor: User,
    placement: Placement,
    *,
    expected_version: int,
    workplace: Organisation | None,
    tutor: User | None,
    start_date: date,
    end_date: date,
    tasks: str | None,
    units: list[FrameworkUnit],
    ended_early_on: date | None = None,
    ended_early_reason: str | None = None,
) -> None:
    """Change the placement; an early end is the counsellor's record that it ended before its planned end, and why."""
    check_version(
        placement,
        expected_version,
        _(
            "Someone else saved this placement while you were editing it. "
            "Their changes are shown below; your input is kept in the form. "
            "Check it and save again."
        ),
        error=PlacementError,
    )
    case = db.session.get_one(Case, placement.case_id)
    workplace = _check(case, workplace=workplace, tutor=tutor, start_date=start_date, end_date=end_date, units=units)
    ended_early_reason = (ended_early_reason or "").strip() or None
    _check_early_end(start_date, end_date, ended_early_on, ended_early_reason)
    before_units = sorted(u.id for u in placement.units)
    placement.workplace_id = workplace.id
    placement.tutor_id = tutor.id if tutor else None
    placement.start_date, placement.end_date = start_date, end_date
    placement.tasks = (tasks or "").strip() or None
    placement.units = units
    placement.ended_early_on, placement.ended_early_reason = ended_early_on, ended_early_reason
    changes = audit.changes_of(placement, PLACEMENT_FIELDS)
    after_units = sorted(u.id for u in units)
    if before_units != after_units:
        changes["units"] = [before_units, after_units]
    if changes:
        audit.record(actor, "placement_updated", placement, changes=changes)


# --- personal tutor links --------------------------------------------------------------------------------------


def issue_tutor_link(actor: User, placement: Placement, days: int = LINK_LIFETIME_DAYS) -> tuple[TutorLink, str]:
    """Create a personal link for the placement's tutor; return it with the token, which is never stored."""
    if placement.tutor_id is None:
        raise PlacementError(_("Name the workplace tutor before inviting them."))
    if not 1 <= days <= 90:
        raise PlacementError(_("A link can be valid for 1 to 90 days."), "days")
    token, token_hash = links.new_token()
    link = TutorLink(
        token_hash=token_hash,
        placement_id=placement.id,
        user_id=placement.tutor_id,
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        actor,
        "tutor_link_issued",
        link,
        changes={"placement_id": placement.id, "user_id": placement.tutor_id, "days": days},
    )
    notices.tell_tutor(link, token)
    return link, token


def revoke_tutor_link(actor: User, link: TutorLink) -> None:
    if link.revoked_at is not None:
        return
    link.revoked_at = utcnow()
    audit.record(actor, "tutor_link_revoked", link, changes={"placement_id": link.placement_id})


def placement_links(placement: Placement) -> list[TutorLink]:
    return list(
        db.session.scalars(
            select(TutorLink).where(TutorLink.placement_id == placement.id).order_by(TutorLink.id.desc())
        )
    )


def _still_good(link: TutorLink | None) -> TutorLink | None:
    return link if link is not None and link.works(utcnow()) else None


def tutor_link(token: str) -> TutorLink | None:
    return _still_good(db.session.scalar(select(TutorLink).where(TutorLink.token_hash == links.token_hash(token))))


def tutor_link_by_id(link_id: int | None, token_hash: str | None) -> TutorLink | None:
    """Find the link behind a link session; the stored hash must match so a guessed id opens nothing."""
    if not link_id or not token_hash:
        return None
    link = db.session.get(TutorLink, link_id)
    if link is None or not links.same_hash(link.token_hash, token_hash):
        return None
    return _still_good(link)


def note_link_used(link: TutorLink) -> None:
    link.last_used_at = utcnow()
    audit.record(link.user, "tutor_link_used", link, changes={"placement_id": link.placement_id})


def set_tutor_password(link: TutorLink, password: str) -> User:
    """Let an invited tutor without a password set one, through the accounts' own password-link rules."""
    user = link.user
    if user.password_hash is not None:
        raise PlacementError(_("This account already has a password. Log in instead."), "password")
    try:
        account_services.check_password_strength(password)
    except account_services.AccountError as error:
        raise PlacementError(str(error), "password") from error
    password_link = account_services.password_link(account_services.issue_password_link(user, user))
    if password_link is None:  # the account was switched off
        raise PlacementError(_("The link no longer works."), "password")
    account_services.set_password_from_link(password_link, password)
    note_link_used(link)
    return user
