import os
import resource
import statistics
import threading
import time

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
        user = create_user(
            None,
            email="bench-issuer@example.org",
            name="Bench Issuer",
            roles={Role.COUNSELLOR},
            organisation=org,
            password="bench-password",
        )
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


def cpu_time_it(fn, repeat: int, warmup: int = 2) -> float:
    """Median CPU time of fn() in milliseconds, all the process's threads (the loopback TSA's too): unlike wall time,
    it does not count what other processes on a busy machine take."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def test_issue_one_sealed_four_language_certificate(bench_app, issuer, loopback_tsa):
    user_id, org_id = issuer
    with bench_app.app_context():
        user = db.session.get(User, user_id)

        def floor():
            HTML(string="<p>Hello, world</p>").write_pdf()

        floor_ms = time_it(floor, repeat=30)
        floor_cpu_ms = cpu_time_it(floor, repeat=30)
        report("floor: WeasyPrint one-line page", floor_ms, "same", floor_ms)
        report("floor: WeasyPrint one-line page (CPU)", floor_cpu_ms, "same", floor_cpu_ms)
        cases = iter(_cases(60, org_id))
        case = next(cases)
        snapshot = {
            **services.preview_content(user, case, FOUR_LANGUAGES),
            "number": "ISOK-2026-000001",
            "verification_code": services.new_verification_code(),
            "issued_on": "2026-03-06",
        }

        def render():
            rendering.render_certificate_pdf(snapshot)

        report(
            "render 4-language certificate (PDF/A)", time_it(render, repeat=10), "WeasyPrint one-line page", floor_ms
        )
        report(
            "render 4-language certificate (CPU)", cpu_time_it(render, repeat=10), "one-line page (CPU)", floor_cpu_ms
        )
        unsealed = rendering.render_certificate_pdf(snapshot)
        record = seals.active_seal(org_id)
        signer = seals.signer(record)
        seal_ms = time_it(lambda: seal.seal_pdf(unsealed, signer, reason="bench", location="Kuopio"), repeat=10)
        report("seal (PAdES B-B, pyHanko)", seal_ms, "WeasyPrint one-line page", floor_ms)
        stamping = timestamps.timestamping(seals.chain(record), record.fingerprint)

        def seal_lta():
            seal.seal_pdf(unsealed, signer, reason="bench", location="Kuopio", timestamping=stamping)

        report(
            "seal (PAdES B-LTA, loopback TSA)",
            time_it(seal_lta, repeat=10),
            "WeasyPrint one-line page",
            floor_ms,
            note="(two timestamps, validation data, document timestamp)",
        )
        report(
            "seal (PAdES B-LTA, CPU)",
            cpu_time_it(seal_lta, repeat=10),
            "one-line page (CPU)",
            floor_cpu_ms,
            note="(the loopback TSA's work included)",
        )

        def issue_one():
            services.issue_certificate(user, next(cases), FOUR_LANGUAGES)
            db.session.commit()

        issue_ms = time_it(issue_one, repeat=20, warmup=2)
        report(
            "issue sealed 4-language certificate",
            issue_ms,
            "WeasyPrint one-line page",
            floor_ms,
            note="(render + B-LTA seal + store + commit)",
        )
        report(
            "issue sealed 4-language certificate (CPU)",
            cpu_time_it(issue_one, repeat=20),
            "one-line page (CPU)",
            floor_cpu_ms,
            note="(render + B-LTA seal + store + commit)",
        )


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
    report_value(
        f"bulk issue of {count}: peak RSS of the process",
        rss_after,
        "MiB",
        f"(was {rss_before:.0f} MiB before this run)",
    )


def _resident_mib() -> float:
    """The process's resident set now (Linux): the Python heap and the PDF libraries' C memory (Pango, HarfBuzz,
    FreeType, fontconfig, zlib, OpenSSL) alike."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


class _ResidentPeak:
    """Samples the resident set every 20 ms while a block runs: its peak, which ru_maxrss (the process's lifetime
    peak) cannot show once an earlier run went higher."""

    def __enter__(self):
        self.peak = _resident_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _resident_mib())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _resident_mib())


def _bulk_job(bench_app, user_id, org_id, count) -> int:
    with bench_app.app_context():
        job = services.start_bulk_issue(db.session.get(User, user_id), _cases(count, org_id), ["fi", "en"], "en")
        db.session.commit()
        job_id = job.id
        db.session.expunge_all()
    return job_id


def _run_job(bench_app, job_id) -> None:
    with bench_app.app_context():
        bulk.run(job_id)
        db.session.remove()


def test_bulk_issue_resident_memory_stays_flat(bench_app, issuer):
    """Resident memory over two bulk issues of 50 in a row, after a warm-up bulk of 5 has loaded fonts and caches:
    what the process holds after each certificate, not only the Python heap. Memory that each certificate left
    behind would grow as much in the second run as in the first."""
    user_id, org_id = issuer
    _run_job(bench_app, _bulk_job(bench_app, user_id, org_id, 5))
    for run in ("first", "second"):
        job_id = _bulk_job(bench_app, user_id, org_id, 50)
        before = _resident_mib()
        with _ResidentPeak() as sampled:
            _run_job(bench_app, job_id)
        after = _resident_mib()
        report_value(
            f"bulk issue of 50 ({run}): resident set",
            after,
            "MiB",
            f"(before {before:.1f} MiB, peak {sampled.peak:.1f} MiB)",
        )
        report_value(f"bulk issue of 50 ({run}): growth per certificate", (after - before) * 1024 / 50, "KiB")
