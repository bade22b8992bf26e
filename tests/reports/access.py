"""Who may use the ESF report: project managers and administrators; everyone else is refused (403).

Participation records belong to the project as a whole, so there is no "foreign" variant: a record either exists
(own) or not (missing, 404). Unknown periods, formats and report cells answer 404 like missing records.
"""

from datetime import date

from sqlalchemy import select

from cases import services as case_services
from cases.models import ClientType, Gender, LabourMarketResult, LabourStatus
from isok.extensions import db
from isok.network.models import HalfYear
from isok.reports import services
from isok.reports.models import Participation
from tests.access import MISSING_ID, NOT_FOUND, Access, expect

MANAGERS = ("admin", "project_manager")
ALLOWED = expect(MANAGERS)
MISSING = expect(MANAGERS, ok=NOT_FOUND)


def build_world(world):
    client = case_services.register_client(
        None,
        world.org,
        first_name="Rahel",
        last_name="Tesfay",
        gender=Gender.FEMALE,
        birth_date=date(1990, 1, 1),
        labour_status=LabourStatus.UNEMPLOYED,
        isced_level=3,
    )
    case = case_services.open_case(
        None, client, organisation=world.org, client_type=ClientType.LONG_TERM, entry_date=date(2025, 8, 1)
    )
    case_services.record_exit(None, case, exit_date=date(2025, 11, 1), labour_status=LabourMarketResult.EMPLOYED)
    services.sync_participations()
    world.report = services.submit_report(None, HalfYear(2025, 2))
    world.participation = db.session.scalar(select(Participation).where(Participation.client_id == client.id))


def _participation(world, role):
    return {"participation_id": world.participation.id}


def _missing(world, role):
    return {"participation_id": MISSING_ID}


CELL = {"period": "2025H2", "scope": "period", "table": "labour_status", "row": "total", "column": "women"}

ROUTES = [
    Access("reports.index", "GET", ALLOWED),
    Access("reports.report", "GET", ALLOWED, params=lambda w, r: {"period": "2025H2"}, variant="a period"),
    Access("reports.report", "GET", MISSING, params=lambda w, r: {"period": "castle"}, variant="not a period"),
    Access("reports.download", "GET", ALLOWED, params=lambda w, r: {"period": "2025H2", "fmt": "csv"}, variant="csv"),
    Access(
        "reports.download",
        "GET",
        MISSING,
        params=lambda w, r: {"period": "2025H2", "fmt": "exe"},
        variant="unknown format",
    ),
    Access("reports.corrections", "GET", ALLOWED, params=lambda w, r: {"period": "2025H2"}, variant="submitted"),
    Access("reports.corrections", "GET", MISSING, params=lambda w, r: {"period": "2025H1"}, variant="not submitted"),
    Access("reports.records", "GET", ALLOWED, params=lambda w, r: CELL, variant="a cell"),
    Access("reports.records", "GET", MISSING, params=lambda w, r: {**CELL, "row": "castles"}, variant="no such row"),
    Access("reports.participation", "GET", ALLOWED, params=_participation, variant="own"),
    Access("reports.participation", "GET", MISSING, params=_missing, variant="missing"),
    Access(
        "reports.record_results",
        "POST",
        ALLOWED,
        params=_participation,
        variant="own",
        data=lambda w, r: {"responded": "yes"},
    ),
    Access("reports.record_results", "POST", MISSING, params=_missing, variant="missing"),
    Access(
        "reports.correct",
        "POST",
        ALLOWED,
        params=_participation,
        variant="own",
        data=lambda w, r: {"reason": "Typo on the form", "isced_level": "4"},
    ),
    Access("reports.correct", "POST", MISSING, params=_missing, variant="missing"),
    Access("reports.submit", "POST", ALLOWED, params=lambda w, r: {"period": "2025H1"}, variant="a period"),
    Access("reports.submit", "POST", MISSING, params=lambda w, r: {"period": "castle"}, variant="not a period"),
]
