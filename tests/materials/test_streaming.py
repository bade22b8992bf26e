"""Sound and video seek: range requests answered from the local folder and from object storage alike, the part asked
for read from the store as a range (a ranged GET on S3, not the whole object), and the permission checks first."""

import pytest

from isok import storage
from isok.accounts.models import Role
from tests.conftest import log_in
from tests.materials.conftest import MP3
from tests.portfolio.test_object_storage import object_store, s3_server  # noqa: F401  (the loopback S3 server)


@pytest.fixture(params=["local folder", "object storage"])
def store(request):
    """The material bank's files in either store; on object storage, the Range of every GET the store is asked."""
    if request.param == "local folder":
        return None
    request.getfixturevalue("object_store")
    asked = []
    storage.store().client.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_kw: asked.append(params.get("Range"))
    )
    return asked


def test_a_recording_is_played_and_sought_from_either_store(client, make_material, store):
    material = make_material(files=[("dhawaaq.mp3", MP3)])
    audio = material.current_files[0]
    url = f"/materials/files/{audio.id}"
    with client.get(url) as whole:
        assert whole.status_code == 200 and whole.data == MP3
        assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["Content-Length"] == str(len(MP3))
        assert whole.headers["Content-Disposition"].startswith("inline")
    with client.get(url, headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206 and part.data == MP3[100:200]
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(MP3)}" and part.headers["Content-Length"] == "100"
    with client.get(url, headers={"Range": "bytes=-50"}) as tail:  # the last 50 bytes (a player reading the end)
        assert tail.status_code == 206 and tail.data == MP3[-50:]
        assert tail.headers["Content-Range"] == f"bytes {len(MP3) - 50}-{len(MP3) - 1}/{len(MP3)}"
    with client.get(url, headers={"Range": f"bytes={len(MP3)}-"}) as beyond:
        assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(MP3)}"
    with client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another-version"'}) as changed:
        assert changed.status_code == 200 and changed.data == MP3  # If-Range no longer holds: the whole file
    with client.get(url, headers={"If-None-Match": f'"{audio.sha256}"'}) as unchanged:
        assert unchanged.status_code == 304
    if store is not None:  # the ranges went to the store as ranged GETs; the rest asked for the whole object
        assert store == [None, "bytes=100-199", f"bytes={len(MP3) - 50}-{len(MP3) - 1}", None]


def test_ranges_do_not_open_what_the_reader_may_not_see(app, client, make_material, make_user, store):
    material = make_material(files=[("dhawaaq.mp3", MP3)], licence="members", audiences=["teachers"])
    url = f"/materials/files/{material.current_files[0].id}"
    with client.get(url, headers={"Range": "bytes=0-9"}) as visitor:
        assert visitor.status_code == 404
    log_in(client, make_user(Role.CLIENT))
    with client.get(url, headers={"Range": "bytes=0-9"}) as other_audience:
        assert other_audience.status_code == 404
    member = app.test_client()
    log_in(member, make_user(Role.COUNSELLOR))
    with member.get(url, headers={"Range": "bytes=0-9"}) as part:
        assert part.status_code == 206 and part.data == MP3[:10]
    if store is not None:
        assert store == ["bytes=0-9"]
