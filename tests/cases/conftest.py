from datetime import date
from itertools import count

import pytest

from cases import services
from cases.models import ClientType
from isok.accounts.models import Role
from isok.extensions import db

_sequence = count(1)


@pytest.fixture
def counsellor(make_user, make_organisation):
    return make_user(Role.COUNSELLOR, organisation=make_organisation("Kuopio Guidance Centre"), name="Leena Ohjaaja")


@pytest.fixture
def make_client(app):
    def make(organisation=None, actor=None, **fields):
        n = next(_sequence)
        values = {
            "first_name": "Hodan",
            "last_name": f"Warsame{n}",
            "birth_date": date(1990, 5, n % 28 + 1),
            "gender": "female",
            **fields,
        }
        client = services.register_client(actor, organisation, **values)
        db.session.commit()
        return client

    return make


@pytest.fixture
def make_case(app, make_client, counsellor):
    """A case at the counsellor's organisation (or the given one), with that counsellor responsible."""

    def make(client=None, organisation=None, responsible=None, actor=None, **fields):
        responsible = responsible if responsible is not None else counsellor
        organisation = organisation or responsible.organisation
        client = client or make_client(organisation=organisation)
        values = {"client_type": ClientType.LONG_TERM, "entry_date": date(2026, 3, 2), **fields}
        case = services.open_case(
            actor or responsible,
            client,
            organisation=organisation,
            counsellor=responsible if Role.COUNSELLOR in responsible.roles else None,
            **values,
        )
        db.session.commit()
        return case

    return make
