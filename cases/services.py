"""Clients, cases and the validation journey: plain functions taking the acting user; they audit and flush."""

import calendar
from datetime import date, datetime, timedelta
from typing import Any, Literal, overload

from sqlalchemy import ColumnElement, func, or_, select, tuple_, update

from cases import codes
from cases.models import (
    Answer,
    Appointment,
    Case,
    Client,
    ClientType,
    Consent,
    ConsentPurpose,
    Gender,
    GuidanceEntry,
    GuidanceKind,
    Handover,
    HandoverKind,
    HandoverStatus,
    LabourMarketResult,
    LabourStatus,
    Stage,
    StageChange,
    search_key,
)
from isok import audit, hooks
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, Role, User
from isok.concurrency import WITHOUT_FORM, check_version
from isok.database import fold_log_after_commit, utcnow
from isok.extensions import db
from isok.i18n import CLIENT_LOCALES
from isok.rules import RuleBroken
from isok.translation import gettext as _


class CaseError(RuleBroken):
    """A rule of the cases domain was broken; the message is shown next to the field it names."""


def _check_version(obj, version) -> None:
    """Refuse a save made from a form loaded before someone else's save (no version: a call without a form)."""
    check_version(
        obj,
        version,
        _(
            "Someone else saved this record while you were editing it. Your input is kept "
            "below: reload the page to see their changes, then apply yours again."
        ),
        field="version",
        error=CaseError,
    )


def today() -> date:
    return utcnow().date()


