"""Network operations: plain functions taking the acting user; they check the rule, change, audit and flush."""

from datetime import date

from sqlalchemy import func, select

from isok import audit
from isok.accounts import services as account_services
from isok.accounts.models import CompanySize, Organisation, OrganisationType
from isok.concurrency import WITHOUT_FORM, check_version
from isok.extensions import db
from isok.network import queries
from isok.network.models import (
    NARRATIVE_SECTIONS,
    TARGET_INDICATORS,
    DisseminationEvent,
    HalfYear,
    Narrative,
    Partnership,
    ProjectSettings,
    RuleSet,
    SteeringMeeting,
    Target,
)
from isok.rules import RuleBroken
from isok.translation import gettext as _


class NetworkError(RuleBroken):
    """A rule of the network domain was broken; the message is shown next to `field` (or above the form)."""


def _check_version(record, version) -> None:
    """Refuse to save over changes someone else saved after this user loaded the form (no version: no form)."""
    check_version(
        record,
        version,
        _(
            "Someone else saved this record while you were editing it. "
            "Open it again to see their changes, then make yours."
        ),
        error=NetworkError,
    )


def _text(value) -> str | None:
    return (value or "").strip() or None


def _required_text(value, field: str) -> str:
    text = _text(value)
    if text is None:
        raise NetworkError(_("A value is required."), field)
    return text


def _not_in_future(day: date | None, field: str) -> None:
    if day is not None and day > date.today():
        raise NetworkError(_("This date is in the future. Record it once it has happened."), field)


def _end_not_before_start(starts_on: date, ends_on: date, field: str = "ends_on") -> None:
    if ends_on < starts_on:
        raise NetworkError(_("The end date is before the start date."), field)


# --- project settings and targets ------------------------------------------------------------------------------

SETTINGS_FIELDS = ["name", "code", "starts_on", "ends_on", "rule_set", "suppression_threshold"]


def save_settings(
    actor,
    *,
    name: str,
    code: str | None,
    starts_on: date,
    ends_on: date,
    rule_set,
    suppression_threshold: int,
    version=WITHOUT_FORM,
) -> ProjectSettings:
    """Create or update the project's one settings row."""
    settings = queries.project_settings()
    if settings is not None:
        _check_version(settings, version)
    _end_not_before_start(starts_on, ends_on)
    try:
        rule_set = RuleSet(rule_set)
    except ValueError as error:
        raise NetworkError(_("Choose one of the listed rule sets."), "rule_set") from error
    if suppression_threshold is None or suppression_threshold < 1:
        raise NetworkError(_("The threshold must be at least 1."), "suppression_threshold")
    creating = settings is None
    if settings is None:
        settings = ProjectSettings(id=1)
        db.session.add(settings)
    settings.name = _required_text(name, "name")
    settings.code = _text(code)
    settings.starts_on, settings.ends_on = starts_on, ends_on
    settings.rule_set = rule_set
    settings.suppression_threshold = suppression_threshold
    if creating:
        audit.record(actor, "project_settings_created", settings, changes=audit.snapshot(settings, SETTINGS_FIELDS))
    elif changes := audit.changes_of(settings, SETTINGS_FIELDS):
        audit.record(actor, "project_settings_updated", settings, changes=changes)
    db.session.flush()
    return settings


def _created(actor, record, action: str, fields: list[str], **extra):
    """Add a new record and audit it with what it holds."""
    db.session.add(record)
    db.session.flush()
    audit.record(actor, action, record, changes={**extra, **audit.snapshot(record, fields)})
    return record


def _updated(actor, record, action: str, fields: list[str]) -> None:
    """Audit what an edit changed, if anything."""
    if changes := audit.changes_of(record, fields):
        audit.record(actor, action, record, changes=changes)
    db.session.flush()


def _removed(actor, record, action: str, fields: list[str], **extra) -> None:
    """Delete a record, keeping in the audit trail what it held."""
    audit.record(actor, action, record, changes={**extra, **audit.snapshot(record, fields)})
    db.session.delete(record)
    db.session.flush()


