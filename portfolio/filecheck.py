"""Decide what an uploaded file is from its content, and refuse what is not safe to keep.

Accepted: PDF, JPEG, PNG, HEIC/HEIF (phones), DOCX, ODT and plain UTF-8 text. The name plays no part in deciding
the type. Images are re-encoded (orientation applied, EXIF with its GPS position and comments dropped; HEIC becomes
JPEG so staff can open it anywhere). Every check reads the spooled upload in chunks or through a parser that seeks,
so a large file never sits whole in Python memory.
"""

import codecs
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

from isok.translation import lazy_gettext as _l

register_heif_opener()

CHUNK = 1024 * 1024
MAX_NAME_LENGTH = 200
MAX_IMAGE_PIXELS = 40_000_000  # checked from the header, before any pixel is decoded
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_PDF_OBJECTS = 200_000
# Names (as keys or values) of what runs code or carries files inside a PDF: scripts, launching programs, attached
# files, XFA forms (which carry scripts), rich media (Flash and 3D with their scripts).
PDF_ACTIVE_NAMES = {
    "/JS",
    "/JavaScript",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/RichMedia",
    "/RichMediaExecute",
    "/RichMediaContent",
    "/OnInstantiate",
}
# Action types that reach outside the document: a web address, a form sent or data read from elsewhere, another PDF
# (on a network share, say) or one embedded in it. Their /S value names them.
PDF_OUTWARD_ACTIONS = {"/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}
# Keys whose text value names a file outside the document: /F of a file specification (Launch, GoToR, ImportData,
# Thread, Movie), of a stream whose data lie elsewhere (an external Sound) or a media clip; /UF and the platform
# names of a file specification.
PDF_FILE_KEYS = {"/F", "/UF", "/DOS", "/Mac", "/Unix"}
PDF_FORBIDDEN_BYTES = (b"/JavaScript", b"/Launch", b"/EmbeddedFile")
# Branches of a PDF that hold page content, fonts and images: no action or attachment is found there, and walking
# them would load every image into memory.
PDF_SKIPPED_KEYS = {"/Contents", "/XObject", "/Font", "/Thumb", "/Metadata", "/ColorSpace", "/Shading", "/Pattern"}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1", b"avif"}
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|a\s)", re.IGNORECASE)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "text/plain": ".txt",
}

NOT_ACCEPTED = _l(
    "This kind of file is not accepted. Send a PDF, a photo (JPEG, PNG or HEIC), a Word or "
    "OpenDocument text, or a plain text file."
)


class Rejected(ValueError):
    """A file refused, with the message the user sees."""


@dataclass
class Checked:
    """A file that passed: what it is, and the stream of the bytes to keep (re-encoded for images)."""

    media_type: str
    stream: BinaryIO
    download_name: str
    owned: bool = False  # the stream is a re-encoded copy, for the caller to close

    def close(self) -> None:
        if self.owned:
            self.stream.close()


def check_name(name: str | None) -> str:
    """Return the file name as given, or refuse one with path parts, control characters or no name at all."""
    if not name or not name.strip():
        raise Rejected(_l("The file has no name."))
    if "/" in name or "\\" in name or name in (".", "..") or PurePath(name).name != name:
        raise Rejected(_l("The file name must not contain folder names."))
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in name):
        raise Rejected(_l("The file name contains control characters. Rename the file and try again."))
    if len(name) > MAX_NAME_LENGTH:
        raise Rejected(_l("The file name is too long (at most %(n)d characters).", n=MAX_NAME_LENGTH))
    return name


def shown_name(name: str | None) -> str:
    """A file name safe to repeat in a message: control and direction characters made visible."""
    if not name:
        return "?"
    return "".join("\ufffd" if unicodedata.category(char)[0] == "C" else char for char in name)[:80]


