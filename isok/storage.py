"""Evidence and document files: stored once under their SHA-256, outside static/, written atomically.

Callers decide what a file is and whether it is allowed (by content, not by name); this module only keeps bytes.
Streams are copied in chunks, so a large upload never sits whole in memory.
"""

import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

CHUNK = 1024 * 1024


class TooLarge(ValueError):
    pass


def _root() -> Path:
    root = Path(current_app.config["FILES_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(digest: str) -> Path:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return _root() / digest[:2] / digest


def put_stream(stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
    """Store a stream; return (sha256 hex digest, size). Raise TooLarge past max_bytes, leaving nothing behind."""
    root = _root()
    digest = hashlib.sha256()
    size = 0
    handle, temp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge()
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        final = path_of(digest.hexdigest())
        final.parent.mkdir(exist_ok=True)
        os.replace(temp_name, final)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def put_bytes(data: bytes) -> str:
    return put_stream(io.BytesIO(data))[0]


def open_file(digest: str) -> BinaryIO:
    return path_of(digest).open("rb")


def read_bytes(digest: str) -> bytes:
    return path_of(digest).read_bytes()


def exists(digest: str) -> bool:
    return path_of(digest).exists()


def delete(digest: str) -> None:
    """Remove the bytes; callers check first that no record still points at them."""
    path_of(digest).unlink(missing_ok=True)


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
