import resource

import pytest
from weasyprint import HTML

from certificates import bulk, content, rendering, seal, seals, services, timestamps
from isok.accounts.models import Organisation, OrganisationType, Role, User
from isok.accounts.services import create_user
from isok.extensions import db
from tests.benchmarks.conftest import peak_memory_mib, report, report_value, time_it
from tests.certificates.helpers import give_test_seal, new_case
from tests.certificates.samples import results
from tests.certificates.tsa import LoopbackTSA

pytestmark = pytest.mark.benchmark

FOUR_LANGUAGES = ["fi", "sv", "en", "ar"]


@pytest.fixture(scope="module")
def issuer(bench_app):
    with bench_app.app_context():
        org = Organisation(name="Bench College", type=OrganisationType.EDUCATION_PROVIDER, municipality="Kuopio")
        db.session.add(org)
        give_test_seal(org)
        user = create_user(None, email="bench-issuer@example.org", name="Bench Issuer", roles={Role.COUNSELLOR},
                           organisation=org, password="bench-password")
        db.session.commit()
        return user.id, org.id


@pytest.fixture(scope="module")
def loopback_tsa(bench_app, tmp_path_factory):
    """Seals are long-term (PAdES B-LTA): timestamps and validation data come from a loopback authority."""
    authority = LoopbackTSA().start()
    roots = tmp_path_factory.mktemp("tsa") / "roots.pem"
    roots.write_bytes(authority.ca_pem)
    bench_app.config.update(TSA_URL=authority.url, TSA_CA_CERTS=str(roots))
    yield authority
    bench_app.config.update(TSA_URL=None, TSA_CA_CERTS=None)
    authority.stop()


@pytest.fixture(autouse=True)
def _signed_off(monkeypatch):
    monkeypatch.setattr(content, "results_for", lambda case: results())


def _cases(count, org_id):
    org = db.session.get(Organisation, org_id)
    cases = [new_case(org, first_name=f"Bench{n}") for n in range(count)]
    db.session.commit()
    return cases


def test_issue_one_sealed_four_language_certificate(bench_app, issuer, loopback_tsa):
    user_id, org_id = issuer
    with bench_app.app_context():
        user = db.session.get(User, user_id)
        floor_ms = time_it(lambda: HTML(string="<p>Hello, world</p>").write_pdf(), repeat=30)
        report("floor: WeasyPrint one-line page", floor_ms, "same", floor_ms)
        cases = iter(_cases(40, org_id))
        case = next(cases)
        snapshot = {**services.preview_content(user, case, FOUR_LANGUAGES), "number": "ISOK-2026-000001",
                    "verification_code": services.new_verification_code(), "issued_on": "2026-03-06"}
        render_ms = time_it(lambda: rendering.render_certificate_pdf(snapshot), repeat=10)
        report("render 4-language certificate (PDF/A)", render_ms, "WeasyPrint one-line page", floor_ms)
        unsealed = rendering.render_certificate_pdf(snapshot)
        record = seals.active_seal(org_id)
        signer = seals.signer(record)
        seal_ms = time_it(lambda: seal.seal_pdf(unsealed, signer, reason="bench", location="Kuopio"), repeat=10)
        report("seal (PAdES B-B, pyHanko)", seal_ms, "WeasyPrint one-line page", floor_ms)
        stamping = timestamps.timestamping(seals.chain(record), record.fingerprint)
        lta_ms = time_it(lambda: seal.seal_pdf(unsealed, signer, reason="bench", location="Kuopio",
                                               timestamping=stamping), repeat=10)
        report("seal (PAdES B-LTA, loopback TSA)", lta_ms, "WeasyPrint one-line page", floor_ms,
               note="(two timestamps, validation data, document timestamp)")

        def issue_one():
            services.issue_certificate(user, next(cases), FOUR_LANGUAGES)
            db.session.commit()

        issue_ms = time_it(issue_one, repeat=20, warmup=2)
        report("issue sealed 4-language certificate", issue_ms, "WeasyPrint one-line page", floor_ms,
               note="(render + B-LTA seal + store + commit)")


@pytest.mark.parametrize("count", [20, 100])
def test_bulk_issue_memory_does_not_grow_with_the_count(bench_app, issuer, count):
    user_id, org_id = issuer
    with bench_app.app_context():
        cases = _cases(count, org_id)
        job = services.start_bulk_issue(db.session.get(User, user_id), cases, ["fi", "en"], "en")
        db.session.commit()
        job_id = job.id
        db.session.expunge_all()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def run_job():
        with bench_app.app_context():
            bulk.run(job_id)
            db.session.remove()

    peak = peak_memory_mib(run_job)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report_value(f"bulk issue of {count}: peak Python heap", peak, "MiB", "(tracemalloc)")
    report_value(f"bulk issue of {count}: peak RSS of the process", rss_after, "MiB",
                 f"(was {rss_before:.0f} MiB before this run)")
