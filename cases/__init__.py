"""Clients, cases and the validation journey."""

from flask import Blueprint, Flask

from isok import fields, hooks, permissions

bp = Blueprint("cases", __name__, template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything cases plugs into the application."""
    from cases import access, cli, counts, demo, notices, retention, views  # noqa: F401  (cli: the commands of bp)

    app.register_blueprint(bp)  # routes: views.py; commands: cli.py (import-cases, erase-expired-clients)
    hooks.dashboard_panel(app, views.staff_panel)
    hooks.dashboard_panel(app, views.client_panel)
    hooks.nav(app, views.nav)
    hooks.audience(app, views.audience)
    hooks.demo(app, demo.load)
    counts.init_app(app)  # the counts by stage and of clients who started validation, kept in step
    retention.init_app(app)  # the nightly erasure job
    notices.init_app(app)  # follow-ups due this week, to the counsellor (daily)
    permissions.case_rule(app, access.reasons_to_open)
    fields.declare(app, *access.FIELD_SETS)
    app.add_template_global(access.guidance_kind)
    for rule in (
        access.can_manage_case,
        access.can_view_guidance_notes,
        access.can_manage_client,
        access.can_give_login,
    ):
        app.add_template_global(rule)
