"""ESF participation records are the project's: whoever may open the records behind the figures sees all of them."""

from sqlalchemy import Select, false, select, true

from isok.permissions import VIEW_REPORT_RECORDS, can
from isok.reports.models import Participation


def visible_participations(user) -> Select:
    """The participation records (and through them the people) the user may list behind a report figure."""
    return select(Participation).where(true() if can(user, VIEW_REPORT_RECORDS) else false())