def size_of(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_file(name: str, stream: BinaryIO) -> Checked:
    """Decide the type from the content and run that type's checks; raise Rejected with the reason."""
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    if not head:
        raise Rejected(_l("The file is empty."))
    if head.startswith(b"%PDF-"):
        _check_pdf(stream)
        return Checked("application/pdf", stream, _download_name(name, ".pdf"))
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n") or _is_heif(head):
        return _reencode_image(name, stream)
    if head.startswith(b"PK\x03\x04"):
        media_type = _check_office_zip(stream)
        return Checked(media_type, stream, _download_name(name, EXTENSIONS[media_type]))
    _check_text(head, stream)
    return Checked("text/plain", stream, _download_name(name, ".txt"))


def _download_name(name: str, extension: str) -> str:
    """The name to offer on download: the user's, with the extension of what the file really is."""
    stem = PurePath(name).stem if PurePath(name).suffix else name
    return f"{stem.rstrip('. ') or 'file'}{extension}"


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


# --- PDF -------------------------------------------------------------------------------------------------------------

ACTIVE_CONTENT = _l(
    "The PDF contains scripts, actions or attached files, which are not accepted. Print it to a new "
    "PDF or scan it, and send that."
)
OUTWARD_CONTENT = _l(
    "The PDF contains links or actions that reach outside the document (web addresses, other files, "
    "forms that send data), which are not accepted. Print it to a new PDF or scan it, and send that."
)


def _check_pdf(stream: BinaryIO) -> None:
    _scan_pdf_bytes(stream)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise Rejected(_l("The PDF is encrypted or password-protected. Send it without a password."))
        if len(reader.pages) == 0:
            raise Rejected(_l("The PDF has no pages."))
        found = _pdf_active_content(reader)
        if found is not None:  # a message, translated only when shown
            raise Rejected(found)
    except Rejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
        raise Rejected(_l("The PDF is damaged and cannot be read.")) from error
    finally:
        stream.seek(0)


def _scan_pdf_bytes(stream: BinaryIO) -> None:
    """Look for forbidden names in the raw bytes (a cheap first pass) and for the end-of-file marker."""
    overlap = max(len(word) for word in PDF_FORBIDDEN_BYTES)
    tail = b""
    last = b""
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        if any(word in window for word in PDF_FORBIDDEN_BYTES):
            raise Rejected(ACTIVE_CONTENT)
        tail = window[-overlap:]
        last = (last + chunk)[-2048:]
    stream.seek(0)
    if b"%%EOF" not in last:
        raise Rejected(_l("The PDF is incomplete (it may have been cut off while copying). Send the whole file."))


def _pdf_active_content(reader: PdfReader):
    """Walk the document's objects (not page content or images) for what runs code, carries files or reaches outside
    the document, wherever it sits: the open action, additional actions of the document, pages, annotations and
    form fields, link annotations, outline items, name trees, and actions chained by /Next. Return the message for
    the first one found, or None. Internal links (GoTo, named destinations) pass."""
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            raise Rejected(_l("The PDF is too complex to check."))
        if isinstance(item, DictionaryObject):
            if not PDF_ACTIVE_NAMES.isdisjoint(item):  # first, so an attached file is not taken for a link by its name
                return ACTIVE_CONTENT
            for name, value in item.items():
                if name in PDF_FILE_KEYS and isinstance(value.get_object(), TextStringObject | ByteStringObject):
                    return OUTWARD_CONTENT
                if name == "/FS" and value.get_object() == "/URL":
                    return OUTWARD_CONTENT
                if name not in PDF_SKIPPED_KEYS:
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in PDF_ACTIVE_NAMES:
            return ACTIVE_CONTENT
        elif isinstance(item, NameObject) and item in PDF_OUTWARD_ACTIONS:
            return OUTWARD_CONTENT
    return None


# --- images ----------------------------------------------------------------------------------------------------------


def _load_whole(image) -> None:
    """Decode every pixel, refusing a cut-off file even though WeasyPrint tells Pillow to accept those."""
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _reencode_image(name: str, stream: BinaryIO) -> Checked:
    try:
        with Image.open(stream) as image:
            kind = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Rejected(
                    _l("The picture is too large (%(w)d × %(h)d pixels). Send a smaller picture.", w=width, h=height)
                )
            _load_whole(image)
            icc_profile = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
            out = tempfile.SpooledTemporaryFile(max_size=CHUNK)  # noqa: SIM115  (handed to the caller, who closes it)
            if kind == "PNG":
                media_type, extension = "image/png", ".png"
                upright.save(out, "PNG", optimize=False, icc_profile=icc_profile)
            else:
                media_type, extension = "image/jpeg", ".jpg"
                if upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                # comment="" so Pillow does not copy the original's comment segment (COM), which can hold anything
                upright.save(out, "JPEG", quality=90, icc_profile=icc_profile, comment=b"")
    except Rejected:
        raise
    except Image.DecompressionBombError as error:
        raise Rejected(_l("The picture is too large. Send a smaller picture.")) from error
    except UnidentifiedImageError as error:
        raise Rejected(NOT_ACCEPTED) from error
    except (OSError, ValueError, SyntaxError) as error:
        raise Rejected(_l("The picture is damaged and cannot be opened.")) from error
    finally:
        stream.seek(0)
    out.seek(0)
    return Checked(media_type, out, _download_name(name, extension), owned=True)


# --- DOCX and ODT ----------------------------------------------------------------------------------------------------


def _check_office_zip(stream: BinaryIO) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_ENTRIES:
                raise Rejected(_l("The document has too many parts to be a normal text document."))
            if sum(member.file_size for member in members) > MAX_ZIP_UNCOMPRESSED:
                raise Rejected(_l("The document unpacks to a suspiciously large size and is not accepted."))
            names = set()
            for member in members:
                parts = PurePath(member.filename.replace("\\", "/")).parts
                if member.filename.startswith(("/", "\\")) or ".." in parts or ":" in member.filename:
                    raise Rejected(_l("The document contains unsafe file paths and is not accepted."))
                names.add(member.filename)
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    raise Rejected(_l("Documents with macros are not accepted. Save it as a normal document."))
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if _is_odt(archive, members, names):
                if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                    raise Rejected(_l("Documents with macros are not accepted. Save it as a normal document."))
                return ODT_MIMETYPE.decode()
    except Rejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise Rejected(_l("The document is damaged and cannot be opened.")) from error
    finally:
        stream.seek(0)
    raise Rejected(NOT_ACCEPTED)


def _is_odt(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], names: set[str]) -> bool:
    first = members[0] if members else None
    return (
        first is not None
        and first.filename == "mimetype"
        and first.file_size == len(ODT_MIMETYPE)
        and archive.read(first) == ODT_MIMETYPE
        and "content.xml" in names
    )


# --- plain text ------------------------------------------------------------------------------------------------------


def _check_text(head: bytes, stream: BinaryIO) -> None:
    if MARKUP.search(head.lstrip(b"\xef\xbb\xbf")[:1024]):
        raise Rejected(NOT_ACCEPTED)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK):
            if b"\x00" in chunk:
                raise Rejected(NOT_ACCEPTED)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise Rejected(_l("The text file is not in UTF-8. Save it as UTF-8 text, or as a PDF.")) from error
    finally:
        stream.seek(0)
