"""Panels features add to an organisation's administration page (its certificate seal, for one), so accounts shows
them without importing the features."""

from collections.abc import Callable

from isok.dashboard import Panel

OrganisationPanelProvider = Callable[[object, object], Panel | None]
_providers: list[OrganisationPanelProvider] = []


def register_organisation_panel(provider: OrganisationPanelProvider) -> OrganisationPanelProvider:
    """Register `provider(user, organisation) -> Panel | None`; the organisation's page shows them in order."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def organisation_panels(user, organisation) -> list[Panel]:
    panels = [panel for provider in _providers if (panel := provider(user, organisation)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
