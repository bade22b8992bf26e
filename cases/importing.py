"""Importing clients with their cases from a spreadsheet (the columns are documented in README, "Case import")."""

from collections.abc import Iterable

from sqlalchemy import func, select

from cases import services
from cases.models import Answer, Case, ClientType, Gender, LabourStatus, Stage
from isok.accounts.models import Organisation, Role, User
from isok.extensions import db
from isok.imports import (
    CellError,
    Column,
    ImportReport,
    RowError,
    parse_choice,
    parse_date,
    parse_int,
    run_checked_import,
)
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l


def _parse_bool(text: str) -> bool:
    return parse_choice(
        {"yes": True, "no": False, "true": True, "false": False, "1": True, "0": False, "kyllä": True, "ei": False}
    )(text)


def _choice(enum_class):
    return parse_choice({member.value: member for member in enum_class})


COLUMNS = [
    Column("first_name", required=True, help=_l("First names")),
    Column("last_name", required=True, help=_l("Last name")),
    Column("birth_date", parse=parse_date, help=_l("Date of birth, 1985-03-05 or 5.3.1985")),
    Column("gender", parse=_choice(Gender), help=_l("female, male, other, not_stated")),
    Column("email", help=_l("Email address")),
    Column("phone", help=_l("Phone number")),
    Column("municipality", help=_l("Municipality of residence")),
    Column("country_of_birth", help=_l("ISO 3166 two-letter code, e.g. SO")),
    Column("citizenship", help=_l("ISO 3166 two-letter code")),
    Column("mother_tongue", help=_l("ISO 639 code, e.g. so")),
    Column("languages", help=_l('Other languages with CEFR level, e.g. "fi A2, en B1"')),
    Column("arrival_year", parse=parse_int, help=_l("Year of arrival in Finland")),
    Column("preferred_language", help=_l("fi, sv, en, ar, fa, ru, so, ti or uk")),
    Column("labour_status", parse=_choice(LabourStatus), help=_l("unemployed, inactive, employed")),
    Column("long_term_unemployed", parse=_parse_bool, help=_l("yes / no")),
    Column("in_education_or_training", parse=_parse_bool, help=_l("yes / no (inactive only)")),
    Column("self_employed", parse=_parse_bool, help=_l("yes / no (employed only)")),
    Column("isced_level", parse=parse_int, help=_l("ISCED 2011 level 0-8")),
    Column("education_country", help=_l("ISO 3166 code of the country where the education was completed")),
    Column("third_country_national", parse=_choice(Answer), help=_l("yes, no, declined, not_asked")),
    Column("disability", parse=_choice(Answer), help=_l("yes, no, declined, not_asked")),
    Column("foreign_background", parse=_choice(Answer), help=_l("yes, no, declined, not_asked")),
    Column("minority", parse=_choice(Answer), help=_l("yes, no, declined, not_asked")),
    Column("client_type", parse=_choice(ClientType), required=True, help=_l("long_term or short_term")),
    Column("entry_date", parse=parse_date, required=True, help=_l("Entry date of the case")),
    Column("target", help=_l("Target field or qualification")),
    Column("stage", parse=_choice(Stage), help=_l("Stage now (default identification)")),
    Column("counsellor_email", help=_l("Responsible counsellor's login email")),
    Column("organisation", help=_l("Organisation name (default: the importer's organisation)")),
]
CLIENT_COLUMNS = [
    c.name
    for c in COLUMNS
    if c.name not in ("client_type", "entry_date", "target", "stage", "counsellor_email", "organisation")
]


FIELD_COLUMNS = {"counsellor_id": "counsellor_email", "organisation_id": "organisation"}


class _RowError(CellError):
    def __init__(self, message: str, field: str | None):
        super().__init__(message)
        self.field = field


def _organisation(actor, name: str | None) -> Organisation:
    if name:
        organisation = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
        if organisation is None:
            raise _RowError(_("No organisation has this name."), "organisation")
        if actor is not None and Role.ADMIN not in actor.roles and organisation.id != actor.organisation_id:
            raise _RowError(_("You can import cases only into your own organisation."), "organisation")
        return organisation
    if actor is None or actor.organisation is None:
        raise _RowError(_("Name the organisation in this column."), "organisation")
    return actor.organisation


