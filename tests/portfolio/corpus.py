"""Small generated files, accepted and malicious, for the upload checks."""

import io
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tests.portfolio.conftest import jpeg_bytes, pdf_bytes, png_bytes

pillow_heif.register_heif_opener()


def heic_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(out, "HEIF")
    return out.getvalue()


def zip_bytes(members: dict[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, as ODT wants its mimetype
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX_MEMBERS = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "word/document.xml": b"<w:document/>",
}
ODT_MIMETYPE = ("mimetype", b"application/vnd.oasis.opendocument.text")


def docx_bytes() -> bytes:
    return zip_bytes(DOCX_MEMBERS)


def odt_bytes() -> bytes:
    return zip_bytes(
        {"content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<m/>"}, first=ODT_MIMETYPE
    )


def docx_bomb() -> bytes:
    """A DOCX whose central directory declares a 4 GB document: refused before anything is unpacked."""
    data = bytearray(docx_bytes())
    start = data.find(b"PK\x01\x02")
    while start != -1:
        struct.pack_into("<I", data, start + 24, 0xFFFFFFF0)
        start = data.find(b"PK\x01\x02", start + 4)
    return bytes(data)


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pixel_flood_png() -> bytes:
    """A PNG whose header claims 30,000 × 30,000 pixels in a few dozen bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


GOOD = {
    "photo.jpg": ("image/jpeg", jpeg_bytes),
    "scan.png": ("image/png", png_bytes),
    "diploma.pdf": ("application/pdf", pdf_bytes),
    "IMG_0001.HEIC": ("image/jpeg", heic_bytes),
    "reference.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx_bytes),
    "cv.odt": ("application/vnd.oasis.opendocument.text", odt_bytes),
    "notes.txt": ("text/plain", lambda: "طبخت في مطعم لمدة خمس سنوات.\n".encode()),
}

BAD = {
    "exe renamed .jpg": ("photo.jpg", lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(300), "not accepted"),
    "ELF renamed .pdf": ("diploma.pdf", lambda: b"\x7fELF\x02\x01\x01" + bytes(200), "not accepted"),
    "HTML renamed .pdf": (
        "diploma.pdf",
        lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "not accepted",
    ),
    "SVG renamed .jpg": (
        "photo.jpg",
        lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "not accepted",
    ),
    "bare SVG renamed .png": ("scan.png", lambda: b'<svg onload="alert(1)"></svg>', "not accepted"),
    "HTML after a BOM and spaces": (
        "notes.txt",
        lambda: b"\xef\xbb\xbf  \n<html><body>hi</body></html>",
        "not accepted",
    ),
    "double extension .pdf.html": ("diploma.pdf.html", lambda: b"<html><body>x</body></html>", "not accepted"),
    "JPEG/HTML polyglot": (
        "photo.jpg",
        lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script>x</script>",
        "not accepted",
    ),
    "empty file": ("empty.pdf", lambda: b"", "empty"),
    "truncated PDF": ("cut.pdf", lambda: pdf_bytes()[:150], "incomplete"),
    "truncated PNG": ("cut.png", lambda: png_bytes()[:60], "damaged"),
    "truncated JPEG": ("cut.jpg", lambda: jpeg_bytes()[:200], "damaged"),
    "PDF with JavaScript": (
        "js.pdf",
        lambda: pdf_bytes("<< /S /JavaScript /JS (app.alert(1)) >>", "/OpenAction 5 0 R "),
        "scripts",
    ),
    "PDF with escaped JavaScript names": (
        "js2.pdf",
        lambda: pdf_bytes(catalog_extra="/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> "),
        "scripts",
    ),
    "PDF with Launch": (
        "launch.pdf",
        lambda: pdf_bytes("<< /S /Launch /F (calc.exe) >>", "/OpenAction 5 0 R "),
        "scripts",
    ),
    "PDF with an embedded file": (
        "attach.pdf",
        lambda: pdf_bytes(
            "<< /Type /Filespec /F (a.exe) >>", "/Names << /Embedd#65dFiles << /Names [(a.exe) 5 0 R] >> >> "
        ),
        "scripts",
    ),
    "encrypted PDF": ("locked.pdf", encrypted_pdf, "encrypted"),
    "PNG pixel flood": ("flood.png", pixel_flood_png, "too large"),
    "DOCX zip bomb": ("bomb.docx", docx_bomb, "suspiciously large"),
    "DOCX with 1001 entries": (
        "many.docx",
        lambda: zip_bytes({**DOCX_MEMBERS, **{f"word/media/{i}.xml": b"x" for i in range(1001)}}),
        "too many parts",
    ),
    "DOCX with ../ member": ("slip.docx", lambda: zip_bytes({**DOCX_MEMBERS, "../../evil.py": b"x"}), "unsafe"),
    "DOCX with absolute member": ("abs.docx", lambda: zip_bytes({**DOCX_MEMBERS, "/etc/cron.d/x": b"x"}), "unsafe"),
    "DOCX with macros": ("macro.docx", lambda: zip_bytes({**DOCX_MEMBERS, "word/vbaProject.bin": b"x"}), "macros"),
    "zip that is no document": ("data.docx", lambda: zip_bytes({"a.txt": b"x"}), "not accepted"),
    "ODT with a wrong mimetype": (
        "cv.odt",
        lambda: zip_bytes({"content.xml": b"<x/>"}, first=("mimetype", b"application/x-evil-xx-yy-zz-aaaaaaaaaaaaa")),
        "not accepted",
    ),
    "text with NUL bytes": ("notes.txt", lambda: b"hello\x00world", "not accepted"),
    "text not in UTF-8": ("notes.txt", lambda: "Työtodistus äöå".encode("latin-1"), "UTF-8"),
}

BAD_NAMES = {
    "parent path": "../../app.py",
    "folder path": "docs/diploma.pdf",
    "windows path": "C:\\Users\\a\\diploma.pdf",
    "NUL in name": "diploma\x00.pdf",
    "newline in name": "diploma\n.pdf",
    "right-to-left override": "gpj\u202eexe.pdf",
    "empty name": "",
    "only spaces": "   ",
    "300 characters": "a" * 296 + ".pdf",
}
