"""Users, roles and organisations; login, logout and passwords; user administration."""

from flask import Blueprint, Flask

from isok import hooks
from isok.extensions import login_manager

bp = Blueprint("accounts", __name__, template_folder="templates")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def init_app(app: Flask) -> None:
    """Everything accounts plugs into the application."""
    from isok.accounts import admin_views, data_rights, sessions, views  # noqa: F401  (the routes of bp and admin_bp)

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    login_manager.user_loader(sessions.load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    hooks.export_data(app, data_rights.account_part)
    hooks.erasure(app, data_rights.erase_login)