def _counsellor(email: str | None, actor) -> User | None:
    if not email:
        return actor if actor is not None and Role.COUNSELLOR in actor.roles else None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        raise _RowError(_("No user has this email."), "counsellor_email")
    return user


class _CaseImport:
    """The check and the write of a case import, a chunk of rows at a time (run_checked_import).

    Between chunks it keeps only what later rows are compared with: the organisations and counsellors looked up
    once per distinct value, each duplicate key of the file with the first line that has it, and the last line
    written, so that the clients this import has already written are told apart from the registered ones.
    """

    def __init__(self, actor):
        self.actor = actor
        self.organisations: dict[str | None, Organisation | _RowError] = {}
        self.counsellors: dict[str | None, User | None | _RowError] = {}
        self.seen: dict[tuple, int] = {}
        self.checked_through = 0
        self.written_through = 0

    def check(self, parsed: list[tuple[int, dict]]) -> tuple[list[Case], list[str], list[RowError]]:
        """Every row checked as register_client and open_case would, and against the registered clients and the
        rows above it for possible duplicates, without writing anything."""
        made: list[tuple[int, Case]] = []
        errors: list[RowError] = []
        for line, values in parsed:
            try:
                case = self._case(values)
            except _RowError as error:
                errors.append(RowError(line, error.field, str(error)))
            except services.CaseError as error:
                errors.append(RowError(line, FIELD_COLUMNS.get(error.field, error.field), str(error)))
            else:
                made.append((line, case))
        registered = services.registered_duplicates([case.client for _line, case in made])
        cases, descriptions = [], []
        for line, case in made:
            keys = services.duplicate_keys(case.client)
            field = "email" if case.client.email else "last_name"
            if existing := next((registered[key] for key in keys if key in registered and not self._ours(key)), None):
                errors.append(
                    RowError(
                        line,
                        field,
                        _(
                            "Possible duplicate of client #%(id)d (same name and date of birth, or same email).",
                            id=existing,
                        ),
                    )
                )
            elif earlier := next((self.seen[key] for key in keys if key in self.seen), None):
                errors.append(
                    RowError(
                        line,
                        field,
                        _(
                            "Possible duplicate of the client on line %(line)d (same name and "
                            "date of birth, or same email).",
                            line=earlier,
                        ),
                    )
                )
            else:
                cases.append(case)
                descriptions.append(f"{case.client.full_name} · {case.client_type.label} · {case.stage.label}")
            for key in keys:
                self.seen.setdefault(key, line)
        self.checked_through = parsed[-1][0] if parsed else self.checked_through
        return cases, descriptions, errors

    def write(self, cases: list[Case]) -> None:
        services.register_cases(self.actor, cases)
        self.written_through = self.checked_through

    def _ours(self, key: tuple) -> bool:
        """A registered client with this key was written by this import (a row above, in an earlier chunk)."""
        return self.seen.get(key, self.written_through + 1) <= self.written_through

    def _case(self, values: dict) -> Case:
        organisation = _once(self.organisations, values["organisation"], lambda name: _organisation(self.actor, name))
        counsellor = _once(self.counsellors, values["counsellor_email"], lambda email: _counsellor(email, self.actor))
        client = services.new_client(organisation, {name: values[name] for name in CLIENT_COLUMNS})
        return services.new_case(
            self.actor,
            client,
            organisation=organisation,
            client_type=values["client_type"],
            entry_date=values["entry_date"],
            target=values["target"],
            counsellor=counsellor,
            stage=values["stage"] or Stage.IDENTIFICATION,
        )


def _once(cache: dict, key, find):
    """find(key), looked up once per distinct value of a column; a refusal is remembered and given again."""
    if key not in cache:
        try:
            cache[key] = find(key)
        except _RowError as error:
            cache[key] = error
    if isinstance(cache[key], _RowError):
        raise cache[key]
    return cache[key]


def import_cases(actor, rows: Iterable[dict[str, str]], *, dry_run: bool) -> ImportReport:
    """Import the rows (a list, or a stream from iter_table) a chunk at a time, all of them or none."""
    case_import = _CaseImport(actor)
    return run_checked_import(rows, COLUMNS, case_import.check, case_import.write, dry_run=dry_run)