def _age(birth_date: date | None, on: date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@overload
def _text(value, limit: int, field: str, *, required: Literal[True]) -> str: ...


@overload
def _text(value, limit: int, field: str, *, required: bool = False) -> str | None: ...


def _text(value, limit: int, field: str, *, required: bool = False) -> str | None:
    value = str(value or "").strip()
    if not value:
        if required:
            raise CaseError(_("A value is required."), field)
        return None
    if len(value) > limit:
        raise CaseError(_("Use at most %(n)d characters.", n=limit), field)
    return value


# --- clients ---------------------------------------------------------------------------------------------------

CLIENT_FIELDS = [
    "first_name",
    "last_name",
    "latin_name",
    "birth_date",
    "gender",
    "country_of_birth",
    "citizenship",
    "mother_tongue",
    "languages",
    "arrival_year",
    "municipality",
    "phone",
    "email",
    "preferred_language",
    "certificate_language",
    "labour_status",
    "long_term_unemployed",
    "in_education_or_training",
    "self_employed",
    "isced_level",
    "education_country",
    "third_country_national",
    "foreign_background",
    "minority",
    "disability",
    "homeless",
    "rural",
]
# Direct identifiers never go into the audit trail: it outlives erasure.
PERSONAL_FIELDS = {"first_name", "last_name", "latin_name", "birth_date", "phone", "email", "municipality", "languages"}
ANSWER_FIELDS = ("third_country_national", "foreign_background", "minority", "disability", "homeless", "rural")
TEXT_LIMITS = {"first_name": 100, "last_name": 100, "latin_name": 201, "municipality": 100, "phone": 40, "email": 254}


def _redacted(changes: dict) -> dict:
    return {key: (["redacted", "redacted"] if key in PERSONAL_FIELDS else value) for key, value in changes.items()}


def _clean_client(fields: dict) -> dict:
    """Check and normalise client fields; raise CaseError on the first field that is wrong."""
    clean: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        clean[name] = _text(fields.get(name), limit, name, required=name in ("first_name", "last_name"))
    if clean["email"]:
        clean["email"] = clean["email"].lower()
        if "@" not in clean["email"] or " " in clean["email"]:
            raise CaseError(_("This is not an email address."), "email")
    birth_date = fields.get("birth_date")
    if birth_date is not None:
        if birth_date > today():
            raise CaseError(_("The date of birth cannot be in the future."), "birth_date")
        if birth_date.year < 1900:
            raise CaseError(_("The date of birth is too far in the past."), "birth_date")
    clean["birth_date"] = birth_date
    clean["birth_year"] = birth_date.year if birth_date else None
    clean["gender"] = Gender(fields.get("gender") or Gender.NOT_STATED)
    for name in ("country_of_birth", "citizenship", "education_country"):
        code = (fields.get(name) or "").strip().upper() or None
        if code is not None and not codes.is_country(code):
            raise CaseError(_("Unknown country code: %(code)s", code=code), name)
        clean[name] = code
    mother_tongue = (fields.get("mother_tongue") or "").strip().lower() or None
    if mother_tongue is not None and not codes.is_language(mother_tongue):
        raise CaseError(_("Unknown language code: %(code)s", code=mother_tongue), "mother_tongue")
    clean["mother_tongue"] = mother_tongue
    languages = fields.get("languages") or []
    if isinstance(languages, str):
        try:
            languages = codes.parse_languages(languages)
        except codes.CodeError as error:
            raise CaseError(str(error), "languages") from error
    clean["languages"] = languages or None
    arrival_year = fields.get("arrival_year")
    if arrival_year is not None:
        if not 1900 <= arrival_year <= today().year:
            raise CaseError(_("The year of arrival must be between 1900 and this year."), "arrival_year")
        if birth_date is not None and arrival_year < birth_date.year:
            raise CaseError(_("The year of arrival cannot be before the year of birth."), "arrival_year")
    clean["arrival_year"] = arrival_year
    for name in ("preferred_language", "certificate_language"):
        code = (fields.get(name) or "").strip() or None
        if code is not None and code not in CLIENT_LOCALES:
            raise CaseError(_("Unknown language code: %(code)s", code=code), name)
        clean[name] = code
    clean["preferred_language"] = clean["preferred_language"] or "fi"
    clean.update(_clean_situation(fields))
    for name in ANSWER_FIELDS:
        clean[name] = Answer(fields.get(name) or Answer.NOT_ASKED)
    return clean


def _clean_situation(fields: dict) -> dict:
    """The ESF situation at entry: one labour-market status, and the sub-group flag that belongs to it."""
    status = LabourStatus(fields["labour_status"]) if fields.get("labour_status") else None
    flags = {
        "long_term_unemployed": LabourStatus.UNEMPLOYED,
        "in_education_or_training": LabourStatus.INACTIVE,
        "self_employed": LabourStatus.EMPLOYED,
    }
    clean: dict[str, Any] = {"labour_status": status}
    for flag, needs in flags.items():
        value = bool(fields.get(flag))
        if value and status is not needs:
            raise CaseError(
                _("This applies only when the labour-market status is “%(status)s”.", status=needs.label), flag
            )
        clean[flag] = value
    isced = fields.get("isced_level")
    if isced is not None and isced != "":
        isced = int(isced)
        if isced not in codes.ISCED_LEVELS:
            raise CaseError(_("The ISCED level must be a number from 0 to 8."), "isced_level")
    clean["isced_level"] = None if isced in (None, "") else isced
    return clean


def find_duplicates(
    first_name: str, last_name: str, birth_date: date | None, email: str | None, exclude: Client | None = None
) -> list[Client]:
    """Clients who may be the same person: same name and date of birth, or same email."""
    conditions: list[ColumnElement[bool]] = []
    if birth_date is not None and first_name and last_name:
        conditions.append(
            (Client.search_name == search_key(f"{first_name} {last_name}")) & (Client.birth_date == birth_date)
        )
    if email:
        conditions.append(Client.email == email.strip().lower())  # stored in lower case, so the index serves
    if not conditions:
        return []
    stmt = select(Client).where(or_(*conditions), Client.erased_at.is_(None)).order_by(Client.id)
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(Client.id != exclude.id)
    return list(db.session.scalars(stmt))


def duplicate_keys(client: Client) -> list[tuple]:
    """What makes another client possibly the same person as this one: (name, date of birth) and the email."""
    keys: list[tuple] = []
    if client.birth_date is not None:
        keys.append(("name", search_key(f"{client.first_name} {client.last_name}"), client.birth_date))
    if client.email:
        keys.append(("email", client.email))
    return keys


def registered_duplicates(clients: list[Client]) -> dict[tuple, int]:
    """For many new clients at once: each duplicate key (duplicate_keys) already registered, with its client's id."""
    keys = [key for client in clients for key in duplicate_keys(client)]
    pairs = sorted({key[1:] for key in keys if key[0] == "name"})
    emails = sorted({key[1] for key in keys if key[0] == "email"})
    found: dict[tuple, int] = {}
    living = Client.erased_at.is_(None)
    for start in range(0, len(pairs), 500):
        rows = db.session.execute(
            select(Client.id, Client.search_name, Client.birth_date)
            .where(living, tuple_(Client.search_name, Client.birth_date).in_(pairs[start : start + 500]))
            .order_by(Client.id)
        )
        for client_id, name, birth_date in rows:
            found.setdefault(("name", name, birth_date), client_id)
    for start in range(0, len(emails), 500):
        by_email = db.session.execute(
            select(Client.id, Client.email)
            .where(living, Client.email.in_(emails[start : start + 500]))
            .order_by(Client.id)
        )
        for client_id, email in by_email:
            found.setdefault(("email", email), client_id)
    return found


def new_client(organisation: Organisation | None, fields: dict) -> Client:
    """A checked client, not yet saved: register_client saves one, register_cases many (raises CaseError)."""
    return Client(organisation=organisation, **_clean_client(fields))


def register_client(actor, organisation: Organisation | None, **fields) -> Client:
    """Register a client at the organisation (the caller has already shown the possible duplicates)."""
    client = new_client(organisation, fields)
    db.session.add(client)
    db.session.flush()
    audit.record(actor, "client_created", client, changes=_redacted(audit.snapshot(client, CLIENT_FIELDS)))
    return client


def update_client(actor, client: Client, version=WITHOUT_FORM, **fields) -> None:
    _check_version(client, version)
    for name, value in _clean_client(fields).items():
        setattr(client, name, value)
    for case in client.cases:
        case.age_at_entry = _age(client.birth_date, case.entry_date)
    changes = audit.changes_of(client, CLIENT_FIELDS)
    if changes:
        audit.record(actor, "client_updated", client, changes=_redacted(changes))


def link_user(actor, client: Client, user: User | None) -> None:
    """Give the client their own login (a user with the client role), or remove the link."""
    if user is not None and Role.CLIENT not in user.roles:
        raise CaseError(_("Only a user with the client role can be linked to a client."), "user_id")
    before = client.user_id
    client.user = user
    db.session.flush()
    audit.record(actor, "client_user_linked", client, changes={"user_id": [before, client.user_id]})


def give_login(actor, client: Client, email: str | None = None) -> str:
    """Give the client their login and a one-time link to set its password; answer the link's token.

    The login uses the email of the client's record (`email` is asked only when the record has none, and is then
    recorded there too); a user with the client role and that email is linked, else one is made in the client's
    language. A client who already has a login gets a new link (earlier ones stop working).
    """
    user = client.user
    if user is None:
        typed = None if client.email else "email"  # a refusal goes on the field only when the email was typed
        email = (client.email or email or "").strip().lower()
        if not email:
            raise CaseError(_("Type the client's email address: it is the name they log in with."), "email")
        if typed:
            if "@" not in email or " " in email or len(email) > TEXT_LIMITS["email"]:
                raise CaseError(_("This is not an email address."), "email")
            client.email = email
            audit.record(actor, "client_updated", client, changes=_redacted({"email": [None, email]}))
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            user = account_services.create_user(
                actor,
                email=email,
                name=client.full_name,
                roles={Role.CLIENT},
                locale=client.preferred_language if client.preferred_language in CLIENT_LOCALES else None,
            )
        elif db.session.scalar(select(Client.id).where(Client.user_id == user.id)) is not None:
            raise CaseError(_("This email is another client's login."), typed)
        if Role.CLIENT not in user.roles:
            raise CaseError(_("Only a user with the client role can be linked to a client."), typed)
        link_user(actor, client, user)
    if not user.active:
        raise CaseError(_("The client's login is deactivated; an administrator can activate it again."))
    return account_services.issue_password_link(actor, user)


# --- cases -----------------------------------------------------------------------------------------------------

CASE_FIELDS = ["organisation_id", "counsellor_id", "target", "client_type", "entry_date", "stage"]


def _check_counsellor(counsellor: User | None, organisation: Organisation, field: str = "counsellor_id") -> None:
    if counsellor is None:
        return
    if Role.COUNSELLOR not in counsellor.roles or counsellor.organisation_id != organisation.id:
        raise CaseError(_("Choose a counsellor of the case's organisation."), field)


def _check_entry_date(entry_date: date | None) -> None:
    if entry_date is None:
        raise CaseError(_("A value is required."), "entry_date")
    if entry_date > today() + timedelta(days=366):
        raise CaseError(_("The entry date is too far in the future."), "entry_date")
    if entry_date.year < 2000:
        raise CaseError(_("The entry date is too far in the past."), "entry_date")


def new_case(
    actor,
    client: Client,
    *,
    organisation: Organisation,
    client_type: ClientType,
    entry_date: date,
    counsellor: User | None = None,
    target: str | None = None,
    co_counsellors=(),
    notes: str | None = None,
    stage: Stage = Stage.IDENTIFICATION,
) -> Case:
    """A checked case with its first stage, not yet saved: open_case saves one, register_cases many."""
    if client.erased_at is not None:
        raise CaseError(_("This client's data has been erased."))
    _check_entry_date(entry_date)
    _check_counsellor(counsellor, organisation)
    case = Case(
        client=client,
        organisation=organisation,
        counsellor=counsellor,
        client_type=ClientType(client_type),
        entry_date=entry_date,
        target=_text(target, 200, "target"),
        stage=Stage(stage),
        notes=_text(notes, 10_000, "notes"),
        age_at_entry=_age(client.birth_date, entry_date),
        co_counsellors=list(co_counsellors),
    )
    case.stage_changes.append(StageChange(from_stage=None, to_stage=case.stage, on=entry_date, by=actor))
    return case


def open_case(actor, client: Client, **fields) -> Case:
    """Open a validation case for the client; it starts in identification unless an import says otherwise."""
    case = new_case(actor, client, **fields)
    db.session.add(case)
    db.session.flush()
    audit.record(actor, "case_opened", case, changes=audit.snapshot(case, CASE_FIELDS))
    return case


def register_cases(actor, cases: list[Case]) -> None:
    """Save new clients with their new cases (from new_client and new_case) in one write, audited like
    register_client and open_case: an import of thousands of rows is one batch of inserts, not thousands."""
    db.session.add_all(cases)
    db.session.flush()
    for case in cases:
        audit.record(
            actor, "client_created", case.client, changes=_redacted(audit.snapshot(case.client, CLIENT_FIELDS))
        )
        audit.record(actor, "case_opened", case, changes=audit.snapshot(case, CASE_FIELDS))
    db.session.flush()


def update_case(
    actor,
    case: Case,
    version=WITHOUT_FORM,
    *,
    target: str | None,
    client_type: ClientType,
    entry_date: date,
    counsellor: User | None,
    co_counsellors=(),
    notes: str | None = None,
) -> None:
    _check_version(case, version)
    _check_entry_date(entry_date)
    if case.exit_date is not None and case.exit_date < entry_date:
        raise CaseError(_("The entry date cannot be after the exit date."), "entry_date")
    _check_counsellor(counsellor, case.organisation)
    for co in co_counsellors:
        _check_counsellor(co, case.organisation, "co_counsellor_ids")
    before_co = sorted(user.id for user in case.co_counsellors)
    case.target = _text(target, 200, "target")
    case.client_type = ClientType(client_type)
    case.entry_date = entry_date
    case.counsellor = counsellor
    case.co_counsellors = [co for co in co_counsellors if co != counsellor]
    case.notes = _text(notes, 10_000, "notes")
    case.age_at_entry = _age(case.client.birth_date, entry_date)
    changes = audit.changes_of(case, CASE_FIELDS)
    after_co = sorted(user.id for user in case.co_counsellors)
    if before_co != after_co:
        changes["co_counsellors"] = [before_co, after_co]
    if changes:
        case.last_activity_at = utcnow()
        audit.record(actor, "case_updated", case, changes=changes)


# The journey, declared in one place: forward one stage at a time, a short-term path may close early, and any
# move back (including reopening a closed case) needs a reason like every other move.
ALLOWED_MOVES: dict[Stage, tuple[Stage, ...]] = {
    Stage.IDENTIFICATION: (Stage.DOCUMENTATION, Stage.CLOSED),
    Stage.DOCUMENTATION: (Stage.ASSESSMENT, Stage.IDENTIFICATION, Stage.CLOSED),
    Stage.ASSESSMENT: (Stage.CERTIFICATION, Stage.DOCUMENTATION, Stage.CLOSED),
    Stage.CERTIFICATION: (Stage.CLOSED, Stage.ASSESSMENT),
    Stage.CLOSED: (Stage.CERTIFICATION, Stage.ASSESSMENT, Stage.DOCUMENTATION, Stage.IDENTIFICATION),
}
STAGE_ORDER = list(Stage)


def is_backward(from_stage: Stage, to_stage: Stage) -> bool:
    return STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(from_stage)


def move_stage(actor, case: Case, to_stage: Stage, on: date, reason: str, version=WITHOUT_FORM) -> StageChange:
    """Move the case to another stage, if the journey allows that move, with a date and a reason."""
    _check_version(case, version)
    to_stage = Stage(to_stage)
    if to_stage not in ALLOWED_MOVES[case.stage]:
        raise CaseError(
            _("A case cannot move from %(from)s to %(to)s.", **{"from": case.stage.label, "to": to_stage.label}),
            "stage",
        )
    reason = _text(reason, 1000, "reason", required=True)
    if on is None:
        raise CaseError(_("A value is required."), "on")
    if on > today():
        raise CaseError(_("The date of a move cannot be in the future."), "on")
    if on < case.entry_date:
        raise CaseError(_("The date of a move cannot be before the entry date."), "on")
    from_stage = case.stage
    change = StageChange(from_stage=from_stage, to_stage=to_stage, on=on, reason=reason, by=actor)
    case.stage_changes.append(change)
    case.stage = to_stage
    case.last_activity_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "case_stage_moved",
        case,
        changes={
            "stage": [from_stage, to_stage],
            "on": on,
            "backward": is_backward(from_stage, to_stage),
        },
    )
    return change


