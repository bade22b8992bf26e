"""Factories for portfolio tests: cases and entries made through the services, and small generated files, good and
bad."""

import io
from datetime import date

import pytest
from PIL import Image

from isok.accounts.models import Role
from isok.extensions import db
from portfolio import services
from portfolio.models import Section
from tests import factories


@pytest.fixture
def make_case(app, make_organisation, make_user):
    """make_case() -> (case, client_user, counsellor): a client with an account, followed by a counsellor."""

    def make(organisation=None, **fields):
        organisation = organisation or make_organisation()
        counsellor = make_user(Role.COUNSELLOR, organisation=organisation)
        client_user = make_user(Role.CLIENT, locale="ar")
        client = factories.new_client(organisation, user=client_user, first_name="Amina", preferred_language="ar")
        case = factories.new_case(organisation, counsellor, client=client, entry_date=date(2026, 1, 15), **fields)
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
