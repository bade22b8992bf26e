import pytest

from certificates import content, services
from isok.accounts.models import OrganisationType, Role
from isok.extensions import db
from tests.certificates.helpers import give_test_seal, new_case
from tests.certificates.samples import results
from tests.certificates.tsa import LoopbackTSA


@pytest.fixture(scope="session")
def loopback_tsa(tmp_path_factory):
    """A timestamp authority on loopback for the whole session, with its root CA in a PEM file."""
    authority = LoopbackTSA().start()
    authority.ca_file = tmp_path_factory.mktemp("tsa") / "roots.pem"
    authority.ca_file.write_bytes(authority.ca_pem)
    yield authority
    authority.stop()


@pytest.fixture
def tsa(app, loopback_tsa, monkeypatch):
    """Seal with long-term validation (PAdES B-LTA) through the loopback timestamp authority."""
    monkeypatch.setitem(app.config, "TSA_URL", loopback_tsa.url)
    monkeypatch.setitem(app.config, "TSA_CA_CERTS", str(loopback_tsa.ca_file))
    return loopback_tsa


@pytest.fixture
def signed_off(monkeypatch):
    """Sign off results for chosen cases: signed_off(case, **overrides); other cases have none."""
    by_case = {}
    monkeypatch.setattr(content, "results_for", lambda case: by_case.get(case.id))

    def sign(case, **overrides):
        by_case[case.id] = results(**overrides)
        return by_case[case.id]

    return sign


@pytest.fixture
def org(make_organisation):
    organisation = make_organisation(
        name="Savonia Vocational College", type=OrganisationType.EDUCATION_PROVIDER, municipality="Kuopio"
    )
    give_test_seal(organisation)
    db.session.commit()
    return organisation


@pytest.fixture
def counsellor(make_user, org):
    return make_user(Role.COUNSELLOR, organisation=org, name="Leena Ohjaaja")


@pytest.fixture
def make_case(org, counsellor):
    """A case at the seal's organisation (or the given one), the counsellor responsible where they work."""

    def make(organisation=None, **fields):
        organisation = organisation or org
        case = new_case(organisation, counsellor if counsellor.organisation == organisation else None, **fields)
        db.session.commit()
        return case

    return make


@pytest.fixture
def issued(counsellor, make_case, signed_off):
    """A case with signed-off results and a certificate issued in fi, en and ar."""

    def issue(languages=("fi", "en", "ar"), **case_fields):
        case = make_case(**case_fields)
        signed_off(case)
        certificate = services.issue_certificate(counsellor, case, list(languages))
        db.session.commit()
        return certificate

    return issue