def allowed_moves(case: Case) -> tuple[Stage, ...]:
    return ALLOWED_MOVES[case.stage]


EXIT_RESULT_FIELDS = ["exit_labour_status", "exit_in_education", "exit_qualification"]


def record_exit(
    actor,
    case: Case,
    version=WITHOUT_FORM,
    *,
    exit_date: date,
    labour_status: LabourMarketResult | None,
    in_education: bool = False,
    qualification: bool = False,
    study_path_shortened: Answer = Answer.NOT_ASKED,
    study_months_saved: int | None = None,
) -> None:
    """Record the client's exit and their results within four weeks of it; the six-month follow-up falls due, and
    the case is closed.

    The results are a set: one labour-market status (the last of job searching or employment within the four
    weeks; None when not known), and, beside it, education or training and a qualification gained.
    """
    _check_version(case, version)
    if exit_date is None:
        raise CaseError(_("A value is required."), "exit_date")
    if exit_date < case.entry_date:
        raise CaseError(_("The exit date cannot be before the entry date."), "exit_date")
    if exit_date > today():
        raise CaseError(_("The exit date cannot be in the future."), "exit_date")
    study_path_shortened = Answer(study_path_shortened or Answer.NOT_ASKED)
    if study_months_saved is not None:
        if study_path_shortened is not Answer.YES:
            raise CaseError(_("Give the months only when the study path was shortened."), "study_months_saved")
        if not 1 <= study_months_saved <= 120:
            raise CaseError(_("Give the months as a number from 1 to 120."), "study_months_saved")
    case.exit_date = exit_date
    case.exit_labour_status = LabourMarketResult(labour_status) if labour_status else None
    case.exit_in_education = bool(in_education)
    case.exit_qualification = bool(qualification)
    case.study_path_shortened = study_path_shortened
    case.study_months_saved = study_months_saved
    case.follow_up_due = _add_months(exit_date, 6)
    case.last_activity_at = utcnow()
    changes = audit.changes_of(case, ["exit_date", *EXIT_RESULT_FIELDS, "study_path_shortened", "study_months_saved"])
    audit.record(actor, "case_exit_recorded", case, changes=changes)
    if case.stage is not Stage.CLOSED:
        change = StageChange(from_stage=case.stage, to_stage=Stage.CLOSED, on=exit_date, by=actor)
        case.stage_changes.append(change)
        case.stage = Stage.CLOSED
        audit.record(
            actor,
            "case_stage_moved",
            case,
            changes={"stage": [change.from_stage, Stage.CLOSED], "on": exit_date, "backward": False},
        )


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def record_follow_up(
    actor, case: Case, *, on: date, labour_status: LabourMarketResult | None, in_education: bool = False
) -> None:
    """Record the client's situation six months after exit (ESF longer-term results); no labour-market status
    means the client did not answer."""
    if case.exit_date is None:
        raise CaseError(_("Record the exit before the follow-up."), "on")
    if on is None:
        raise CaseError(_("A value is required."), "on")
    if on < case.exit_date:
        raise CaseError(_("The follow-up cannot be before the exit date."), "on")
    if on > today():
        raise CaseError(_("The follow-up date cannot be in the future."), "on")
    if labour_status is None and in_education:
        raise CaseError(
            _("Choose the labour-market status the client told you, or leave both unanswered."), "labour_status"
        )
    case.follow_up_on = on
    case.follow_up_labour_status = LabourMarketResult(labour_status) if labour_status else None
    case.follow_up_in_education = bool(in_education)
    case.last_activity_at = utcnow()
    audit.record(
        actor,
        "case_follow_up_recorded",
        case,
        changes=audit.changes_of(case, ["follow_up_on", "follow_up_labour_status", "follow_up_in_education"]),
    )


