"""The network's material bank: validation tools and materials one organisation makes and every member uses,
multilingual, found in a second, at hand in the interview, placement and the client's own pages."""

from flask import Blueprint, Flask

bp = Blueprint("materials", __name__, url_prefix="/materials", template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything the material bank plugs into the application."""
    from isok import hooks
    from isok.materials import access, cli, demo_data, search, views  # noqa: F401  (search: its index's DDL; cli: its command)

    app.register_blueprint(bp)  # routes: views.py
    # Before every other request hook (the CSRF check reads the body): the upload forms may carry a video.
    app.before_request_funcs.setdefault(None, []).insert(0, views.allow_media_uploads)
    access.init_app(app)  # its capabilities and the rules templates ask
    app.jinja_env.globals["content_language"] = views.content_language
    hooks.dashboard_panel(app, views.panel)
    hooks.nav(app, views.nav)
    hooks.step_panel(app, views.step_panel)  # guides, glossaries and criteria at hand in the steps
    hooks.demo(app, demo_data.load)  # after the frameworks and the network's partners: units and organisations
