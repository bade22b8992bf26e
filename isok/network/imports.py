"""Spreadsheet imports of partner organisations, training participants and dissemination events.

The columns are documented for users in README.md ("Network imports"); keep the two in step.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from cases.models import Gender
from isok.accounts.models import CompanySize, OrganisationType
from isok.extensions import db
from isok.imports import CellError, Column, parse_choice, parse_date, parse_int
from isok.network import services
from isok.network.models import TraineeRole, Training
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l


@dataclass
class ImportKind:
    title: Any
    columns: list[Column]
    make_apply: Callable[[Any], Callable[[dict], str]]  # actor -> apply_row


def _refusal(error: services.NetworkError, fields: dict[str, str]) -> services.NetworkError:
    """The service's refusal, named by the file's column instead of the form's field."""
    return services.NetworkError(str(error), fields.get(error.field, error.field))


def _organisation(text: str):
    organisation = services.find_organisation(text)
    if organisation is None:
        raise CellError(_("No organisation with this name or business ID. Register it as a partner first."))
    return organisation


# --- partner organisations -------------------------------------------------------------------------------------

ORGANISATION_TYPES = {t.value: t for t in OrganisationType}
COMPANY_SIZES = {"major": CompanySize.MAJOR, "large": CompanySize.MAJOR, "sme": CompanySize.SME}

PARTNER_COLUMNS = [
    Column("name", required=True, help=_l("Name of the organisation")),
    Column("type", parse_choice(ORGANISATION_TYPES), help=_l("company, public_body, education_provider or other; "
                                                              "needed when the organisation is new")),
    Column("size", parse_choice(COMPANY_SIZES), help=_l("For companies: major (large) or sme")),
    Column("business_id", help=_l("Finnish business ID, e.g. 1234567-8")),
    Column("municipality"),
    Column("first_cooperation", parse_date, required=True, help=_l("Date of the first cooperation")),
    Column("role", help=_l("Role in the project")),
    Column("agreement_date", parse_date, help=_l("Date the cooperation agreement was signed")),
    Column("notes"),
]
PARTNER_FIELDS = {"organisation_id": "name", "size_class": "size", "first_cooperation_on": "first_cooperation",
                  "agreement_on": "agreement_date"}


def _partner_apply(actor):
    def apply(values: dict) -> str:
        try:
            organisation = (values["business_id"] and services.find_organisation(values["business_id"])) or (
                services.find_organisation(values["name"]))
            if organisation is None:
                if values["type"] is None:
                    raise services.NetworkError(_("A new organisation needs its kind."), "type")
                organisation = services.register_organisation(
                    actor, name=values["name"], type=values["type"], size_class=values["size"],
                    business_id=values["business_id"], municipality=values["municipality"])
            services.add_partner(actor, organisation, first_cooperation_on=values["first_cooperation"],
                                 role=values["role"], agreement_on=values["agreement_date"], notes=values["notes"])
        except services.NetworkError as error:
            raise _refusal(error, PARTNER_FIELDS) from error
        return f"{organisation.name} · {organisation.type.label} · {values['first_cooperation'].isoformat()}"

    return apply


# --- training participants -------------------------------------------------------------------------------------

PARTICIPANT_COLUMNS = [
    Column("training", required=True, help=_l("Title of a training already entered")),
    Column("training_start", parse_date, help=_l("First day of the training, when several share the title")),
    Column("name", required=True, help=_l("Participant's full name")),
    Column("organisation", _organisation, required=True, help=_l("Organisation name or business ID")),
    Column("role", parse_choice({r.value: r for r in TraineeRole}), required=True,
           help=_l("counsellor, teacher or other")),
    Column("gender", parse_choice({g.value: g for g in Gender}), required=True,
           help=_l("female, male, other or not_stated")),
    Column("completed_on", parse_date, help=_l("Date of completion; empty if not completed")),
]
PARTICIPANT_FIELDS = {"organisation_id": "organisation"}


def _find_training(title: str, starts_on) -> Training:
    stmt = select(Training).where(func.lower(Training.title) == title.strip().lower())
    if starts_on is not None:
        stmt = stmt.where(Training.starts_on == starts_on)
    found = db.session.scalars(stmt.limit(2)).all()
    if not found:
        raise services.NetworkError(_("No training with this title (and first day)."), "training")
    if len(found) > 1:
        raise services.NetworkError(_("Several trainings have this title: give the training_start too."),
                                    "training_start")
    return found[0]


def _participant_apply(actor):
    def apply(values: dict) -> str:
        try:
            training = _find_training(values["training"], values["training_start"])
            services.add_participant(actor, training, name=values["name"], organisation=values["organisation"],
                                     role=values["role"], gender=values["gender"],
                                     completed_on=values["completed_on"])
        except services.NetworkError as error:
            raise _refusal(error, PARTICIPANT_FIELDS) from error
        return f"{values['name']} · {values['organisation'].name} · {training.title}"

    return apply


# --- dissemination events --------------------------------------------------------------------------------------

EVENT_COLUMNS = [
    Column("title", required=True),
    Column("date", parse_date, required=True),
    Column("place"),
    Column("audience"),
    Column("headcount", parse_int, required=True, help=_l("People present, 0 or more")),
    Column("notes"),
]
EVENT_FIELDS = {"held_on": "date"}


def _event_apply(actor):
    def apply(values: dict) -> str:
        try:
            event = services.create_event(actor, title=values["title"], held_on=values["date"],
                                          place=values["place"], audience=values["audience"],
                                          headcount=values["headcount"], notes=values["notes"])
        except services.NetworkError as error:
            raise _refusal(error, EVENT_FIELDS) from error
        return f"{event.title} · {event.held_on.isoformat()} · {event.headcount}"

    return apply


IMPORTS = {
    "partners": ImportKind(_l("Import partner organisations"), PARTNER_COLUMNS, _partner_apply),
    "participants": ImportKind(_l("Import training participants"), PARTICIPANT_COLUMNS, _participant_apply),
    "events": ImportKind(_l("Import dissemination events"), EVENT_COLUMNS, _event_apply),
}