# --- guidance log and appointments ------------------------------------------------------------------------------


def _note_activity(case: Case) -> None:
    """Mark the case as active now without a new version: adding to its log edits nothing of the case, so it must
    neither turn away someone saving the case's form nor be turned away when two people log at the same moment."""
    db.session.execute(update(Case).where(Case.id == case.id).values(last_activity_at=utcnow()))


def add_guidance_entry(
    actor,
    case: Case,
    *,
    on: date,
    kind: GuidanceKind,
    duration_minutes: int | None = None,
    interpreter_language: str | None = None,
    note: str | None = None,
    shareable: bool = False,
) -> GuidanceEntry:
    """Log a meeting or contact; its note stays with staff unless marked shareable with the client."""
    if on is None:
        raise CaseError(_("A value is required."), "on")
    if on > today():
        raise CaseError(_("A log entry cannot be in the future. Plan coming meetings as appointments."), "on")
    if on < case.entry_date - timedelta(days=366):
        raise CaseError(_("The date is long before the case was opened."), "on")
    if duration_minutes is not None and not 1 <= duration_minutes <= 24 * 60:
        raise CaseError(_("Give the duration in minutes, from 1 to 1440."), "duration_minutes")
    interpreter_language = (interpreter_language or "").strip().lower() or None
    if interpreter_language is not None and not codes.is_language(interpreter_language):
        raise CaseError(_("Unknown language code: %(code)s", code=interpreter_language), "interpreter_language")
    entry = GuidanceEntry(
        on=on,
        kind=GuidanceKind(kind),
        duration_minutes=duration_minutes,
        interpreter_language=interpreter_language,
        note=_text(note, 10_000, "note"),
        shareable=bool(shareable),
        author=actor,
    )
    case.guidance_entries.append(entry)
    db.session.flush()
    _note_activity(case)
    audit.record(
        actor,
        "guidance_entry_added",
        entry,
        changes=audit.snapshot(
            entry, ["case_id", "on", "kind", "duration_minutes", "interpreter_language", "shareable"]
        ),
    )
    return entry


