"""What a material's file is, decided from its content: the portfolio's checks (PDF, pictures, Word and OpenDocument
texts, plain text) and, for the bank, sound (MP3, Ogg, M4A) and video (MP4, WebM), whose containers are walked far
enough to know they are what they claim. Nothing is read whole into memory.
"""

import io
import struct
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from isok.translation import lazy_gettext as _l
from portfolio import filecheck as portfolio_files
from portfolio.filecheck import Checked, Rejected, check_file, check_name, shown_name, size_of

__all__ = ["Checked", "Rejected", "check", "check_name", "extract_text", "is_media", "shown_name", "size_of"]

MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
MP4_VIDEO_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"MSNV",
    b"M4V ",
    b"qt  ",
}
MAX_BOXES = 10_000
TEXT_LIMIT = 50_000  # characters of a file's text kept for the search index
PDF_PAGES_READ = 20

NOT_ACCEPTED = _l(
    "This kind of file is not accepted. Send a PDF, a picture (JPEG, PNG or HEIC), a Word or "
    "OpenDocument text, plain text, sound (MP3, Ogg, M4A) or video (MP4, WebM)."
)
DAMAGED = _l("The sound or video file is damaged or is not what its beginning claims.")


def is_media(head: bytes) -> str | None:
    """The media type a file's first bytes announce, if it is sound or video."""
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in MP4_AUDIO_BRANDS:
            return "audio/mp4"
        if brand in MP4_VIDEO_BRANDS:
            return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "video/webm"
    return None


EXTENSIONS = {
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
}


def check(name: str, stream: BinaryIO) -> Checked:
    """Decide what the file is and run that type's checks; raise Rejected with the reason."""
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    media_type = is_media(head)
    if media_type is None:
        try:
            return check_file(name, stream)
        except Rejected as error:
            if error.args and error.args[0] is portfolio_files.NOT_ACCEPTED:  # say that sound and video pass too
                raise Rejected(NOT_ACCEPTED) from error
            raise
    if media_type in ("audio/mp4", "video/mp4"):
        _walk_mp4(stream)
    elif media_type == "audio/mpeg":
        _check_mp3(head)
    elif media_type == "audio/ogg" and head[4] != 0:  # the Ogg page format's version is 0
        raise Rejected(DAMAGED)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return Checked(media_type, stream, f"{stem.rstrip('. ') or 'file'}{EXTENSIONS[media_type]}")


def _walk_mp4(stream: BinaryIO) -> None:
    """The top-level boxes of an MP4 file must tile it exactly, each with a printable four-letter type."""
    total = size_of(stream)
    position = boxes = 0
    while position < total:
        stream.seek(position)
        header = stream.read(16)
        if len(header) < 8:
            raise Rejected(DAMAGED)
        size, kind = struct.unpack(">I4s", header[:8])
        if not all(32 <= byte < 127 for byte in kind):
            raise Rejected(DAMAGED)
        if size == 1:
            if len(header) < 16:
                raise Rejected(DAMAGED)
            size = struct.unpack(">Q", header[8:16])[0]
        elif size == 0:
            size = total - position
        if size < 8 or position + size > total:
            raise Rejected(DAMAGED)
        position += size
        boxes += 1
        if boxes > MAX_BOXES:
            raise Rejected(DAMAGED)
    stream.seek(0)


def _check_mp3(head: bytes) -> None:
    """After an ID3 tag (its size written in 7-bit bytes) the first MPEG audio frame must begin."""
    if not head.startswith(b"ID3"):
        return
    if len(head) < 10 or any(byte & 0x80 for byte in head[6:10]):
        raise Rejected(DAMAGED)


def extract_text(checked: Checked) -> str:
    """The words of a text or PDF file, for the search index (the first pages of a PDF; nothing for other kinds)."""
    stream = checked.stream
    try:
        if checked.media_type == "text/plain":
            stream.seek(0)
            return stream.read(TEXT_LIMIT * 4).decode("utf-8", errors="ignore")[:TEXT_LIMIT]
        if checked.media_type == "application/pdf":
            stream.seek(0)
            reader = PdfReader(stream, strict=False)
            out = io.StringIO()
            for page in reader.pages[:PDF_PAGES_READ]:
                out.write(page.extract_text() or "")
                out.write(" ")
                if out.tell() > TEXT_LIMIT:
                    break
            return out.getvalue()[:TEXT_LIMIT]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return ""  # a PDF whose text cannot be read is still a good PDF (the checks passed): it is found by its title
    finally:
        stream.seek(0)
    return ""
