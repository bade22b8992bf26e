"""Who may open which clients and cases, and answer which transfers (the mechanism is isok.permissions)."""

from sqlalchemy import ColumnElement, Select, exists, false, or_, select

from cases.models import Case, Client, Handover, HandoverStatus, case_co_counsellor
from isok import permissions
from isok.accounts.models import Role
from isok.extensions import db
from isok.fields import FieldSet, roles
from isok.permissions import GIVE_CLIENT_LOGIN, MANAGE_CASES, VIEW_CASES, VIEW_GUIDANCE_NOTES, can


def reasons_to_open(roles: frozenset[Role], user_id: int, organisation_id: int | None) -> list:
    """The reasons cases knows to open a case: the whole project, the counsellor's, the client's own."""
    if roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return [Case.id.is_not(None)]
    conditions = []
    if Role.COUNSELLOR in roles:
        conditions += [
            Case.organisation_id == organisation_id,
            Case.counsellor_id == user_id,
            exists().where(case_co_counsellor.c.case_id == Case.id, case_co_counsellor.c.user_id == user_id),
        ]
    if Role.CLIENT in roles:
        conditions.append(Case.client_id.in_(select(Client.id).where(Client.user_id == user_id)))
    return conditions


def visible_cases(user) -> Select:
    """The cases the user may open: a query, so lists never show what a case page would refuse."""
    return select(Case).where(visible_condition(user))


def visible_condition(user) -> ColumnElement[bool]:
    """The condition on `case` rows behind visible_cases, for a query that reads more than the case."""
    return permissions.case_condition(user)


def case_visible(user, case_id):
    """A condition for rows that belong to a case (interviews, placements...): their case is one the user may open.

    Correlated EXISTS: a query checks the cases of its own rows, where `case_id IN (visible case ids)` first
    lists every visible case (a scan of the whole case table on each dashboard panel). The subquery keeps its own
    `case` even where the outer query joins one.
    """
    return exists().where(Case.id == case_id, permissions.case_condition(user)).correlate_except(Case)


def can_view_case(user, case: Case) -> bool:
    return permissions.answered_once(
        ("view_case", user.get_id(), case.id),
        lambda: (
            db.session.scalar(select(Case.id).where(Case.id == case.id, permissions.case_condition(user))) is not None
        ),
    )


def can_manage_case(user, case: Case) -> bool:
    return can(user, MANAGE_CASES) and can_view_case(user, case)


def can_view_guidance_notes(user, case: Case) -> bool:
    return can(user, VIEW_GUIDANCE_NOTES) and can_view_case(user, case)


def is_own_case(user, case: Case) -> bool:
    return getattr(user, "is_authenticated", False) and case.client is not None and case.client.user_id == user.id


def own_cases(user) -> Select:
    """A client's own cases (through their linked Client record), for their own page."""
    if not getattr(user, "is_authenticated", False):
        return select(Case).where(false())
    return select(Case).join(Client, Case.client_id == Client.id).where(Client.user_id == user.id)


def visible_clients(user) -> Select:
    """Clients whose personal record the user may open: those of visible cases, and those their organisation
    registered (a client may be registered before a case is opened)."""
    return select(Client).where(_client_scope(user))


def _client_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_CASES):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return Client.id.is_not(None)
    conditions = [exists().where(Case.client_id == Client.id, permissions.case_condition(user)).correlate_except(Case)]
    if Role.COUNSELLOR in user.roles and user.organisation_id is not None:
        conditions.append(Client.organisation_id == user.organisation_id)
    return or_(*conditions)


def can_view_client(user, client: Client) -> bool:
    return permissions.answered_once(
        ("view_client", user.get_id(), client.id),
        lambda: db.session.scalar(select(Client.id).where(Client.id == client.id, _client_scope(user))) is not None,
    )


def can_manage_client(user, client: Client) -> bool:
    return can(user, MANAGE_CASES) and can_view_client(user, client)


def can_give_login(user, client: Client) -> bool:
    """A client's login link is made by a counsellor of one of their cases (responsible or co-counsellor), not by
    every counsellor of the organisation: the link opens the client's whole file."""
    if not can(user, GIVE_CLIENT_LOGIN) or client.erased_at is not None:
        return False
    if Role.ADMIN in user.roles:
        return True
    counsellor_of_a_case = select(Case.id).where(
        Case.client_id == client.id,
        or_(
            Case.counsellor_id == user.id,
            exists().where(case_co_counsellor.c.case_id == Case.id, case_co_counsellor.c.user_id == user.id),
        ),
    )
    return db.session.scalar(counsellor_of_a_case.limit(1)) is not None


