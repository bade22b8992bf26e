"""ESF participation records are the project's: whoever may open the records behind the figures sees all of them."""

from sqlalchemy import Select, false, select, true

from isok.accounts.models import Role
from isok.fields import FieldSet, roles
from isok.permissions import VIEW_REPORT_RECORDS, can
from isok.reports.models import Participation


def visible_participations(user) -> Select:
    """The participation records (and through them the people) the user may list behind a report figure."""
    return select(Participation).where(true() if can(user, VIEW_REPORT_RECORDS) else false())


# --- need to know: the fields of a participation record (isok.fields) -------------------------------------------

PARTICIPATION_FIELDS = FieldSet(
    "participation",
    "participation",
    {
        (
            "entry_date",
            "case_count",
            "client_type",
            "gender",
            "age_at_entry",
            "labour_status",
            "long_term_unemployed",
            "in_education_or_training",
            "self_employed",
            "isced_level",
            "third_country_national",
            "foreign_background",
            "minority",
            "disability",
            "homeless",
            "rural",
            "exit_date",
            "exit_labour_status",
            "exit_in_education",
            "exit_qualification",
            "qualification_certified",
            "follow_up_due",
            "follow_up_on",
            "follow_up_labour_status",
            "follow_up_in_education",
        ): roles(Role.ADMIN, Role.PROJECT_MANAGER, Role.CLIENT),
    },
    internal=(
        "id",
        "client_id",
        "entry_frozen_at",
        "entry_frozen_in",
        "client_version",
        "case_versions",
        "last_case_id",
    ),
)

FIELD_SETS = (PARTICIPATION_FIELDS,)
