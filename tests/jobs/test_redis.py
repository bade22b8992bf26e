"""The scaled deployment's queue: the same jobs on Redis (ISOK_QUEUE_URL=redis://…), here a real server on
loopback (ISOK_TEST_REDIS_URL, default redis://127.0.0.1:6379/15)."""

import os
import uuid

from huey import RedisHuey

from isok.extensions import db
from isok.jobs import queue
from tests.conftest import make_test_app

REDIS_URL = os.environ.get("ISOK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
done = []


def _note(value):
    done.append(value)


def test_a_job_goes_through_redis_to_a_consumer(tmp_path_factory, app):
    redis_app = make_test_app(
        tmp_path_factory,
        JOBS_IMMEDIATE=False,
        QUEUE_URL=REDIS_URL,
        QUEUE_NAME=f"isok-test-{uuid.uuid4().hex}",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    huey = queue.huey_of(redis_app)
    assert isinstance(huey, RedisHuey)
    queue.task(redis_app, _note, name="note")
    try:
        with redis_app.app_context():
            queue.enqueue("note", "through redis")
            db.session.remove()
        assert done == [] and huey.pending_count() == 1  # waiting for a consumer
        huey.execute(huey.dequeue())  # what a consumer's worker does
        assert done == ["through redis"]
    finally:
        huey.storage.flush_all()
