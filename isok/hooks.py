"""The plug-in points: what a feature adds to the shared pages and jobs, declared in its `init_app`.

The registries live per application (`app.extensions["isok"]`), not in module globals, so what an application shows
and does depends only on the features `create_app` lists, never on which modules happen to have been imported.
The order of registration is the order of `isok.app.FEATURES` (demo data build on the features before them).

- dashboard panels: `provider(user) -> Panel | None`, shown on the start page by their `order`;
- main-menu entries: `provider(user) -> [NavItem]`;
- case panels: `provider(user, case) -> Panel | None`, shown on the case page by their `order`, so `cases` shows
  other features' work without importing them;
- organisation panels: `provider(user, organisation) -> Panel | None`, shown on an organisation's administration
  page (its certificate seal, for one), so accounts shows them without importing the features;
- gap plan panels: `provider(user, assessment) -> Panel | None`, shown on an assessment's gap plan (the courses that
  teach what is still to be acquired, for one), so assessment shows them without importing the features;
- step panels: `provider(user, step, case, units) -> Panel | None`, shown on the pages of a validation step
  (`step` is "interview", "placement", "self_assessment" or "portfolio"; `units` the qualification units the step
  is about, None for the case's whole target qualification), so the steps show the material bank's guides,
  glossaries and criteria templates without importing it;
- demo loaders: `loader(admin)`, idempotent, run by `flask demo` in registration order;
- export data: `fn(client) -> [ExportPart]`, each written as `<name>.json` in a client's data export and shown in
  its readable summary;
- export files: `fn(client) -> [(filename, bytes)]`, written under `files/` in the export;
- audiences: `fn(case) -> [Audience]`, who sees what of the client's case right now, on the client's own page;
- erasure hooks: `fn(actor, client)` wipes the feature's personal data of a client (texts, files, the trail's
  copies of them) inside the erasing transaction; it audits and flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from isok.dashboard import NavItem, Panel

PanelProvider = Callable[[object], "Panel | None"]
NavProvider = Callable[[object], "list[NavItem]"]
CasePanelProvider = Callable[[object, object], "Panel | None"]
OrganisationPanelProvider = Callable[[object, object], "Panel | None"]
GapPlanPanelProvider = Callable[[object, object], "Panel | None"]
StepPanelProvider = Callable[[object, str, object, object], "Panel | None"]
DemoLoader = Callable[[object], None]
ExportData = Callable[[object], Iterable["ExportPart"]]
ExportFiles = Callable[[object], Iterable[tuple[str, bytes]]]
ErasureHook = Callable[[object, object], None]
DecisionChangeHook = Callable[[object, object, str], None]
AudienceProvider = Callable[[object], Iterable["Audience"]]


@dataclass(frozen=True)
class ExportPart:
    """One part of a client's data export.

    `data` is written as `<name>.json`; `summary` is the template that shows it in the export's readable summary,
    rendered in the client's language with `part` (its `context` carries what the template reads: the records
    themselves, whose enumerations and texts know how to show in a language); `tables` names the tables whose rows
    `data` holds (each row as a dict with its `id` and its columns by name), so a test can check that the export
    leaves no table holding the client's data out.
    """

    name: str
    data: object
    summary: str
    context: dict = field(default_factory=dict)
    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audience:
    """One line of "who sees what of yours" on a client's own page, in the client's language."""

    who: str
    sees: str


@dataclass
class Hooks:
    dashboard_panels: list[PanelProvider] = field(default_factory=list)
    nav: list[NavProvider] = field(default_factory=list)
    case_panels: list[CasePanelProvider] = field(default_factory=list)
    organisation_panels: list[OrganisationPanelProvider] = field(default_factory=list)
    gap_plan_panels: list[GapPlanPanelProvider] = field(default_factory=list)
    step_panels: list[StepPanelProvider] = field(default_factory=list)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    export_data: list[ExportData] = field(default_factory=list)
    export_files: list[ExportFiles] = field(default_factory=list)
    erasure: list[ErasureHook] = field(default_factory=list)
    decision_changes: list[DecisionChangeHook] = field(default_factory=list)
    audiences: list[AudienceProvider] = field(default_factory=list)


def init_app(app: Flask) -> None:
    app.extensions["isok"] = Hooks()
    app.jinja_env.globals["step_panels"] = step_panels  # the steps' pages ask for theirs where they show them


def of(app: Flask | None = None) -> Hooks:
    """The application's registries (the current application's by default)."""
    return (app or current_app).extensions["isok"]


# --- declaring (from a feature's init_app) ------------------------------------------------------------------------


def dashboard_panel(app: Flask, provider: PanelProvider) -> None:
    of(app).dashboard_panels.append(provider)


def nav(app: Flask, provider: NavProvider) -> None:
    of(app).nav.append(provider)


def case_panel(app: Flask, provider: CasePanelProvider) -> None:
    of(app).case_panels.append(provider)


def organisation_panel(app: Flask, provider: OrganisationPanelProvider) -> None:
    of(app).organisation_panels.append(provider)


def gap_plan_panel(app: Flask, provider: GapPlanPanelProvider) -> None:
    of(app).gap_plan_panels.append(provider)


def step_panel(app: Flask, provider: StepPanelProvider) -> None:
    of(app).step_panels.append(provider)


def demo(app: Flask, loader: DemoLoader) -> None:
    of(app).demo_loaders.append(loader)


def export_data(app: Flask, fn: ExportData) -> None:
    of(app).export_data.append(fn)


def export_files(app: Flask, fn: ExportFiles) -> None:
    of(app).export_files.append(fn)


def erasure(app: Flask, fn: ErasureHook) -> None:
    of(app).erasure.append(fn)


def decision_change(app: Flask, fn: DecisionChangeHook) -> None:
    """`fn(actor, case, reason)` runs when a signed-off assessment decision of the case changes (on appeal)."""
    of(app).decision_changes.append(fn)


def audience(app: Flask, fn: AudienceProvider) -> None:
    of(app).audiences.append(fn)


# --- using (inside a request or an application context) ----------------------------------------------------------


def dashboard_panels(user) -> list[Panel]:
    panels = [panel for provider in of().dashboard_panels if (panel := provider(user)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def nav_items(user) -> list[NavItem]:
    return [item for provider in of().nav for item in provider(user)]


def case_panels(user, case) -> list[Panel]:
    panels = [panel for provider in of().case_panels if (panel := provider(user, case)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def organisation_panels(user, organisation) -> list[Panel]:
    panels = [panel for provider in of().organisation_panels if (panel := provider(user, organisation)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def gap_plan_panels(user, assessment) -> list[Panel]:
    panels = [panel for provider in of().gap_plan_panels if (panel := provider(user, assessment)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def step_panels(user, step: str, case, units=None) -> list[Panel]:
    panels = [panel for provider in of().step_panels if (panel := provider(user, step, case, units)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def client_export_data(client) -> list[ExportPart]:
    return [item for fn in of().export_data for item in fn(client)]


def client_export_files(client) -> list[tuple[str, bytes]]:
    return [item for fn in of().export_files for item in fn(client)]


def erase_client_data(actor, client) -> None:
    for hook in of().erasure:
        hook(actor, client)


def decision_changed(actor, case, reason: str) -> None:
    for hook in of().decision_changes:
        hook(actor, case, reason)


def audiences(case) -> list[Audience]:
    return [item for fn in of().audiences for item in fn(case)]
