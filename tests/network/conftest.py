from datetime import date

import pytest

from isok.accounts.models import CompanySize, OrganisationType, Role
from isok.extensions import db
from isok.network import services


@pytest.fixture
def manager(make_user):
    return make_user(Role.PROJECT_MANAGER)


@pytest.fixture
def make_partner(app, make_organisation):
    def make(
        organisation=None,
        first_cooperation_on=date(2025, 3, 1),
        type=OrganisationType.COMPANY,
        size_class=CompanySize.MAJOR,
        **fields,
    ):
        organisation = organisation or make_organisation(type=type, size_class=size_class)
        partnership = services.add_partner(None, organisation, first_cooperation_on=first_cooperation_on, **fields)
        db.session.commit()
        return partnership

    return make


@pytest.fixture
def project(app):
    """The project's settings: 2025–2027 under the ESF+ rules."""
    settings = services.save_settings(
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
