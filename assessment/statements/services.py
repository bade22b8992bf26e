"""Third-party statements: the counsellor asks a referee, the referee answers once by link, the teacher verifies."""

from datetime import UTC, date, datetime, time, timedelta

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from assessment.placements.services import case_units
from assessment.statements import access, notices
from assessment.statements.models import Acquaintance, RefereeStatement, StatementItem, VerificationMethod
from cases.models import Case
from isok import audit, links
from isok.accounts.models import User
from isok.database import utcnow
from isok.extensions import db
from isok.i18n import CLIENT_LOCALES
from isok.rules import RuleBroken
from isok.translation import gettext as _

MAX_DAYS = 90  # the longest a request stays open, as for a workplace tutor's link
DEFAULT_DAYS = timedelta(days=14)  # the deadline the request form proposes
MAX_TASKS = 10
REQUEST_FIELDS = ["case_id", "referee_name", "referee_organisation", "referee_country", "language", "deadline"]


class StatementError(RuleBroken):
    """A rule of third-party statements was broken; the message is shown next to the field."""


def countries(locale: str) -> list[tuple[str, str]]:
    """ISO country codes with their names in `locale`, sorted by name."""
    territories = Locale.parse(locale).territories
    return sorted(
        ((code, name) for code, name in territories.items() if len(code) == 2 and code.isalpha()),
        key=lambda pair: pair[1].casefold(),
    )


def case_outcome_ids(case: Case) -> set[int]:
    return {outcome.id for unit in case_units(case) for outcome in unit.outcomes}


def link_expiry(deadline: date) -> datetime:
    """The link works to the end of the deadline day (UTC), so a referee abroad has the whole day."""
    return datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=UTC)


def request_statement(
    actor: User,
    case: Case,
    *,
    name: str,
    organisation: str,
    country: str,
    email: str,
    language: str,
    tasks: list[str],
    outcome_ids: list[int],
    deadline: date | None,
) -> tuple[RefereeStatement, str]:
    """Ask a referee to confirm tasks and learning outcomes; return the request and its link's token (never
    stored), and mail the link to the referee in their language."""
    if not access.can_request_statement(actor, case):
        raise StatementError(_("Only the client's counsellor can ask for a statement."))
    name, organisation, email = (name or "").strip(), (organisation or "").strip(), (email or "").strip()
    if not name:
        raise StatementError(_("Give the referee's name."), "name")
    if not organisation:
        raise StatementError(_("Give the organisation where the referee saw the client's work."), "organisation")
    if "@" not in email:
        raise StatementError(_("Give the referee's e-mail address."), "email")
    if country not in dict(countries("en")):
        raise StatementError(_("Choose the country."), "country")
    if language not in CLIENT_LOCALES:
        raise StatementError(_("Choose the referee's language."), "language")
    tasks = [task.strip() for task in tasks if task and task.strip()]
    if len(tasks) > MAX_TASKS:
        raise StatementError(_("Ask about at most %(n)d tasks.", n=MAX_TASKS), "tasks")
    allowed = case_outcome_ids(case)
    if not allowed and outcome_ids:
        raise StatementError(_("Set the case's target qualification before asking about its learning outcomes."))
    if any(outcome_id not in allowed for outcome_id in outcome_ids):
        raise StatementError(_("This learning outcome is not part of the case's target qualification."), "outcome_ids")
    if not tasks and not outcome_ids:
        raise StatementError(_("Name at least one task or learning outcome for the referee to confirm."), "tasks")
    today = utcnow().date()
    if deadline is None or not today <= deadline <= today + timedelta(days=MAX_DAYS):
        raise StatementError(_("The deadline falls between today and %(n)d days from now.", n=MAX_DAYS), "deadline")
    token, token_hash = links.new_token()
    statement = RefereeStatement(
        case_id=case.id,
        referee_name=name,
        referee_organisation=organisation,
        referee_country=country,
        referee_email=email,
        language=language,
        deadline=deadline,
        token_hash=token_hash,
        expires_at=link_expiry(deadline),
        requested_by_id=actor.id,
    )
    outcome_order = [o_id for o_id in _ordered_outcomes(case) if o_id in set(outcome_ids)]
    statement.items = [StatementItem(position=n, task=task) for n, task in enumerate(tasks)] + [
        StatementItem(position=len(tasks) + n, outcome_id=outcome_id) for n, outcome_id in enumerate(outcome_order)
    ]
    db.session.add(statement)
    db.session.flush()
    audit.record(
        actor,
        "statement_requested",
        statement,
        changes={**audit.snapshot(statement, REQUEST_FIELDS), "tasks": tasks, "outcome_ids": outcome_order},
    )
    notices.mail_request(statement, token)
    return statement, token


