"""What an administrator does about a failed job: run it again once its retries are spent (and the cause fixed)."""

import ast

from isok import audit
from isok.database import utcnow
from isok.jobs import queue
from isok.jobs.models import FailedJob
from isok.rules import RuleBroken
from isok.translation import gettext as _


class JobError(RuleBroken):
    pass


def run_again(actor, failure: FailedJob) -> None:
    """Queue the given-up run again with its own arguments (at the commit); it is marked so it is queued once."""
    if failure.retries_left:
        raise JobError(_("This job is still tried again by itself."))
    if failure.run_again_at is not None:
        raise JobError(_("This job was already run again."))
    if failure.task not in queue.of().tasks:
        raise JobError(_("This kind of job no longer exists."))
    try:
        arguments = ast.literal_eval(failure.arguments)  # the repr of a tuple of plain values
    except (ValueError, SyntaxError) as error:
        raise JobError(_("The job's arguments were too long to keep: it cannot be run again from here.")) from error
    failure.run_again_at = utcnow()
    audit.record(actor, "run_job_again", failure, changes={"task": failure.task, "arguments": failure.arguments})
    queue.enqueue(failure.task, *arguments)
