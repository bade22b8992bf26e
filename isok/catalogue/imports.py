"""Spreadsheet import of the participants of courses the user keeps (e.g. a training held before the catalogue).

The columns are documented for users in README.md ("Course catalogue"); keep the two in step. They are the columns
of the network's former training participant import, so existing files still load.
"""

from datetime import date

from cases.models import Gender
from isok.catalogue import services
from isok.catalogue.models import Completion, Course, CourseStatus, TraineeRole
from isok.extensions import db
from isok.imports import CellError, Column, parse_choice, parse_date
from isok.network.services import find_organisation
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l


def _organisation(text: str):
    organisation = find_organisation(text)
    if organisation is None:
        raise CellError(_("No organisation with this name or business ID. Register it as a partner first."))
    return organisation


COLUMNS = [
    Column("training", required=True, help=_l("Title of a course you keep, in any of its languages")),
    Column("training_start", parse_date, help=_l("First day of the course, when several share the title")),
    Column("name", required=True, help=_l("Participant's full name")),
    Column("organisation", _organisation, required=True, help=_l("Organisation name or business ID")),
    Column(
        "role",
        parse_choice({r.value: r for r in TraineeRole}),
        help=_l("counsellor, teacher or other; needed for programme trainings"),
    ),
    Column(
        "gender",
        parse_choice({g.value: g for g in Gender}),
        help=_l("female, male, other or not_stated; needed for programme trainings"),
    ),
    Column("completed_on", parse_date, help=_l("Date of completion; empty if not completed")),
]
FIELDS = {"organisation_id": "organisation", "name": "name"}
TITLE = _l("Import course participants")


def _find_course(courses: list[Course], title: str, starts_on: date | None) -> Course:
    wanted = " ".join(title.split()).casefold()
    found = [
        course
        for course in courses
        if any(" ".join(text.split()).casefold() == wanted for text in course.title.values())
        and (starts_on is None or course.starts_on == starts_on)
    ]
    if not found:
        raise services.CatalogueError(_("None of your courses has this title (and first day)."), "training")
    if len(found) > 1:
        raise services.CatalogueError(
            _("Several of your courses have this title: give the training_start too."), "training_start"
        )
    return found[0]


def make_apply(actor, courses_query):
    """The row function of the import, for the courses the actor keeps (`courses_query`, a scoped select)."""
    courses = list(db.session.scalars(courses_query.where(Course.status != CourseStatus.CANCELLED)))

    def apply(values: dict) -> str:
        try:
            course = _find_course(courses, values["training"], values["training_start"])
            services.record_participant(
                actor,
                course,
                services.Person(
                    name=values["name"],
                    organisation=values["organisation"],
                    role=values["role"],
                    gender=values["gender"],
                ),
                completion=Completion.COMPLETED if values["completed_on"] else None,
                completed_on=values["completed_on"],
            )
        except services.CatalogueError as error:
            raise services.CatalogueError(str(error), FIELDS.get(error.field, error.field)) from error
        return f"{values['name']} · {values['organisation'].name} · {course}"

    return apply