def answerable_handovers(user) -> Select:
    """Transfers waiting for the user's organisation to accept or decline them."""
    if not can(user, MANAGE_CASES):
        return select(Handover).where(false())
    stmt = select(Handover).where(Handover.status == HandoverStatus.PENDING)
    if Role.ADMIN in user.roles:
        return stmt
    if user.organisation_id is None:
        return stmt.where(false())
    return stmt.where(Handover.to_organisation_id == user.organisation_id)


# --- need to know: the fields each role sees of clients, cases, guidance entries and consents (isok.fields) ------

ADMIN, MANAGER, COUNSELLOR = Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR
TEACHER, TUTOR, CLIENT = Role.TEACHER, Role.WORKPLACE_TUTOR, Role.CLIENT
OWN = roles(ADMIN, COUNSELLOR, CLIENT)  # the case's keepers, and the client themselves
ESF = roles(ADMIN, MANAGER, COUNSELLOR, CLIENT)  # what the ESF indicators and their drill-down lists need

CLIENT_FIELDS = FieldSet(
    "client",
    "client",
    {
        # a workplace tutor knows the client by name only (on their placement's page)
        ("first_name", "last_name", "latin_name"): OWN | {MANAGER, TEACHER, TUTOR},
        # the interview and the assessment: language and interpreter; scheduling: the phone
        ("preferred_language", "mother_tongue", "languages", "phone"): OWN | {TEACHER},
        (
            "birth_year",
            "gender",
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
        ): ESF,
        (
            "birth_date",
            "country_of_birth",
            "citizenship",
            "arrival_year",
            "municipality",
            "email",
            "certificate_language",
        ): OWN,
    },
    internal=("id", "user_id", "organisation_id", "search_name", "erased_at", "created_at", "version"),
)

CASE_FIELDS = FieldSet(
    "case",
    "case",
    {
        ("stage", "target", "entry_date", "client_type", "counsellor_id"): OWN | {MANAGER, TEACHER},
        (
            "exit_date",
            "age_at_entry",
            "exit_labour_status",
            "exit_in_education",
            "exit_qualification",
            "study_path_shortened",
            "study_months_saved",
            "follow_up_due",
            "follow_up_on",
            "follow_up_labour_status",
            "follow_up_in_education",
        ): ESF,
        ("notes",): roles(ADMIN, COUNSELLOR),
    },
    internal=("id", "client_id", "organisation_id", "last_activity_at", "created_at", "version"),
)

STAGE_CHANGE_FIELDS = FieldSet(
    "stage_change",
    "stage_change",
    {
        ("from_stage", "to_stage", "on", "by_id"): OWN | {MANAGER, TEACHER},
        ("reason",): roles(ADMIN, COUNSELLOR),
    },
    internal=("id", "case_id", "at"),
)

GUIDANCE_FIELDS = FieldSet(
    "guidance_entry",
    "guidance_entry",
    {
        ("on", "kind", "duration_minutes", "interpreter_language", "shareable", "author_id"): OWN | {MANAGER, TEACHER},
        ("note",): roles(ADMIN, COUNSELLOR),
    },
    internal=("id", "case_id", "created_at"),
)

# An entry the counsellor marked shareable: its note is shared with the client and the case's teachers.
SHARED_GUIDANCE_FIELDS = FieldSet(
    "shared_guidance_entry",
    "guidance_entry",
    {
        **GUIDANCE_FIELDS.fields,
        ("note",): OWN | {TEACHER},
    },
    internal=GUIDANCE_FIELDS.internal,
)

CONSENT_FIELDS = FieldSet(
    "consent",
    "consent",
    {
        (
            "purpose",
            "workplace",
            "given_on",
            "information_language",
            "withdrawn_on",
            "recorded_by_id",
            "withdrawn_recorded_by_id",
        ): OWN,
    },
    internal=("id", "client_id", "recorded_at"),
)

FIELD_SETS = (CLIENT_FIELDS, CASE_FIELDS, STAGE_CHANGE_FIELDS, GUIDANCE_FIELDS, SHARED_GUIDANCE_FIELDS, CONSENT_FIELDS)


def guidance_kind(entry) -> str:
    return "shared_guidance_entry" if entry.shareable else "guidance_entry"
