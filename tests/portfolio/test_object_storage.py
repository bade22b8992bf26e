"""Evidence files on S3-compatible object storage: a real S3 server on loopback (moto's standalone server), the
same upload and download pages as with the local folder, and a store that is down refusing with a clear message."""

import io
import socket
import subprocess
import sys
import time
import tracemalloc
import zipfile

import boto3
import pytest
from sqlalchemy import select

from isok import storage
from isok.extensions import db
from isok.translation import force_locale
from portfolio.models import EvidenceFile
from tests.portfolio.conftest import jpeg_bytes, pdf_bytes

BUCKET = "isok-evidence"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server in a process of its own, as a real store would be (its memory is not ours)."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the S3 server did not start") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def object_store(app, s3_server, monkeypatch):
    """The app's files on the loopback S3 server, in a fresh bucket under a prefix; answers the bucket's client."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "isok-test",
        "AWS_SECRET_ACCESS_KEY": "isok-test-secret",
        "AWS_DEFAULT_REGION": "eu-north-1",
    }.items():
        monkeypatch.setenv(name, value)
    bucket = boto3.client("s3", endpoint_url=s3_server)
    bucket.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    _use(app, monkeypatch, f"s3://{BUCKET}/evidence", s3_server)
    yield bucket
    for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        bucket.delete_object(Bucket=BUCKET, Key=item["Key"])
    bucket.delete_bucket(Bucket=BUCKET)


def _use(app, monkeypatch, url, endpoint):
    monkeypatch.setitem(app.config, "FILES_URL", url)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", endpoint)
    monkeypatch.delitem(app.extensions, "isok.file_store", raising=False)


def _keys(bucket) -> list[str]:
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_files_go_to_the_bucket_under_their_digest_and_come_back(object_store):
    digest, size = storage.put_stream(io.BytesIO(b"a work certificate"))
    assert size == 18
    assert _keys(object_store) == [f"evidence/{digest[:2]}/{digest}"]
    assert storage.exists(digest) and storage.read_bytes(digest) == b"a work certificate"
    assert storage.put_bytes(b"a work certificate") == digest  # stored once
    storage.delete(digest)
    assert not storage.exists(digest) and _keys(object_store) == []


def test_a_large_upload_streams_through_without_sitting_in_memory(object_store):
    size = 40 * 1024 * 1024
    tracemalloc.start()
    try:
        digest, stored = storage.put_stream(_Zeros(size))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored == size and storage.exists(digest)
    assert peak < size / 2  # parts of it at a time, never the whole file


def test_a_file_over_the_limit_leaves_nothing_in_the_bucket(object_store):
    with pytest.raises(storage.TooLarge):
        storage.put_stream(_Zeros(3 * storage.CHUNK), max_bytes=2 * storage.CHUNK)
    assert _keys(object_store) == []


def test_the_portfolio_pages_upload_and_download_through_the_bucket(object_store, client, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(counsellor, case)
    login(client_user)
    response = client.post(
        f"/portfolio/entries/{entry.id}/files",
        data={"files": [(io.BytesIO(jpeg_bytes()), "kitchen.jpg"), (io.BytesIO(pdf_bytes()), "letter.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo, letter = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert _keys(object_store) == sorted(f"evidence/{f.digest[:2]}/{f.digest}" for f in (photo, letter))

    download = client.get(f"/portfolio/files/{letter.id}")
    assert download.status_code == 200 and download.data == pdf_bytes()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    download.close()
    archive = client.get(f"/cases/{case.id}/portfolio/evidence.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as unpacked:
        assert pdf_bytes() in [unpacked.read(name) for name in unpacked.namelist()]
    archive.close()


def test_a_store_that_is_down_refuses_the_upload_clearly_and_saves_nothing(
    app, client, login, make_case, make_entry, monkeypatch
):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "isok-test",
        "AWS_SECRET_ACCESS_KEY": "isok-test-secret",
        "AWS_DEFAULT_REGION": "eu-north-1",
    }.items():
        monkeypatch.setenv(name, value)
    _use(app, monkeypatch, f"s3://{BUCKET}/evidence", f"http://127.0.0.1:{_free_port()}")  # nothing listens
    case, client_user, counsellor = make_case()
    entry = make_entry(counsellor, case)
    login(client_user)
    response = client.post(
        f"/portfolio/entries/{entry.id}/files",
        data={"files": [(io.BytesIO(pdf_bytes()), "letter.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    with force_locale("ar"):  # the client reads Arabic
        assert str(storage.UNAVAILABLE) in response.get_data(as_text=True)
    assert db.session.scalar(select(EvidenceFile)) is None


class _Zeros(io.RawIOBase):
    """A stream of `size` zero bytes that exists only as it is read."""

    def __init__(self, size: int):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n
