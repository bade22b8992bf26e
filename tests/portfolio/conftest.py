"""Factories for portfolio tests: clients and cases made directly with the case models, entries through services,
and small generated files, good and bad."""

import io
from datetime import date
from itertools import count

import pytest
from PIL import Image

from cases.models import Case, Client, ClientType
from isok.accounts.models import Role
from isok.extensions import db
from portfolio import services
from portfolio.models import Section

_sequence = count(1)


def create_case(organisation, counsellor=None, client_user=None, **fields) -> Case:
    """A client and a case at the organisation, without the cases package's services (built in parallel)."""
    n = next(_sequence)
    client = Client(
        first_name=fields.pop("first_name", "Amina"),
        last_name=fields.pop("last_name", f"Client {n}"),
        user_id=client_user.id if client_user else None,
        preferred_language=fields.pop("preferred_language", "ar"),
    )
    case = Case(
        client=client,
        organisation_id=organisation.id,
        counsellor_id=counsellor.id if counsellor else None,
        client_type=ClientType.LONG_TERM,
        entry_date=date(2026, 1, 15),
        **fields,
    )
    db.session.add_all([client, case])
    db.session.flush()
    return case


@pytest.fixture
def make_case(app, make_organisation, make_user):
    """make_case() -> (case, client_user, counsellor): a client with an account, followed by a counsellor."""

    def make(organisation=None, **fields):
        organisation = organisation or make_organisation()
        counsellor = make_user(Role.COUNSELLOR, organisation=organisation)
        client_user = make_user(Role.CLIENT, locale="ar")
        case = create_case(organisation, counsellor, client_user, **fields)
        db.session.commit()
        return case, client_user, counsellor

    return make


@pytest.fixture
def make_entry(app):
    def make(actor, case, section=Section.WORK, title="Cook", details=None, language="ar"):
        entry = services.add_entry(
            actor,
            case,
            section,
            title,
            details if details is not None else {"employer": "Restaurant Aleppo", "country": "SY", "tasks": "Cooking"},
            language,
        )
        db.session.commit()
        return entry

    return make


def jpeg_bytes(size=(64, 48), gps=True, orientation=None, comment: bytes | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (60.0, 10.0, 0.0), 3: "E", 4: (24.0, 56.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, **({"comment": comment} if comment else {}))
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(extra: str = "", catalog_extra: str = "") -> bytes:
    """A minimal valid one-page PDF, written by hand with a correct cross-reference table."""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        "<< /Length 35 >>\nstream\nBT /F1 12 Tf 20 100 Td (Hi) Tj ET\nendstream",
    ]
    if extra:
        objects.append(extra)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
