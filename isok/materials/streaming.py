"""A material's file as an HTTP response that answers range requests (RFC 9110 §14), from either file store.

A player seeking in a video asks for `Range: bytes=N-`; the answer is `206 Partial Content` with that part only,
read from the store as a range (a seek in a local file, a ranged GET on object storage) and sent in chunks, so the
worker never holds more than a chunk whatever the file's size. A range past the end is `416`; several ranges in one
request, or an `If-Range` that no longer matches, get the whole file (`200`), as the standard allows.
"""

import unicodedata
from urllib.parse import quote

from flask import Request, Response
from werkzeug.wsgi import wrap_file

from isok import storage

CHUNK = 64 * 1024


def _disposition(response: Response, attachment: bool, name: str) -> None:
    kind = "attachment" if attachment else "inline"
    try:
        name.encode("ascii")
        response.headers.set("Content-Disposition", kind, filename=name)
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        quoted = quote(name, safe="!#$&+^`|~")
        response.headers.set("Content-Disposition", kind, filename=simple, **{"filename*": f"UTF-8''{quoted}"})


def _wanted_span(request: Request, etag: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of the one range asked for; None for the whole file; False for a range the file lacks."""
    asked = request.range
    if asked is None or len(asked.ranges) != 1:
        return None
    if request.if_range.etag is not None and request.if_range.etag != etag:
        return None
    if request.if_range.date is not None:  # the response carries no date to compare: the whole file is safe
        return None
    span = asked.range_for_length(size)
    if span is None:
        return False
    return span[0], span[1] - 1


def file_response(
    request: Request, digest: str, size: int, media_type: str, *, attachment: bool, name: str
) -> Response:
    """The stored file (or the part asked for), streamed; the digest is its ETag."""
    response = Response(mimetype=media_type, direct_passthrough=True)
    response.set_etag(digest)
    response.headers["Accept-Ranges"] = "bytes"
    _disposition(response, attachment, name)
    if request.if_none_match.contains(digest):
        response.status_code = 304
        return response
    span = _wanted_span(request, digest, size)
    if span is False:
        response.status_code = 416
        response.headers["Content-Range"] = f"bytes */{size}"
        return response
    if span is None:
        first, last = 0, size - 1
        body = storage.open_file(digest)
    else:
        first, last = span
        body = storage.open_range(digest, first, last)
        response.status_code = 206
        response.headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    response.content_length = last - first + 1
    response.response = wrap_file(request.environ, body, CHUNK)
    return response
