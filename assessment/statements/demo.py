"""Demo data: one answered statement from a former employer abroad, on the demo client's case where it has a target."""

from datetime import timedelta

from sqlalchemy import select

from assessment.frameworks.models import CaseQualification
from assessment.statements import services
from assessment.statements.models import Acquaintance, RefereeStatement
from cases.models import Case
from isok import demo
from isok.database import utcnow
from isok.extensions import db


def load_demo(admin):
    if db.session.scalar(select(RefereeStatement.id).limit(1)) is not None:
        return
    cases = db.session.scalars(
        select(Case).join(CaseQualification, CaseQualification.case_id == Case.id).order_by(Case.id)
    ).all()
    client_user = demo.account("client@example.org")
    case = next((c for c in cases if client_user and c.client.user_id == client_user.id), cases[0] if cases else None)
    if case is None:
        return
    outcomes = [outcome.id for unit in services.case_units(case)[:1] for outcome in unit.outcomes[:3]]
    statement, _token = services.request_statement(
        admin,
        case,
        name="Khalid Haddad",
        organisation="Al-Bustan Restaurant, Amman",
        country="JO",
        email="khalid.haddad@example.com",
        language="ar",
        tasks=["Prepared hot lunch dishes for 150 guests a day", "Ordered ingredients and kept the cold store"],
        outcome_ids=outcomes,
        deadline=utcnow().date() + timedelta(days=14),
    )
    services.submit_statement(
        statement,
        answers={item.id: True for item in statement.items},
        acquaintance=Acquaintance.SUPERVISED,
        period="2016–2021",
        comment="A careful, fast cook; trusted to run the lunch line alone.",
    )
