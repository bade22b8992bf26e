"""`flask jobs-consumer`: the process that runs the jobs (beside `flask serve`, or as many as needed on other hosts)."""

import logging

import click
from flask import current_app

from isok.jobs import bp, queue


@bp.cli.command("jobs-consumer")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time (threads).")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run the scheduled jobs (give them to one consumer of a deployment only).",
)
def consumer_command(workers, periodic):
    """Run queued and scheduled jobs until stopped (Ctrl-C or SIGINT finishes the running jobs first)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jobs = queue.of()
    for name in jobs.at_start:
        queue.enqueue(name)
    click.echo(
        f"Consumer of {type(jobs.huey).__name__} {jobs.huey.name!r}, {workers} workers"
        f"{', scheduled jobs' if periodic else ''}."
    )
    jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True).run()
    current_app.logger.info("consumer stopped")