def set_target(actor, indicator: str, target_value: int) -> Target:
    """Set the planned value of an indicator, adding the target if it is new."""
    if indicator not in TARGET_INDICATORS:
        raise NetworkError(_("Choose one of the listed indicators."), "indicator")
    if target_value is None or target_value < 0:
        raise NetworkError(_("A target cannot be negative."), "target_value")
    target = db.session.scalar(select(Target).where(Target.indicator == indicator))
    if target is None:
        target = Target(indicator=indicator, target_value=target_value)
        db.session.add(target)
        audit.record(
            actor, "target_set", target, changes={"indicator": indicator, "target_value": [None, target_value]}
        )
    elif target.target_value != target_value:
        audit.record(
            actor,
            "target_set",
            target,
            changes={"indicator": indicator, "target_value": [target.target_value, target_value]},
        )
        target.target_value = target_value
    db.session.flush()
    return target


def remove_target(actor, target: Target) -> None:
    _removed(actor, target, "target_removed", ["indicator", "target_value"])


# --- partners --------------------------------------------------------------------------------------------------

PARTNERSHIP_FIELDS = ["organisation_id", "first_cooperation_on", "role", "agreement_on", "notes"]


def _apply_partnership(partnership: Partnership, *, first_cooperation_on, role, agreement_on, notes) -> None:
    if first_cooperation_on is None:
        raise NetworkError(_("A value is required."), "first_cooperation_on")
    _not_in_future(first_cooperation_on, "first_cooperation_on")
    _not_in_future(agreement_on, "agreement_on")
    partnership.first_cooperation_on = first_cooperation_on
    partnership.role = _text(role)
    partnership.agreement_on = agreement_on
    partnership.notes = _text(notes)


def register_organisation(
    actor, *, name: str, type, size_class=None, business_id=None, municipality=None
) -> Organisation:
    """Register an organisation the network meets for the first time; companies need their size for the report."""
    try:
        kind = OrganisationType(type)
    except ValueError as error:
        raise NetworkError(
            _("Unknown organisation kind. Choose company, public body, education provider or other organisation."),
            "type",
        ) from error
    size = CompanySize(size_class) if size_class else None
    if kind is OrganisationType.COMPANY and size is None:
        raise NetworkError(
            _("Choose the company's size: the ESF report counts major companies and SMEs separately."), "size_class"
        )
    try:
        return account_services.create_organisation(
            actor,
            name=_required_text(name, "name"),
            type=kind,
            size_class=size,
            business_id=business_id,
            municipality=municipality,
        )
    except account_services.AccountError as error:
        raise NetworkError(str(error), error.field) from error


def add_partner(
    actor, organisation: Organisation, *, first_cooperation_on: date, role=None, agreement_on=None, notes=None
) -> Partnership:
    """Record that an organisation cooperates with the project."""
    if db.session.scalar(select(Partnership.id).where(Partnership.organisation_id == organisation.id)):
        raise NetworkError(_("This organisation is already a partner."), "organisation_id")
    partnership = Partnership(organisation=organisation)
    _apply_partnership(
        partnership, first_cooperation_on=first_cooperation_on, role=role, agreement_on=agreement_on, notes=notes
    )
    return _created(actor, partnership, "partnership_created", PARTNERSHIP_FIELDS)


def update_partnership(actor, partnership: Partnership, *, version=WITHOUT_FORM, **fields) -> None:
    _check_version(partnership, version)
    _apply_partnership(partnership, **fields)
    _updated(actor, partnership, "partnership_updated", PARTNERSHIP_FIELDS)


def remove_partnership(actor, partnership: Partnership) -> None:
    """End the record of cooperation; the organisation itself stays."""
    _removed(actor, partnership, "partnership_removed", PARTNERSHIP_FIELDS)


# --- dissemination events --------------------------------------------------------------------------------------

EVENT_FIELDS = ["title", "held_on", "place", "audience", "headcount", "notes"]


def _apply_event(
    event: DisseminationEvent, *, title, held_on, place=None, audience=None, headcount=0, notes=None
) -> None:
    if held_on is None:
        raise NetworkError(_("A value is required."), "held_on")
    if headcount is None or headcount < 0:
        raise NetworkError(_("The headcount cannot be negative."), "headcount")
    if headcount > 0:
        _not_in_future(held_on, "held_on")
    event.title = _required_text(title, "title")
    event.held_on = held_on
    event.place, event.audience, event.notes = _text(place), _text(audience), _text(notes)
    event.headcount = headcount


