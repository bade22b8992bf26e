"""Network records belong to the project as a whole: whoever may view the project's figures sees all of them."""

from sqlalchemy import Select, false, select, true

from isok.permissions import VIEW_REPORTS, can


def visible_network(user, model) -> Select:
    """The records of one network model (partnerships, trainings and their participants, events, meetings,
    narratives, targets) the user may open."""
    return select(model).where(true() if can(user, VIEW_REPORTS) else false())
