"""Spreadsheet imports of partner organisations and dissemination events (the participants of the programme's
trainings are imported into their course in the catalogue).

The columns are documented for users in README.md ("Network imports"); keep the two in step.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from isok.accounts.models import CompanySize, OrganisationType
from isok.imports import Column, parse_choice, parse_date, parse_int
from isok.network import services
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


# --- partner organisations -------------------------------------------------------------------------------------

ORGANISATION_TYPES = {t.value: t for t in OrganisationType}
COMPANY_SIZES = {"major": CompanySize.MAJOR, "large": CompanySize.MAJOR, "sme": CompanySize.SME}

PARTNER_COLUMNS = [
    Column("name", required=True, help=_l("Name of the organisation")),
    Column(
        "type",
        parse_choice(ORGANISATION_TYPES),
        help=_l("company, public_body, education_provider or other; needed when the organisation is new"),
    ),
    Column("size", parse_choice(COMPANY_SIZES), help=_l("For companies: major (large) or sme")),
    Column("business_id", help=_l("Finnish business ID, e.g. 1234567-8")),
    Column("municipality"),
    Column("first_cooperation", parse_date, required=True, help=_l("Date of the first cooperation")),
    Column("role", help=_l("Role in the project")),
    Column("agreement_date", parse_date, help=_l("Date the cooperation agreement was signed")),
    Column("notes"),
]
PARTNER_FIELDS = {
    "organisation_id": "name",
    "size_class": "size",
    "first_cooperation_on": "first_cooperation",
    "agreement_on": "agreement_date",
}


def _partner_apply(actor):
    def apply(values: dict) -> str:
        try:
            organisation = (values["business_id"] and services.find_organisation(values["business_id"])) or (
                services.find_organisation(values["name"])
            )
            if organisation is None:
                if values["type"] is None:
                    raise services.NetworkError(_("A new organisation needs its kind."), "type")
                organisation = services.register_organisation(
                    actor,
                    name=values["name"],
                    type=values["type"],
                    size_class=values["size"],
                    business_id=values["business_id"],
                    municipality=values["municipality"],
                )
            services.add_partner(
                actor,
                organisation,
                first_cooperation_on=values["first_cooperation"],
                role=values["role"],
                agreement_on=values["agreement_date"],
                notes=values["notes"],
            )
        except services.NetworkError as error:
            raise _refusal(error, PARTNER_FIELDS) from error
        return f"{organisation.name} · {organisation.type.label} · {values['first_cooperation'].isoformat()}"

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
            event = services.create_event(
                actor,
                title=values["title"],
                held_on=values["date"],
                place=values["place"],
                audience=values["audience"],
                headcount=values["headcount"],
                notes=values["notes"],
            )
        except services.NetworkError as error:
            raise _refusal(error, EVENT_FIELDS) from error
        return f"{event.title} · {event.held_on.isoformat()} · {event.headcount}"

    return apply


IMPORTS = {
    "partners": ImportKind(_l("Import partner organisations"), PARTNER_COLUMNS, _partner_apply),
    "events": ImportKind(_l("Import dissemination events"), EVENT_COLUMNS, _event_apply),
}
