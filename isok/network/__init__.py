"""The partner network: partner organisations, the trainer training programme, dissemination events, targets."""

from flask import Blueprint, Flask

from isok import hooks

bp = Blueprint("network", __name__, url_prefix="/network", template_folder="templates")


def init_app(app: Flask) -> None:
    """Everything the network plugs into the application."""
    from isok.network import demo_data, views

    app.register_blueprint(bp)  # routes: views.py
    hooks.dashboard_panel(app, views.progress_panel)
    hooks.nav(app, views.nav)
    hooks.demo(app, demo_data.load)
