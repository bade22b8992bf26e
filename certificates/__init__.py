"""Certificate issue, PDF rendering, sealing, verification and revocation."""

from flask import Blueprint, Flask

from isok import hooks

bp = Blueprint("certificates", __name__, template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything certificates plug into the application."""
    from certificates import cli, demo, views  # noqa: F401  (the routes and the command of bp)

    app.register_blueprint(bp)  # routes: views.py; command: cli.py (make-seal)
    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.client_panel)
    hooks.nav(app, views.nav)
    hooks.demo(app, demo.load_demo_certificates)
