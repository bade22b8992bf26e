"""The network's shared course catalogue: organisations publish their own courses, anyone finds them, people enrol
with a payment commitment under the network's rules, and the reports come out by themselves."""

from flask import Blueprint, Flask

bp = Blueprint("catalogue", __name__, url_prefix="/courses", template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything the catalogue plugs into the application."""
    from isok import hooks
    from isok.catalogue import access, cli, demo_data, notices, queries, services, views  # noqa: F401  (cli: its command)
    from isok.i18n import language_name
    from isok.network import figures

    app.register_blueprint(bp)  # routes: views.py; command: cli.py (billing-statement)
    access.init_app(app)  # its capabilities and the rules templates ask
    notices.init_app(app)  # enrolments confirmed, moved up, dates changed, cancelled: to the people enrolled
    app.jinja_env.filters["euros"] = views.euros
    app.jinja_env.globals["course_card"] = views.course_card
    app.jinja_env.globals["language_name"] = language_name
    hooks.dashboard_panel(app, views.panel)
    hooks.nav(app, views.nav)
    hooks.gap_plan_panel(app, views.gap_courses_panel)  # the courses that close a client's gap
    hooks.demo(app, demo_data.load)  # after the network's partners and the frameworks: members and units
    hooks.export_data(app, services.client_enrolments_data)  # enrolments of a client, by a counsellor
    hooks.erasure(app, services.erase_client_enrolments)
    figures.count_indicators(app, queries.programme_indicators)  # training participants for the project's targets
    figures.overview_section(app, views.network_section)