def schedule_appointment(
    actor, case: Case, *, starts_at: datetime, kind: GuidanceKind, place: str | None = None
) -> Appointment:
    if starts_at is None:
        raise CaseError(_("A value is required."), "starts_at")
    if starts_at < utcnow() - timedelta(hours=1):
        raise CaseError(_("An appointment must be in the future."), "starts_at")
    appointment = Appointment(
        starts_at=starts_at,
        kind=GuidanceKind(kind),
        place=_text(place, 200, "place"),
        created_by_id=actor.id if actor else None,
    )
    case.appointments.append(appointment)
    db.session.flush()
    audit.record(
        actor,
        "appointment_scheduled",
        appointment,
        changes=audit.snapshot(appointment, ["case_id", "starts_at", "kind"]),
    )
    return appointment


def upcoming_appointments(case_ids: list[int], limit: int = 5) -> list[Appointment]:
    if not case_ids:
        return []
    stmt = (
        select(Appointment)
        .where(Appointment.case_id.in_(case_ids), Appointment.starts_at >= utcnow())
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


# --- consent ---------------------------------------------------------------------------------------------------


def record_consent(
    actor,
    client: Client,
    *,
    purpose: ConsentPurpose,
    given_on: date,
    information_language: str,
    workplace: str | None = None,
) -> Consent:
    """Record what the client agreed to, when, and in which language they were informed."""
    purpose = ConsentPurpose(purpose)
    workplace = _text(workplace, 200, "workplace")
    if purpose is ConsentPurpose.SHARE_WITH_WORKPLACE and not workplace:
        raise CaseError(_("Name the workplace the data may be shared with."), "workplace")
    if given_on is None:
        raise CaseError(_("A value is required."), "given_on")
    if given_on > today():
        raise CaseError(_("The date of consent cannot be in the future."), "given_on")
    information_language = (information_language or "").strip().lower()
    if not codes.is_language(information_language):
        raise CaseError(_("Unknown language code: %(code)s", code=information_language), "information_language")
    consent = Consent(
        purpose=purpose,
        given_on=given_on,
        information_language=information_language,
        workplace=workplace if purpose is ConsentPurpose.SHARE_WITH_WORKPLACE else None,
        recorded_by=actor,
    )
    client.consents.append(consent)
    db.session.flush()
    audit.record(
        actor,
        "consent_recorded",
        consent,
        changes=audit.snapshot(consent, ["client_id", "purpose", "given_on", "information_language"]),
    )
    return consent


def withdraw_consent(actor, consent: Consent, on: date) -> None:
    """Record a withdrawal beside the consent; the consent itself stays as evidence of what was agreed."""
    if consent.withdrawn_on is not None:
        raise CaseError(_("This consent has already been withdrawn."), "withdrawn_on")
    if on is None or on > today() or on < consent.given_on:
        raise CaseError(_("The withdrawal date must be between the consent date and today."), "withdrawn_on")
    consent.withdrawn_on = on
    consent.withdrawn_recorded_by = actor
    audit.record(actor, "consent_withdrawn", consent, changes={"withdrawn_on": [None, on]})


# --- hand-over -------------------------------------------------------------------------------------------------


def pending_transfer(case: Case) -> Handover | None:
    return next((h for h in case.handovers if h.status is HandoverStatus.PENDING), None)


def reassign(actor, case: Case, counsellor: User, reason: str | None = None) -> Handover:
    """Make another counsellor of the case's organisation responsible, at once."""
    if counsellor is None:
        raise CaseError(_("A value is required."), "counsellor_id")
    _check_counsellor(counsellor, case.organisation)
    if counsellor.id == case.counsellor_id:
        raise CaseError(_("This counsellor is already responsible for the case."), "counsellor_id")
    handover = Handover(
        kind=HandoverKind.REASSIGNMENT,
        status=HandoverStatus.ACCEPTED,
        from_organisation_id=case.organisation_id,
        to_organisation_id=case.organisation_id,
        from_counsellor_id=case.counsellor_id,
        to_counsellor_id=counsellor.id,
        reason=_text(reason, 1000, "reason"),
        requested_by_id=actor.id,
        decided_by_id=actor.id,
        decided_at=utcnow(),
    )
    case.handovers.append(handover)
    before = case.counsellor_id
    case.counsellor = counsellor
    case.co_counsellors = [co for co in case.co_counsellors if co.id != counsellor.id]
    case.last_activity_at = utcnow()
    db.session.flush()
    audit.record(actor, "case_reassigned", case, changes={"counsellor_id": [before, counsellor.id]})
    return handover


def request_transfer(actor, case: Case, organisation: Organisation, reason: str | None = None) -> Handover:
    """Offer the case to another organisation; it stays where it is until they accept."""
    if organisation is None:
        raise CaseError(_("A value is required."), "organisation_id")
    if organisation.id == case.organisation_id:
        raise CaseError(_("The case is already at this organisation."), "organisation_id")
    if pending_transfer(case) is not None:
        raise CaseError(_("A transfer of this case is already waiting for an answer."), "organisation_id")
    handover = Handover(
        kind=HandoverKind.TRANSFER,
        status=HandoverStatus.PENDING,
        from_organisation_id=case.organisation_id,
        to_organisation_id=organisation.id,
        from_counsellor_id=case.counsellor_id,
        reason=_text(reason, 1000, "reason"),
        requested_by_id=actor.id,
    )
    case.handovers.append(handover)
    db.session.flush()
    audit.record(
        actor, "case_transfer_requested", handover, changes={"case_id": case.id, "to_organisation_id": organisation.id}
    )
    return handover


def answer_transfer(actor, handover: Handover, accept: bool) -> None:
    """Accept (the case moves, with the accepting counsellor responsible) or decline a transfer."""
    if handover.status is not HandoverStatus.PENDING:
        raise CaseError(_("This transfer has already been answered."))
    handover.decided_by_id = actor.id
    handover.decided_at = utcnow()
    case = handover.case
    if accept:
        handover.status = HandoverStatus.ACCEPTED
        responsible = (
            actor if Role.COUNSELLOR in actor.roles and actor.organisation_id == handover.to_organisation_id else None
        )
        handover.to_counsellor_id = responsible.id if responsible else None
        before = case.organisation_id
        case.organisation_id = handover.to_organisation_id
        case.counsellor = responsible
        case.co_counsellors = []
        case.last_activity_at = utcnow()
        audit.record(actor, "case_transferred", case, changes={"organisation_id": [before, case.organisation_id]})
    else:
        handover.status = HandoverStatus.DECLINED
    audit.record(
        actor, "case_transfer_answered", handover, changes={"status": [HandoverStatus.PENDING, handover.status]}
    )


# --- data rights: erasure (the export is in cases.data_rights) ------------------------------------------------

ERASED_CLIENT_FIELDS = [
    "first_name",
    "last_name",
    "latin_name",
    "birth_date",
    "country_of_birth",
    "citizenship",
    "mother_tongue",
    "languages",
    "arrival_year",
    "municipality",
    "phone",
    "email",
    "education_country",
]


def erase_client(actor, client: Client) -> None:
    """Remove the client's personal data but keep the facts ESF reports count, in the caller's one transaction.

    Kept: gender, birth year and age at entry, labour-market status, ISCED level, the sensitive answers as
    counted, dates, stages and results. Gone: names, contact details, exact birth date, every free text and the
    trail's copies of them; every other feature (the login, portfolio, interviews, placements, assessments,
    certificates, ESF records) wipes its part through its erasure hook. Once the transaction commits, the embedded
    database keeps no copy of the erased bytes (isok.database.fold_log_after_commit).
    """
    if client.erased_at is not None:
        raise CaseError(_("This client's data has already been erased."))
    hooks.erase_client_data(actor, client)
    for case in client.cases:
        if case.age_at_entry is None:
            case.age_at_entry = _age(client.birth_date, case.entry_date)
        case.notes = None
        case.target = None
        for change in case.stage_changes:
            change.reason = None
        for entry in case.guidance_entries:
            entry.note = None
        for appointment in case.appointments:
            appointment.place = None
        for handover in case.handovers:
            handover.reason = None
    for consent in client.consents:
        consent.workplace = None
    client.birth_year = client.birth_date.year if client.birth_date else client.birth_year
    for name in ERASED_CLIENT_FIELDS:
        setattr(client, name, None)
    client.first_name = ""
    client.last_name = ""
    client.user_id = None
    client.erased_at = utcnow()
    db.session.flush()
    # The trail never took the identifiers (PERSONAL_FIELDS), but it holds the other erased fields and the targets.
    audit.redact("client", client.id, ERASED_CLIENT_FIELDS)
    audit.redact("case", [case.id for case in client.cases], ("target",))
    audit.record(actor, "client_erased", client, changes={"cases": len(client.cases)})
    fold_log_after_commit(db.session)


def clients_due_for_erasure(years: int, on: date | None = None) -> list[Client]:
    """Clients whose every case ended more than `years` years ago (the retention period) and who are not erased."""
    limit = _add_months(on or today(), -12 * years)
    open_or_recent = select(Case.client_id).where(or_(Case.exit_date.is_(None), Case.exit_date > limit))
    stmt = (
        select(Client)
        .where(Client.erased_at.is_(None), Client.id.in_(select(Case.client_id)), Client.id.not_in(open_or_recent))
        .order_by(Client.id)
    )
    return list(db.session.scalars(stmt))
