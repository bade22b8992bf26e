"""Panels other packages add to the case page, so `cases` shows their work without importing them."""

from collections.abc import Callable

from isok.dashboard import Panel

CasePanelProvider = Callable[[object, object], Panel | None]
_providers: list[CasePanelProvider] = []


def register_case_panel(provider: CasePanelProvider) -> CasePanelProvider:
    """Register `provider(user, case) -> Panel | None`; the case page shows the panels in their order."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def case_panels(user, case) -> list[Panel]:
    panels = [panel for provider in _providers if (panel := provider(user, case)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
