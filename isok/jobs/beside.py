"""A consumer as a child process of `flask serve`, so `make run` is still one command."""

import contextlib
import os
import signal
import subprocess
import sys

import click
from flask.cli import ScriptInfo

STOP_SECONDS = 30  # a running job gets this long to finish after Ctrl-C


@contextlib.contextmanager
def consumer_process(workers: int = 2):
    """Run `flask jobs-consumer` beside the caller; on leaving, stop it as Ctrl-C would and wait for it.

    The child runs in its own session, so the terminal's Ctrl-C reaches only the server, which then stops the
    consumer once (a second SIGINT would tell huey to abandon its running jobs). A SIGTERM to the server (a service
    manager stopping it) stops the consumer the same way."""
    info = click.get_current_context().find_object(ScriptInfo)
    app_path = (info.app_import_path if info else None) or os.environ.get("FLASK_APP") or "isok"
    child = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            app_path,
            "jobs-consumer",
            "--workers",
            str(workers),
        ],
        start_new_session=True,
    )
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield child
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _exit(_signum, _frame):
    raise SystemExit(0)
