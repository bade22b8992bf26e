from datetime import date

import pytest
from sqlalchemy import select

from cases import services as case_services
from cases.models import Answer, ClientType, Gender, LabourMarketResult, LabourStatus
from isok.accounts.models import Role
from isok.extensions import db
from isok.network import services as network_services
from isok.reports import services
from isok.reports.models import BetterSituation, Participation

YES, DECLINED = Answer.YES, Answer.DECLINED
EMPLOYED, SELF_EMPLOYED, JOB_SEARCHING, NEITHER = LabourMarketResult


@pytest.fixture
def manager(make_user):
    return make_user(Role.PROJECT_MANAGER)


@pytest.fixture
def project(app):
    """The project: 2025–2027 under the ESF+ rules, small cells below 5 hidden in public exports."""
    settings = network_services.save_settings(
        None,
        name="ISOK",
        code="S30947",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        rule_set="esf_plus_2021_2027",
        suppression_threshold=5,
    )
    db.session.commit()
    return settings


@pytest.fixture
def person(app, make_organisation):
    """Register a client and walk their cases: person(entries=[(entry, exit, status[, results]), ...],
    follow_up=(on, status[, in education]), **client fields), where results is a dict of record_exit's keywords
    (in_education, qualification) and a status of None is not known."""
    organisation = make_organisation(name="Guidance Centre")

    def make(
        first_name="Test",
        *,
        gender=Gender.FEMALE,
        birth_date=date(1990, 5, 1),
        labour_status=LabourStatus.UNEMPLOYED,
        isced_level=3,
        entries=(),
        follow_up=None,
        client_type=ClientType.LONG_TERM,
        **fields,
    ):
        client = case_services.register_client(
            None,
            organisation,
            first_name=first_name,
            last_name="Person",
            gender=gender,
            birth_date=birth_date,
            labour_status=labour_status,
            isced_level=isced_level,
            **fields,
        )
        case = None
        for entry, exit_date, status, *results in entries:
            case = case_services.open_case(
                None, client, organisation=organisation, client_type=client_type, entry_date=entry
            )
            if exit_date is not None:
                case_services.record_exit(
                    None, case, exit_date=exit_date, labour_status=status, **(results[0] if results else {})
                )
        if follow_up is not None:
            on, status, *in_education = follow_up
            case_services.record_follow_up(None, case, on=on, labour_status=status, in_education=any(in_education))
        db.session.commit()
        return client

    return make


@pytest.fixture
def population(project, person, manager):
    people = {
        "aino": person(
            "Aino",
            birth_date=date(1990, 5, 1),
            long_term_unemployed=True,
            third_country_national=YES,
            disability=DECLINED,
            entries=[(date(2025, 7, 1), date(2025, 12, 31), EMPLOYED)],
        ),
        "bashir": person(
            "Bashir",
            gender=Gender.MALE,
            birth_date=date(2000, 1, 10),
            labour_status=LabourStatus.INACTIVE,
            isced_level=1,
            third_country_national=YES,
            minority=DECLINED,
            entries=[
                (date(2025, 3, 10), date(2025, 6, 30), JOB_SEARCHING),
                (date(2025, 9, 1), date(2026, 1, 1), NEITHER, {"in_education": True}),
            ],
        ),
        "carita": person(
            "Carita",
            birth_date=date(1965, 2, 1),
            labour_status=LabourStatus.EMPLOYED,
            self_employed=True,
            isced_level=6,
            entries=[(date(2025, 12, 31), None, None)],
        ),
        "daniel": person(
            "Daniel",
            gender=Gender.MALE,
            birth_date=date(1985, 3, 3),
            labour_status=None,
            entries=[(date(2025, 8, 1), None, None)],
        ),
        "eeva": person(
            "Eeva",
            gender=Gender.NOT_STATED,
            birth_date=date(1995, 4, 4),
            isced_level=2,
            entries=[(date(2025, 10, 1), None, None)],
        ),
        "farah": person(
            "Farah",
            gender=Gender.OTHER,
            birth_date=date(2008, 1, 1),
            labour_status=LabourStatus.INACTIVE,
            in_education_or_training=True,
            isced_level=2,
            entries=[(date(2025, 7, 15), date(2025, 11, 30), JOB_SEARCHING)],
        ),
        "gustav": person(
            "Gustav",
            gender=Gender.MALE,
            birth_date=date(1980, 1, 1),
            labour_status=LabourStatus.EMPLOYED,
            isced_level=4,
            entries=[(date(2025, 1, 15), date(2025, 6, 30), EMPLOYED)],
            follow_up=(date(2025, 12, 20), EMPLOYED),
        ),
        "hilja": person(
            "Hilja",
            birth_date=date(1975, 1, 1),
            entries=[(date(2025, 2, 1), date(2025, 5, 31), NEITHER)],
            follow_up=(date(2025, 12, 1), None),
        ),
        "iida": person(
            "Iida",
            birth_date=date(1970, 1, 1),
            labour_status=LabourStatus.INACTIVE,
            isced_level=0,
            entries=[(date(2025, 2, 2), date(2025, 4, 30), None)],
        ),
    }
    services.sync_participations()
    services.record_results(
        manager,
        participation_of(people["gustav"]),
        qualification_gained=False,
        responded=None,
        better_situation=BetterSituation.PRECARIOUS_TO_STABLE,
    )
    services.record_results(
        manager, participation_of(people["aino"]), qualification_gained=True, responded=None, better_situation=None
    )
    db.session.commit()
    return people


def participation_of(client) -> Participation:
    return db.session.scalar(select(Participation).where(Participation.client_id == client.id))
