"""The programme's trainings and their participants move into the catalogue without changing the ESF figures."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from isok.catalogue import queries
from isok.catalogue.models import Course, Enrolment, EnrolmentStatus
from isok.extensions import db
from tests.conftest import make_test_app

BEFORE = "399956519f05"  # the revision before the catalogue


def _insert(connection, table_name: str, /, **values):
    table = sa.table(table_name, sa.column("id"), *(sa.column(column) for column in values))
    return connection.execute(table.insert().values(**values).returning(table.c.id)).scalar()


def test_trainings_become_programme_courses_and_keep_their_figures(tmp_path_factory):
    database = tmp_path_factory.mktemp("migrations") / "trainings.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade(revision=BEFORE)
        now = datetime(2025, 3, 1, tzinfo=UTC).replace(tzinfo=None)
        with db.engine.begin() as connection:
            savonia = _insert(connection, "organisation", name="Savonia", type="education_provider", created_at=now)
            centre = _insert(connection, "organisation", name="Guidance Centre", type="public_body", created_at=now)
            _insert(
                connection,
                "partnership",
                organisation_id=centre,
                first_cooperation_on=date(2025, 1, 1),
                created_at=now,
                version=1,
            )
            spring = _insert(
                connection,
                "training",
                title="Validation basics",
                organisation_id=savonia,
                starts_on=date(2025, 3, 10),
                ends_on=date(2025, 3, 12),
                place="Kuopio",
                description="Three days",
                created_at=now,
                version=1,
            )
            autumn = _insert(
                connection,
                "training",
                title="Interviews",
                organisation_id=savonia,
                starts_on=date(2025, 9, 15),
                ends_on=date(2025, 9, 15),
                place=None,
                description=None,
                created_at=now,
                version=1,
            )
            for training, name, organisation_id, gender, completed in [
                (spring, "Anna Korhonen", centre, "female", date(2025, 3, 12)),
                (spring, "Mikko Virtanen", savonia, "male", None),
                (autumn, "Anna Korhonen", centre, "female", date(2025, 9, 15)),
                (autumn, "Helena Mäkinen", savonia, "female", None),
            ]:
                _insert(
                    connection,
                    "training_participant",
                    training_id=training,
                    name=name,
                    name_key=name.lower(),
                    organisation_id=organisation_id,
                    role="counsellor",
                    gender=gender,
                    completed_on=completed,
                    created_at=now,
                )
        upgrade()
        courses = db.session.scalars(db.select(Course).order_by(Course.starts_on)).all()
        assert [(c.title, c.programme, c.seats, c.seats_taken, c.starts_on, c.ends_on) for c in courses] == [
            ({"fi": "Validation basics"}, True, 2, 2, date(2025, 3, 10), date(2025, 3, 12)),
            ({"fi": "Interviews"}, True, 2, 2, date(2025, 9, 15), date(2025, 9, 15)),
        ]
        assert [(s.starts_on, s.ends_on) for s in courses[0].sessions] == [(date(2025, 3, 10), date(2025, 3, 12))]
        anna = db.session.scalar(
            db.select(Enrolment).where(Enrolment.name == "Anna Korhonen", Enrolment.course_id == courses[0].id)
        )
        assert (anna.status, anna.member, anna.completed_on, anna.organisation_key) == (
            EnrolmentStatus.CONFIRMED,
            True,
            date(2025, 3, 12),
            f"org:{anna.organisation_id}",
        )
        # The figures as network.queries counted them before: three people, Anna once, entering in spring.
        figures = queries.training_figures()
        assert (figures.participants, figures.women, figures.men, figures.completed, figures.organisations) == (
            3,
            2,
            1,
            1,
            2,
        )
        assert queries.training_figures(date(2025, 7, 1), date(2025, 12, 31)).participants == 1
        db.session.remove()
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            back = connection.execute(
                text(
                    "SELECT t.title, count(p.id) FROM training t JOIN training_participant p "
                    "ON p.training_id = t.id GROUP BY t.title ORDER BY t.title"
                )
            ).all()
        assert back == [("Interviews", 2), ("Validation basics", 2)]
        db.engine.dispose()