def _ordered_outcomes(case: Case) -> list[int]:
    return [outcome.id for unit in case_units(case) for outcome in unit.outcomes]


def revoke_statement(actor: User, statement: RefereeStatement) -> None:
    """Close the referee's link: it answers 404 from now on. An answered statement stays as it was given."""
    if statement.submitted_at is not None:
        raise StatementError(_("The referee has already answered; the statement stays on record."))
    if statement.revoked_at is not None:
        return
    statement.revoked_at, statement.revoked_by_id = utcnow(), actor.id
    audit.record(actor, "statement_revoked", statement, changes={"case_id": statement.case_id})
    db.session.flush()


def statement_by_token(token: str) -> RefereeStatement | None:
    """The request behind a link, while it works: not revoked, not past its deadline."""
    statement = db.session.scalar(
        select(RefereeStatement).where(RefereeStatement.token_hash == links.token_hash(token))
    )
    return statement if statement is not None and statement.usable() else None


def submit_statement(
    statement: RefereeStatement,
    *,
    answers: dict[int, bool | None],
    acquaintance: Acquaintance | None,
    period: str | None,
    comment: str | None,
) -> None:
    """The referee's answer, given once: each item confirmed or not, how and when they knew the client's work."""
    if statement.submitted_at is not None:
        raise StatementError(_("This statement was already sent and cannot be changed. Thank you."))
    if not statement.usable():
        raise StatementError(_("The link has expired or was revoked. Ask the counsellor for a new link."))
    errors = {f"item-{item.id}": _("Choose yes or no.") for item in statement.items if answers.get(item.id) is None}
    period = (period or "").strip()
    if acquaintance is None:
        errors["acquaintance"] = _("Say how you know the client's work.")
    if not period:
        errors["period"] = _("Say when you saw the client's work.")
    if errors or acquaintance is None:
        raise StatementError(_("Some answers need attention; nothing was sent."), errors=errors)
    for item in statement.items:
        item.confirmed = answers[item.id]
    statement.acquaintance = acquaintance
    statement.period = period[:200]
    statement.comment = (comment or "").strip() or None
    statement.submitted_at = utcnow()
    audit.record(
        None,
        "statement_submitted",
        statement,
        changes={
            "acquaintance": acquaintance.value,
            "confirmed": sorted(item.id for item in statement.items if item.confirmed),
            "not_confirmed": sorted(item.id for item in statement.items if not item.confirmed),
        },
    )
    db.session.flush()


def verify_statement(actor: User, statement: RefereeStatement, *, method: VerificationMethod | None, note: str) -> None:
    """The teacher's record of whether the statement comes from the person it names, and how they checked."""
    if not access.can_verify_statement(actor, statement):
        raise StatementError(_("Only a teacher of the case records how an answered statement was verified."))
    if method is None:
        raise StatementError(_("Choose how you verified the statement."), "method")
    note = (note or "").strip()
    if not note:
        raise StatementError(_("Say how you verified it: whom you called, which document you saw."), "note")
    statement.verification, statement.verification_note = method, note
    changes = audit.changes_of(statement, ["verification", "verification_note"])
    statement.verified_by_id, statement.verified_at = actor.id, utcnow()
    audit.record(actor, "statement_verified", statement, changes=changes or {"verification": method.value})
    db.session.flush()


def case_statements(case: Case) -> list[RefereeStatement]:
    return list(
        db.session.scalars(
            select(RefereeStatement)
            .where(RefereeStatement.case_id == case.id)
            .options(selectinload(RefereeStatement.items).selectinload(StatementItem.outcome))
            .order_by(RefereeStatement.id.desc())
        )
    )


def confirmed_outcomes(case: Case) -> list[StatementItem]:
    """Learning outcomes referees confirmed in answered statements: the triangulation's third-party source."""
    return list(
        db.session.scalars(
            select(StatementItem)
            .join(RefereeStatement, StatementItem.statement_id == RefereeStatement.id)
            .where(
                RefereeStatement.case_id == case.id,
                RefereeStatement.submitted_at.is_not(None),
                StatementItem.outcome_id.is_not(None),
                StatementItem.confirmed.is_(True),
            )
            .options(contains_eager(StatementItem.statement))
            .order_by(StatementItem.id)
        )
    )
