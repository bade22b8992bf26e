"""Shared by the certificate tests, the permission matrix, the browser test and the benchmark."""

from datetime import date
from functools import cache

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from cases.models import Case, Client, Stage
from certificates import content, seal_keys, seals
from certificates.models import SealSource
from isok.extensions import db
from tests import factories
from tests.certificates.samples import results


@cache
def _test_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def give_test_seal(organisation):
    """Give the organisation a self-signed seal naming it; one RSA key serves every test seal of the process,
    since making a key costs more than the rest of a test."""
    material = seal_keys.self_signed(organisation.name, organisation.business_id, key=_test_key())
    record = seals.install_seal(None, organisation, material, SealSource.GENERATED)
    db.session.flush()
    return record


def new_case(
    organisation,
    counsellor=None,
    *,
    first_name="Amina",
    last_name="Hassan",
    user=None,
    preferred_language="ar",
    stage=Stage.CERTIFICATION,
) -> Case:
    """A case, of the user's existing client record when they have one, otherwise of a new client."""
    client = db.session.scalar(select(Client).where(Client.user_id == user.id)) if user else None
    if client is None:
        client = factories.new_client(
            organisation,
            user=user,
            first_name=first_name,
            last_name=last_name,
            birth_date=date(1990, 4, 12),
            preferred_language=preferred_language,
        )
    return factories.new_case(organisation, counsellor, client=client, stage=stage, entry_date=date(2026, 1, 10))


MATRIX_MARK = "Matrix-World"


def install_world_results() -> None:
    """Sign off the results of the permission matrix's cases (marked by the client's surname) for its requests.

    The matrix sends real requests without pytest's monkeypatch, so the lookup is wrapped once per process;
    every other case still goes to the real results_for.
    """
    if getattr(content.results_for, "matrix_wrapper", False):
        return
    real = content.results_for

    def results_for(case):
        return results() if case.client.last_name == MATRIX_MARK else real(case)

    results_for.matrix_wrapper = True
    content.results_for = results_for
