"""The start page: each feature contributes panels for the roles it serves, so the shell imports no feature."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("dashboard", __name__)


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


PanelProvider = Callable[[object], Panel | None]
_providers: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> PanelProvider:
    """Register a function that returns a Panel for the user, or None when it has nothing for them."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


@dataclass
class NavItem:
    label: str
    url: str


NavProvider = Callable[[object], list[NavItem]]
_nav_providers: list[NavProvider] = []


def register_nav(provider: NavProvider) -> NavProvider:
    """Register a function that returns the main-menu entries a feature offers the user."""
    if provider not in _nav_providers:
        _nav_providers.append(provider)
    return provider


def init_app(app) -> None:
    @app.context_processor
    def _navigation():
        if not getattr(current_user, "is_authenticated", False):
            return {"nav_items": []}
        return {"nav_items": [item for provider in _nav_providers for item in provider(current_user)]}


@bp.get("/")
@login_required
def home():
    panels = [panel for provider in _providers if (panel := provider(current_user)) is not None]
    panels.sort(key=lambda panel: panel.order)
    return render_template("dashboard.html", panels=panels)
