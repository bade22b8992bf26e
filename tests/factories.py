"""Clients and cases for tests, made through the cases services the way the application makes them.

Plain functions that flush and do not commit, like the services; the packages' fixtures (`make_client`,
`make_case`) wrap them with their own defaults and commit.
"""

from datetime import date
from itertools import count

from cases import services
from cases.models import Case, Client, ClientType, Stage

_sequence = count(1)


def new_client(organisation=None, *, actor=None, user=None, **fields) -> Client:
    """A registered client ("Hodan Warsame<n>" unless told otherwise); `user` is the client's own login."""
    n = next(_sequence)
    values = {"first_name": "Hodan", "last_name": f"Warsame{n}", **fields}
    client = services.register_client(actor, organisation, **values)
    if user is not None:
        client.user = user
    return client


def new_case(
    organisation,
    counsellor=None,
    *,
    client: Client | None = None,
    actor=None,
    client_type=ClientType.LONG_TERM,
    entry_date: date = date(2026, 3, 2),
    stage: Stage = Stage.IDENTIFICATION,
    **fields,
) -> Case:
    """A case of the client (a new one when none is given) at the organisation, the counsellor responsible."""
    return services.open_case(
        actor,
        client or new_client(organisation),
        organisation=organisation,
        counsellor=counsellor,
        client_type=client_type,
        entry_date=entry_date,
        stage=stage,
        **fields,
    )
