"""The job queue: huey, on SQLite in the instance folder by default and on Redis when a queue URL is set.

Features declare their jobs in their `init_app` (`queue.task(app, fn, ...)`, `queue.periodic(app, schedule, fn)`) and
ask for them by name (`queue.enqueue("name", ...)`); each job runs in its own application context, with its own
database session, in a consumer process (`flask jobs-consumer`) next to the web server or on other hosts. A job asked
for inside a transaction is handed to the queue only when that transaction commits, so a consumer never looks for a
row that is not there yet, and a rolled-back change asks for nothing.
"""

import logging
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event

from isok.extensions import db

log = logging.getLogger(__name__)
_EXTENSION = "isok.jobs"
_PENDING = "isok_jobs_pending"

__all__ = ["at_consumer_start", "crontab", "enqueue", "huey_of", "periodic", "task"]


class Jobs:
    def __init__(self, huey):
        self.huey = huey
        self.tasks: dict[str, Callable] = {}
        self.at_start: list[str] = []  # jobs asked for whenever a consumer starts (resuming what a kill cut off)
        self.on_give_up: dict[str, Callable] = {}  # what a job leaves behind once its last retry failed


def build(app: Flask):
    """The application's huey: immediate (in memory, run at once) in tests, Redis when a queue URL is set, else a
    SQLite file in the instance folder."""
    url = app.config.get("QUEUE_URL")
    name = app.config.get("QUEUE_NAME", "isok")
    if app.config.get("JOBS_IMMEDIATE", app.testing):
        return MemoryHuey(name, immediate=True, results=False)
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    path = Path(url.removeprefix("sqlite:///")) if url else Path(app.instance_path) / "jobs.sqlite"
    return SqliteHuey(name, filename=str(path), results=False, fsync=True)


def init_app(app: Flask) -> None:
    jobs = app.extensions[_EXTENSION] = Jobs(build(app))
    jobs.huey.post_execute(name="record_failure")(lambda task_obj, value, exc: record_failure(app, task_obj, exc))
    _listen_to_commits()


def of(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions[_EXTENSION]


def huey_of(app: Flask | None = None):
    return of(app).huey


def _in_app(app: Flask, fn: Callable) -> Callable:
    @wraps(fn)
    def run(*args, **kwargs):
        with app.app_context():
            try:
                return fn(*args, **kwargs)
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return run


def task(
    app: Flask,
    fn: Callable,
    *,
    retries: int = 5,
    retry_delay: int = 30,
    retry_backoff: float = 2.0,
    name: str | None = None,
    on_give_up: Callable | None = None,
) -> None:
    """Declare `fn(*args)` a job, retried `retries` times after a failure, first after `retry_delay` seconds and
    each time `retry_backoff` times longer (30 s, 1 min, 2 min, 4 min, 8 min by default). When the last retry fails
    too, `on_give_up(*args, error=...)` runs in a transaction of its own, so the job's records say it stopped."""
    name = name or fn.__name__
    jobs = of(app)
    if on_give_up is not None:
        jobs.on_give_up[name] = on_give_up
    jobs.tasks[name] = jobs.huey.task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, name=name)(
        _in_app(app, fn)
    )


def periodic(app: Flask, schedule, fn: Callable, *, name: str | None = None) -> None:
    """Declare `fn()` a job the consumer runs on a schedule (a huey `crontab`, in UTC)."""
    jobs = of(app)
    jobs.tasks[name or fn.__name__] = jobs.huey.periodic_task(schedule, name=name or fn.__name__)(_in_app(app, fn))


def at_consumer_start(app: Flask, name: str) -> None:
    """Ask for the job `name()` whenever a consumer starts: the queue hands a job to one consumer and forgets it,
    so work cut off by a killed consumer is found again from the database."""
    of(app).at_start.append(name)


def enqueue(name: str, *args) -> None:
    """Ask for a job: at the commit of the current transaction when one is open, at once otherwise."""
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(_PENDING, []).append((name, args))
    else:
        of().tasks[name](*args)


def record_failure(app: Flask, task_obj, exception) -> None:
    """Keep a failed run for the administrators' page of failed jobs (post-execute hook of the consumer)."""
    from isok.jobs.models import FailedJob

    if exception is None:
        return
    error = f"{type(exception).__name__}: {exception}"[:1000]
    with app.app_context():
        try:
            db.session.add(
                FailedJob(
                    task=task_obj.name,
                    task_id=task_obj.id,
                    arguments=repr(task_obj.args)[:1000],
                    error=error,
                    details="".join(traceback.format_exception(exception))[-8000:],
                    retries_left=task_obj.retries,
                )
            )
            db.session.commit()
            give_up = of(app).on_give_up.get(task_obj.name)
            if give_up is not None and not task_obj.retries:
                give_up(*task_obj.args, error=error)
                db.session.commit()
        except Exception:
            log.exception("could not record the failure of job %s", task_obj.id)
            db.session.rollback()
        finally:
            db.session.remove()


def _listen_to_commits() -> None:
    """Hand the jobs asked for in a transaction to the queue when it commits; drop them when it rolls back. (The
    session listeners are process-wide: they find the queue of the session's application.)"""
    for name, listener in (("after_commit", _after_commit), ("after_soft_rollback", _after_rollback)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def _after_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction around it may still roll back
        return
    for name, args in session.info.pop(_PENDING, None) or ():
        of().tasks[name](*args)


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it will be committed
        session.info.pop(_PENDING, None)
