"""The load test's world: the demo data, then counsellors with 10,000 clients and cases between them.

Run inside the app (`python -m tests.load.seed`, with ISOK_DATABASE_URL set). Clients, cases and their first stage
are written with bulk inserts, as an import of that size would leave them; the counsellors' accounts go through the
accounts service so that they log in like anyone else. Prints the world as JSON for the locustfile.
"""

import json
import sys
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select

from cases import counts
from cases.models import Case, Client, ClientType, Gender, Stage, StageChange
from isok import demo
from isok.accounts import services as accounts
from isok.accounts.models import Organisation, OrganisationType, Role
from isok.app import create_app
from isok.extensions import db

CASES = 10_000
COUNSELLORS = 20
PASSWORD = "load-test-password"
FIRST = ["Amina", "Hodan", "Ahmed", "Olena", "Dawit", "Reza", "Lina", "Omar", "Sara", "Yusuf"]
LAST = ["Hassan", "Warsame", "Mohammed", "Kovalenko", "Tesfaye", "Ahmadi", "Darwish", "Haddad", "Nieminen", "Ali"]


def seed() -> dict:
    demo.load()
    admin = demo.account("admin@example.org")
    organisation = Organisation(name="Load Test Guidance Centre", type=OrganisationType.PUBLIC_BODY)
    db.session.add(organisation)
    db.session.flush()
    counsellors = [
        accounts.create_user(
            admin,
            email=f"counsellor{n}@load.example.org",
            name=f"Counsellor {n}",
            roles={Role.COUNSELLOR},
            organisation=organisation,
            password=PASSWORD,
        )
        for n in range(COUNSELLORS)
    ]
    db.session.flush()
    first_id = (db.session.scalar(select(Client.id).order_by(Client.id.desc())) or 0) + 1
    now = datetime.now(UTC)
    stages = [stage for stage in Stage if stage is not Stage.CLOSED]
    db.session.execute(
        insert(Client),
        [
            {
                "id": first_id + n,
                "organisation_id": organisation.id,
                "first_name": FIRST[n % 10],
                "last_name": f"{LAST[n // 10 % 10]}{n:05d}",
                "search_name": f"{FIRST[n % 10]} {LAST[n // 10 % 10]}{n:05d}".casefold(),
                "birth_date": date(1960 + n % 40, n % 12 + 1, n % 28 + 1),
                "birth_year": 1960 + n % 40,
                "gender": Gender.FEMALE if n % 2 else Gender.MALE,
                "preferred_language": "ar",
                "created_at": now,
                "version": 1,
            }
            for n in range(CASES)
        ],
    )
    db.session.execute(
        insert(Case),
        [
            {
                "id": first_id + n,
                "client_id": first_id + n,
                "organisation_id": organisation.id,
                "counsellor_id": counsellors[n % COUNSELLORS].id,
                "client_type": ClientType.LONG_TERM if n % 3 else ClientType.SHORT_TERM,
                "stage": stages[n % len(stages)],
                "entry_date": date(2025, 1, 1) + timedelta(days=n % 600),
                "target": "Catering and hospitality",
                "last_activity_at": now - timedelta(hours=n),
                "created_at": now,
                "version": 1,
            }
            for n in range(CASES)
        ],
    )
    db.session.execute(
        insert(StageChange),
        [
            {"case_id": first_id + n, "to_stage": Stage.IDENTIFICATION, "on": date(2025, 1, 1), "at": now}
            for n in range(CASES)
        ],
    )
    counts.recount()  # the kept counts of what was written around the ORM, as the migration fills them
    db.session.commit()
    return {
        "password": PASSWORD,
        "demo_password": current_app.config["DEMO_PASSWORD"],
        "counsellors": [user.email for user in counsellors],
        "names": LAST,
    }


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        world = seed()
    json.dump(world, sys.stdout)
