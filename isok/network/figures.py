"""What other features count for the project: the network shows the figures, the features keep the records.

The trainings of the counsellor and teacher programme are courses of the catalogue, which builds on the network
(its members get the member price), so the network cannot import it: the catalogue declares, in its `init_app`, a
counter of its target indicators and a section of the network's overview page. The registries live per application.
"""

from collections.abc import Callable
from datetime import date

from flask import Flask, current_app

Counter = Callable[[date | None, date | None], dict[str, int]]  # (since, until) -> {target indicator: value}
Section = Callable[[object], object]  # user -> dashboard.Panel | None, shown on the overview page

_KEY = "isok.network.figures"


def _registry(app: Flask) -> dict[str, list]:
    return app.extensions.setdefault(_KEY, {"counters": [], "sections": []})


def count_indicators(app: Flask, counter: Counter) -> None:
    _registry(app)["counters"].append(counter)


def overview_section(app: Flask, section: Section) -> None:
    _registry(app)["sections"].append(section)


def counted(since: date | None, until: date | None) -> dict[str, int]:
    values: dict[str, int] = {}
    for counter in _registry(current_app)["counters"]:
        values.update(counter(since, until))
    return values


def sections(user) -> list:
    return [panel for section in _registry(current_app)["sections"] if (panel := section(user)) is not None]
