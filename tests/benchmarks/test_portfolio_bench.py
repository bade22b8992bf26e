"""Uploading a 20 MB evidence file: Python heap growth while it streams through the request, checks and storage."""

from datetime import date

import pytest

from isok.accounts.models import Role
from isok.accounts.services import create_user
from isok.extensions import db
from portfolio import services
from portfolio.models import Section
from tests import factories
from tests.benchmarks.conftest import peak_memory_mib, report, report_value, time_it
from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.benchmark

SIZE = 20_000_000  # just under the default 20 MB limit per file


def _big_pdf(path):
    """A valid PDF whose one page carries ~20 MB of content stream."""
    body = b"q Q\n" * (SIZE // 4 - 100)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        offsets = []
        for number, obj in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets))
        out.write(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)


@pytest.fixture(scope="module")
def upload_target(bench_app, tmp_path_factory):
    with bench_app.app_context():
        org_user = create_user(
            None, email="pf-client@example.org", name="Bench Client", roles={Role.CLIENT}, password=PASSWORD
        )
        from isok.accounts.models import Organisation, OrganisationType

        organisation = Organisation(name="Bench Org", type=OrganisationType.EDUCATION_PROVIDER)
        db.session.add(organisation)
        db.session.flush()
        client = factories.new_client(organisation, user=org_user, first_name="Amina", preferred_language="ar")
        case = factories.new_case(organisation, client=client, entry_date=date(2026, 1, 15))
        entry = services.add_entry(org_user, case, Section.WORK, "Cook", {}, "en")
        db.session.commit()
        entry_id = entry.id
    client = bench_app.test_client()
    with bench_app.app_context():
        log_in(client, "pf-client@example.org")
    folder = tmp_path_factory.mktemp("upload")
    pdf, text = folder / "big.pdf", folder / "big.txt"
    _big_pdf(pdf)
    with text.open("wb") as out:
        line = "Työtehtävät: ruoanvalmistus, hygienia, tilaukset. طبخ\n".encode()
        out.write(line * (SIZE // len(line)))
    return client, entry_id, _multipart_on_disk(pdf), _multipart_on_disk(text)


BOUNDARY = "isok-bench-boundary"


def _multipart_on_disk(path):
    """The request body a browser would send, written to disk so the test client streams it like a socket."""
    body = path.with_suffix(path.suffix + ".body")
    with body.open("wb") as out, path.open("rb") as source:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        while chunk := source.read(1024 * 1024):
            out.write(chunk)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return body


def _upload(client, entry_id, body):
    with body.open("rb") as handle:
        response = client.post(
            f"/portfolio/entries/{entry_id}/files",
            input_stream=handle,
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            headers={"Content-Length": str(body.stat().st_size)},
        )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_memory_while_uploading_a_20_mb_pdf(upload_target):
    client, entry_id, pdf, _text = upload_target
    peak = peak_memory_mib(lambda: _upload(client, entry_id, pdf))
    report_value(
        "upload 20 MB PDF: peak Python heap growth", peak, "MiB", f"(request body {pdf.stat().st_size / 2**20:.1f} MiB)"
    )


def test_memory_while_uploading_a_20_mb_text(upload_target):
    client, entry_id, _pdf, text = upload_target
    peak = peak_memory_mib(lambda: _upload(client, entry_id, text))
    report_value(
        "upload 20 MB text: peak Python heap growth",
        peak,
        "MiB",
        f"(request body {text.stat().st_size / 2**20:.1f} MiB)",
    )


def test_time_to_upload_a_20_mb_pdf(upload_target, floors):
    client, entry_id, pdf, _text = upload_target
    upload_ms = time_it(lambda: _upload(client, entry_id, pdf), repeat=5, warmup=1)
    report("upload 20 MB PDF (check + store)", upload_ms, "one query + template", floors["query_ms"])
