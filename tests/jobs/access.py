from tests.access import MISSING_ID, NOT_FOUND, Access, expect

ROUTES = [
    Access("jobs.failed", "GET", expect(["admin"])),
    Access("jobs.run_again", "POST", expect(["admin"]), params=lambda w, r: {"failed_id": w.failed_job.id}),
    Access(
        "jobs.run_again",
        "POST",
        expect(["admin"], ok=NOT_FOUND),
        params=lambda w, r: {"failed_id": MISSING_ID},
        variant="missing",
    ),
]


def build_world(world):
    """A job given up on, of a kind no longer declared: running it again is refused with a message (the form is
    shown again), so every role's request finds it as it was."""
    from isok.extensions import db
    from isok.jobs.models import FailedJob

    world.failed_job = FailedJob(
        task="a_job_of_old", task_id="t1", arguments="(1,)", error="RuntimeError: no", details="", retries_left=0
    )
    db.session.add(world.failed_job)
    db.session.flush()
