from datetime import date

import pytest

from cases import services as case_services
from cases.models import Answer, ClientType, Gender, LabourStatus
from isok.accounts.models import Role
from isok.extensions import db
from isok.network import services as network_services


@pytest.fixture
def manager(make_user):
    return make_user(Role.PROJECT_MANAGER)


@pytest.fixture
def project(app):
    """The project: 2025–2027 under the ESF+ rules, small cells below 5 hidden in public exports."""
    settings = network_services.save_settings(None, name="ISOK", code="S30947", starts_on=date(2025, 1, 1),
                                              ends_on=date(2027, 12, 31), rule_set="esf_plus_2021_2027",
                                              suppression_threshold=5)
    db.session.commit()
    return settings


@pytest.fixture
def person(app, make_organisation):
    """Register a client and walk their cases: person(entries=[(entry, exit, situation), ...], **client fields)."""
    organisation = make_organisation(name="Guidance Centre")

    def make(first_name="Test", *, gender=Gender.FEMALE, birth_date=date(1990, 5, 1),
             labour_status=LabourStatus.UNEMPLOYED, isced_level=3, entries=(), follow_up=None,
             client_type=ClientType.LONG_TERM, **fields):
        client = case_services.register_client(
            None, organisation, first_name=first_name, last_name="Person", gender=gender, birth_date=birth_date,
            labour_status=labour_status, isced_level=isced_level, **fields)
        case = None
        for entry, exit_date, situation in entries:
            case = case_services.open_case(None, client, organisation=organisation, client_type=client_type,
                                           entry_date=entry)
            if exit_date is not None:
                case_services.record_exit(None, case, exit_date=exit_date, situation=situation)
        if follow_up is not None:
            on, situation = follow_up
            case_services.record_follow_up(None, case, on=on, situation=situation)
        db.session.commit()
        return client

    return make


YES, DECLINED = Answer.YES, Answer.DECLINED
