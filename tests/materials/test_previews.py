"""Previews of the bank's files: a picture made small, a PDF's first page, drawn in a limited process of their own; a
file that cannot be drawn has none and is kept all the same; a preview is seen only by who may open its file."""

import io
import struct
import zlib

import pypdfium2
import pytest
from PIL import Image

from isok import storage
from isok.accounts.models import Role
from isok.extensions import db
from isok.materials import previews, services
from isok.materials.models import MaterialFile
from tests.conftest import log_in
from tests.materials.conftest import GLOSSARY
from tests.portfolio.test_object_storage import _keys, object_store, s3_server  # noqa: F401  (fixtures)


def _photo(width=1600, height=1200) -> bytes:
    """A JPEG taken on its side: its EXIF says to turn it a quarter (orientation 6) and where it was taken."""
    image = Image.new("RGB", (width, height), "orange")
    exif = image.getexif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone maker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _pdf(width=595, height=842) -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(width, height)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def _bomb_png(side=20_000) -> bytes:
    """A small PNG whose header claims side × side pixels (400 million): decoding it would take gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\x00" * (side + 1) * 16)
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _preview_of(file: MaterialFile) -> Image.Image:
    image = Image.open(io.BytesIO(storage.read_bytes(file.preview_sha256)))
    image.load()
    return image


def test_a_photo_gets_a_small_upright_preview_without_its_metadata(make_material, teacher):
    material = make_material()
    file = services.add_file(teacher, material, "kitchen.jpg", io.BytesIO(_photo()))
    preview = _preview_of(file)
    assert preview.format == "WEBP"
    assert preview.size == (480, 640)  # turned upright (1200 × 1600), then made 480 wide
    assert not preview.getexif() and "icc_profile" not in preview.info


def test_a_pdf_gets_its_first_page_as_preview(make_material, teacher):
    material = make_material()
    file = services.add_file(teacher, material, "guide.pdf", io.BytesIO(_pdf()))
    preview = _preview_of(file)
    assert preview.format == "WEBP"
    assert preview.width == 480 and abs(preview.height - 679) <= 1  # an A4 page's proportions


def test_a_file_that_cannot_be_drawn_in_time_is_kept_without_preview(client, make_material, teacher, monkeypatch):
    material = make_material()
    monkeypatch.setattr(previews, "TIMEOUT_SECONDS", 0.001)  # the renderer is stopped before it answers
    file = services.add_file(teacher, material, "guide.pdf", io.BytesIO(_pdf()))
    db.session.commit()
    assert file.preview_sha256 is None and storage.exists(file.sha256)
    page = client.get(f"/materials/{material.id}")
    assert "No preview" in page.text and "guide.pdf" in page.text


def test_a_broken_pdf_or_a_picture_bomb_has_no_preview():
    assert previews.draw(io.BytesIO(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF"), "application/pdf") is None
    assert previews.draw(io.BytesIO(_bomb_png()), "image/png") is None  # refused from its header, never decoded
    assert previews.draw(io.BytesIO(GLOSSARY), "text/plain") is None  # not a kind that is previewed


def test_a_picture_bomb_is_refused_politely_at_upload(make_material, teacher):
    material = make_material()
    with pytest.raises(services.MaterialError, match="too large"):
        services.add_file(teacher, material, "huge.png", io.BytesIO(_bomb_png()))


def test_the_search_and_the_page_show_the_preview_with_the_title(client, make_material):
    material = make_material(files=[("sanasto.txt", GLOSSARY), ("kitchen.jpg", _photo())])
    picture = material.current_files[1]
    url = f"/materials/files/{picture.id}/preview"
    for page in (client.get("/materials/"), client.get(f"/materials/{material.id}")):
        assert f'<img src="{url}" alt="Kitchen glossary" class="material-preview" loading="lazy">' in page.text
    response = client.get(url)
    assert response.headers["Content-Type"] == "image/webp" and response.headers["ETag"]
    assert "public" in response.headers["Cache-Control"] and "max-age=86400" in response.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_previews_are_hidden_like_their_files(app, client, make_material, make_user, teacher):
    members = make_material(files=[("kitchen.jpg", _photo())], licence="members", audiences=["counsellors"])
    url = f"/materials/files/{members.current_files[0].id}/preview"
    assert client.get(url).status_code == 404  # a visitor
    log_in(client, teacher)
    response = client.get(url)
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    public = make_material(files=[("kitchen.jpg", _photo())])
    admin = make_user(Role.ADMIN)
    services.withdraw(admin, public, "Wrong words.")
    db.session.commit()
    other = app.test_client()
    assert other.get(f"/materials/files/{public.current_files[0].id}/preview").status_code == 404


def test_files_kept_before_previews_get_theirs_from_the_command(app, make_material):
    material = make_material(files=[("guide.pdf", _pdf()), ("sanasto.txt", GLOSSARY)])
    pdf = material.current_files[0]
    pdf.preview_sha256 = None
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["material-previews"])
    assert result.exit_code == 0 and "1 previews drawn, 0 files without one." in result.output
    db.session.refresh(pdf)
    assert _preview_of(pdf).width == 480


def test_previews_go_to_object_storage_and_are_drawn_from_it(client, object_store, make_material):  # noqa: F811
    material = make_material(files=[("guide.pdf", _pdf())])
    pdf = material.current_files[0]
    assert f"evidence/{pdf.preview_sha256[:2]}/{pdf.preview_sha256}" in _keys(object_store)
    assert client.get(f"/materials/files/{pdf.id}/preview").headers["Content-Type"] == "image/webp"
    pdf.preview_sha256 = None
    assert services.add_preview(pdf) and _preview_of(pdf).width == 480  # read back from the bucket as a stream
