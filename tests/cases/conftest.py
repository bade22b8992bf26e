from datetime import date
from itertools import count

import pytest

from isok.accounts.models import Role
from isok.extensions import db
from tests import factories

_sequence = count(1)


@pytest.fixture
def counsellor(make_user, make_organisation):
    return make_user(Role.COUNSELLOR, organisation=make_organisation("Kuopio Guidance Centre"), name="Leena Ohjaaja")


@pytest.fixture
def make_client(app):
    def make(organisation=None, actor=None, **fields):
        values = {"birth_date": date(1990, 5, next(_sequence) % 28 + 1), "gender": "female", **fields}
        client = factories.new_client(organisation, actor=actor, **values)
        db.session.commit()
        return client

    return make


@pytest.fixture
def make_case(app, make_client, counsellor):
    """A case at the counsellor's organisation (or the given one), with that counsellor responsible."""

    def make(client=None, organisation=None, responsible=None, actor=None, **fields):
        responsible = responsible if responsible is not None else counsellor
        organisation = organisation or responsible.organisation
        case = factories.new_case(
            organisation,
            responsible if Role.COUNSELLOR in responsible.roles else None,
            client=client or make_client(organisation=organisation),
            actor=actor or responsible,
            **fields,
        )
        db.session.commit()
        return case

    return make
