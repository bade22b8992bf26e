"""Evidence and document files: stored once under their SHA-256, outside static/, never half-written.

Callers decide what a file is and whether it is allowed (by content, not by name); this module only keeps bytes.
Two stores behind the same functions: a local folder (the embedded default, `ISOK_FILES_DIR`) and S3-compatible
object storage (`ISOK_FILES_URL=s3://bucket/prefix`) for several application hosts. Streams are copied in chunks,
so a large upload or download never sits whole in memory.
"""

import hashlib
import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from isok.translation import lazy_gettext as _l

CHUNK = 1024 * 1024
_STORE = "isok.file_store"


class TooLarge(ValueError):
    pass


class Unavailable(RuntimeError):
    """The file store cannot be reached: nothing was written, and the caller tells the user so (UNAVAILABLE)."""


UNAVAILABLE = _l("The file store cannot be reached just now, so nothing was saved. Please try again in a moment.")


def _check_digest(digest: str) -> str:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return digest


class LocalFiles:
    """Files in a folder, two levels deep by digest, each written to a temporary name and renamed into place."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def spool(self):
        self.root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        return os.fdopen(handle, "w+b"), name

    def keep(self, temp_name: str, digest: str) -> None:
        final = self.path(digest)
        final.parent.mkdir(exist_ok=True)
        os.replace(temp_name, final)

    def open(self, digest: str) -> BinaryIO:
        return self.path(digest).open("rb")

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)


class ObjectFiles:
    """Files in an S3-compatible bucket under `prefix`. An upload is spooled to a temporary file while its digest is
    computed (the key is the digest), then sent in parts by boto3: an object appears whole or not at all."""

    def __init__(self, bucket: str, prefix: str, client):
        self.bucket, self.prefix, self.client = bucket, prefix, client

    def _key(self, digest: str) -> str:
        return f"{self.prefix}{digest[:2]}/{digest}"

    def spool(self):
        handle, name = tempfile.mkstemp(prefix="isok-upload-")
        return os.fdopen(handle, "w+b"), name

    def keep(self, temp_name: str, digest: str) -> None:
        try:
            if not self.exists(digest):
                with _reaching_the_store():
                    self.client.upload_file(temp_name, self.bucket, self._key(digest), Config=_PARTS)
        finally:
            Path(temp_name).unlink(missing_ok=True)

    def open(self, digest: str) -> BinaryIO:
        try:
            with _reaching_the_store():
                return self.client.get_object(Bucket=self.bucket, Key=self._key(digest))["Body"]
        except Unavailable as error:
            if isinstance(error.__cause__, ClientError) and _missing(error.__cause__):
                raise FileNotFoundError(digest) from None
            raise

    def open_range(self, digest: str, first: int, last: int) -> BinaryIO:
        """Bytes first..last (inclusive) of the object, asked of the store as a ranged GET: only they travel."""
        with _reaching_the_store():
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(digest), Range=f"bytes={first}-{last}")
        return answer["Body"]

    def exists(self, digest: str) -> bool:
        try:
            with _reaching_the_store():
                self.client.head_object(Bucket=self.bucket, Key=self._key(digest))
        except Unavailable as error:
            if isinstance(error.__cause__, ClientError) and _missing(error.__cause__):
                return False
            raise
        return True

    def delete(self, digest: str) -> None:
        with _reaching_the_store():
            self.client.delete_object(Bucket=self.bucket, Key=self._key(digest))


# Parts of 8 MB, two at a time: an upload of any size holds at most 16 MB in memory.
_PARTS = TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=2)


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


@contextmanager
def _reaching_the_store():
    """Whatever keeps a request from the object store (a refused connection, a timeout, an error answer) is one
    thing to the caller: the store is unavailable now."""
    try:
        yield
    except (BotoCoreError, ClientError, S3UploadFailedError) as error:
        raise Unavailable(str(error)) from error


def _object_store(url: str) -> ObjectFiles:
    import boto3
    from botocore.config import Config

    parts = urlsplit(url)
    prefix = parts.path.lstrip("/")
    client = boto3.client(
        "s3",
        endpoint_url=current_app.config.get("S3_ENDPOINT_URL") or None,
        config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}),
    )
    return ObjectFiles(parts.netloc, prefix.rstrip("/") + "/" if prefix else "", client)


def store():
    """The application's file store, made once per application from its configuration."""
    app = current_app._get_current_object()
    if _STORE not in app.extensions:
        url = app.config.get("FILES_URL")
        if url and urlsplit(url).scheme == "s3":
            app.extensions[_STORE] = _object_store(url)
        else:
            app.extensions[_STORE] = LocalFiles(Path(app.config["FILES_DIR"]))
    return app.extensions[_STORE]


def is_local() -> bool:
    return isinstance(store(), LocalFiles)


def put_stream(stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
    """Store a stream; return (sha256 hex digest, size). Raise TooLarge past max_bytes and Unavailable when the
    store cannot be reached, leaving nothing behind either way."""
    files = store()
    digest = hashlib.sha256()
    size = 0
    out, temp_name = files.spool()
    try:
        with out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge()
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        files.keep(temp_name, digest.hexdigest())
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def put_bytes(data: bytes) -> str:
    return put_stream(io.BytesIO(data))[0]


def open_file(digest: str) -> BinaryIO:
    """The stored bytes as a readable stream (the caller closes it; Flask's send_file does)."""
    return store().open(_check_digest(digest))


def open_range(digest: str, first: int, last: int) -> BinaryIO:
    """Bytes first..last (inclusive) of a stored file as a readable stream, read from the store only as far as
    they go (a ranged GET on object storage; a seek in a local file)."""
    files = store()
    if isinstance(files, ObjectFiles):
        return files.open_range(_check_digest(digest), first, last)
    stream = files.open(_check_digest(digest))
    stream.seek(first)
    return _Limited(stream, last - first + 1)


class _Limited(io.RawIOBase):
    """At most `left` bytes of a stream (a local file's range)."""

    def __init__(self, stream: BinaryIO, left: int):
        self.stream, self.left = stream, left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer)[: self.left]
        read = self.stream.readinto(view) if view.nbytes else 0
        self.left -= read
        return read

    def close(self) -> None:
        self.stream.close()
        super().close()


def local_path(digest: str) -> Path | None:
    """Where the bytes lie when the store is a local folder (a response can then answer range requests from the
    file), or None on object storage."""
    files = store()
    return files.path(_check_digest(digest)) if isinstance(files, LocalFiles) else None


def read_bytes(digest: str) -> bytes:
    with open_file(digest) as stream:
        return stream.read()


def exists(digest: str) -> bool:
    return store().exists(_check_digest(digest))


def delete(digest: str) -> None:
    """Remove the bytes; callers check first that no record still points at them."""
    store().delete(_check_digest(digest))


_PENDING = "isok_storage_delete_after_commit"


def delete_after_commit(session, digests) -> None:
    """Delete these bytes once the transaction that dropped their records commits, and not if it rolls back (the
    records would then point at nothing); callers check first that no other record points at them."""
    session.info.setdefault(_PENDING, set()).update(digests)


@event.listens_for(Session, "after_commit")
def _delete_pending(session) -> None:
    for digest in session.info.pop(_PENDING, ()):
        delete(digest)


@event.listens_for(Session, "after_rollback")
def _keep_pending(session) -> None:
    session.info.pop(_PENDING, None)
