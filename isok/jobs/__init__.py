"""Work that outlives a request: the job queue (huey), its consumer command and the administrators' page of the
jobs that failed. Features declare their jobs through `isok.jobs.queue`."""

from flask import Blueprint, Flask

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs", template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    from isok import hooks
    from isok.jobs import access, cli, queue, views  # noqa: F401  (cli: its commands on bp)

    queue.init_app(app)
    access.init_app(app)
    app.register_blueprint(bp)  # routes: views.py; commands: cli.py (jobs-consumer)
    hooks.nav(app, views.nav)
