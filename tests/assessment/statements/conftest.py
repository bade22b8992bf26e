from datetime import timedelta

import pytest

from assessment.statements import services
from isok.database import utcnow
from isok.extensions import db


def ask(world, *, language="ar", tasks=("Cooked lunch for 150 guests",), outcomes=1, days=14):
    """A request from the case's counsellor: the statement and its link's token, committed."""
    outcome_ids = [o.id for unit in world.version.units for o in unit.outcomes][:outcomes]
    statement, token = services.request_statement(
        world.counsellor,
        world.case,
        name="Khalid Haddad",
        organisation="Al-Bustan Restaurant",
        country="JO",
        email="khalid@example.com",
        language=language,
        tasks=list(tasks),
        outcome_ids=outcome_ids,
        deadline=utcnow().date() + timedelta(days=days),
    )
    db.session.commit()
    return statement, token


@pytest.fixture
def asked(setup):
    setup.statement, setup.token = ask(setup)
    return setup
