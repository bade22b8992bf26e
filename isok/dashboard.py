"""The start page: each feature contributes panels for the roles it serves, so the shell imports no feature."""

from dataclasses import dataclass, field

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from isok import hooks

bp = Blueprint("dashboard", __name__)


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass
class NavItem:
    label: str
    url: str


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _navigation():
        # Anonymous visitors get the entries meant for everyone (the public course catalogue): every provider asks
        # the permissions, which answer no for anyone not signed in.
        return {"nav_items": hooks.nav_items(current_user)}


@bp.get("/")
@login_required
def home():
    return render_template("dashboard.html", panels=hooks.dashboard_panels(current_user))