def create_event(actor, **fields) -> DisseminationEvent:
    event = DisseminationEvent()
    _apply_event(event, **fields)
    return _created(actor, event, "dissemination_event_created", EVENT_FIELDS)


def update_event(actor, event: DisseminationEvent, *, version=WITHOUT_FORM, **fields) -> None:
    _check_version(event, version)
    _apply_event(event, **fields)
    _updated(actor, event, "dissemination_event_updated", EVENT_FIELDS)


def remove_event(actor, event: DisseminationEvent) -> None:
    _removed(actor, event, "dissemination_event_removed", EVENT_FIELDS)


# --- steering committee ----------------------------------------------------------------------------------------

MEETING_FIELDS = ["held_on", "attendees", "decisions"]


def _apply_meeting(meeting: SteeringMeeting, *, held_on, attendees, decisions=None) -> None:
    if held_on is None:
        raise NetworkError(_("A value is required."), "held_on")
    _not_in_future(held_on, "held_on")
    meeting.held_on = held_on
    meeting.attendees = _required_text(attendees, "attendees")
    meeting.decisions = _text(decisions)


def create_meeting(actor, **fields) -> SteeringMeeting:
    meeting = SteeringMeeting()
    _apply_meeting(meeting, **fields)
    return _created(actor, meeting, "steering_meeting_created", MEETING_FIELDS)


def update_meeting(actor, meeting: SteeringMeeting, *, version=WITHOUT_FORM, **fields) -> None:
    _check_version(meeting, version)
    _apply_meeting(meeting, **fields)
    _updated(actor, meeting, "steering_meeting_updated", MEETING_FIELDS)


def remove_meeting(actor, meeting: SteeringMeeting) -> None:
    _removed(actor, meeting, "steering_meeting_removed", MEETING_FIELDS)


# --- narratives ------------------------------------------------------------------------------------------------

NARRATIVE_FIELDS = list(NARRATIVE_SECTIONS)


def _check_period(period: HalfYear) -> None:
    settings = queries.project_settings()
    if settings is not None and (period.ends_on < settings.starts_on or period.starts_on > settings.ends_on):
        raise NetworkError(
            _(
                "This period is outside the project (%(start)s – %(end)s).",
                start=settings.starts_on.isoformat(),
                end=settings.ends_on.isoformat(),
            ),
            "period",
        )


def create_narrative(actor, period: HalfYear, **sections) -> Narrative:
    """Start the narrative of a six-month period; each period has one."""
    _check_period(period)
    if db.session.scalar(select(Narrative.id).where(Narrative.year == period.year, Narrative.half == period.half)):
        raise NetworkError(_("This period already has a narrative. Open it from the list to edit it."), "period")
    narrative = Narrative(year=period.year, half=period.half, updated_by_id=getattr(actor, "id", None))
    for name in NARRATIVE_FIELDS:
        setattr(narrative, name, _text(sections.get(name)))
    db.session.add(narrative)
    audit.record(
        actor,
        "narrative_created",
        narrative,
        changes={"period": period.code, **audit.snapshot(narrative, NARRATIVE_FIELDS)},
    )
    return narrative


def update_narrative(actor, narrative: Narrative, *, version=WITHOUT_FORM, **sections) -> None:
    _check_version(narrative, version)
    for name in NARRATIVE_FIELDS:
        setattr(narrative, name, _text(sections.get(name)))
    if changes := audit.changes_of(narrative, NARRATIVE_FIELDS):
        narrative.updated_by_id = getattr(actor, "id", None)
        audit.record(actor, "narrative_updated", narrative, changes=changes)
    db.session.flush()


def remove_narrative(actor, narrative: Narrative) -> None:
    _removed(actor, narrative, "narrative_removed", NARRATIVE_FIELDS, period=narrative.period.code)


# --- look-ups shared by forms and imports ----------------------------------------------------------------------


def find_organisation(text: str) -> Organisation | None:
    """Find an organisation by its business ID or its name (case-insensitive)."""
    text = text.strip()
    return db.session.scalar(
        select(Organisation).where((Organisation.business_id == text) | (func.lower(Organisation.name) == text.lower()))
    )
