"""The migrations build exactly the schema the models declare."""

from datetime import date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, create_engine, inspect, select, text

from isok.database import declared_by_models
from isok.extensions import db
from tests.conftest import import_all_models, make_test_app


def test_migrations_match_the_models_and_downgrade_cleanly(tmp_path_factory):
    import_all_models()
    database = tmp_path_factory.mktemp("migrations") / "migrated.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": declared_by_models})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models changed without a migration: run `flask db migrate`"
        downgrade(revision="base")
        db.engine.dispose()
    tables = set(inspect(create_engine(f"sqlite:///{database}")).get_table_names())
    assert tables <= {"alembic_version"}


def test_clients_already_registered_get_their_search_name(tmp_path_factory):
    from cases import services

    database = tmp_path_factory.mktemp("migrations") / "existing.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        services.register_client(None, None, first_name="Äijä", last_name="ÖSTERBERG", gender="male")
        db.session.commit()
        db.session.remove()
        downgrade(revision="c28ab6590ce0")  # back to before the column: the client is there, without a search name
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT search_name FROM client")).scalar() == "äijä österberg"
        db.engine.dispose()


def test_cases_already_recorded_get_their_progress(tmp_path_factory):
    from cases import services
    from cases.models import ClientType
    from isok.accounts.models import Organisation, OrganisationType

    database = tmp_path_factory.mktemp("migrations") / "progress.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        organisation = Organisation(name="Centre", type=OrganisationType.PUBLIC_BODY)
        client = services.register_client(None, organisation, first_name="Aino", last_name="Progress")
        case = services.open_case(
            None, client, organisation=organisation, client_type=ClientType.LONG_TERM, entry_date=date(2025, 3, 1)
        )
        for stage, on in (("documentation", date(2025, 4, 1)), ("identification", date(2025, 5, 1))):
            services.move_stage(None, case, stage, on, "Step")
        services.move_stage(None, case, "documentation", date(2025, 6, 1), "Again")
        db.session.commit()
        case_id = case.id
        db.session.remove()
        downgrade(revision="e5c1a7d09b42")  # back to before the table: the case and its stages are there
        upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT case_id, entry_date, identification_on, documentation_on, assessment_on FROM case_progress"
                )
            ).one()
        assert tuple(row) == (case_id, "2025-03-01", "2025-03-01", "2025-04-01", None)
        db.engine.dispose()


BEFORE_RESULT_SETS = "7c1afb352524"
SITUATIONS = {  # situation recorded before results were a set -> (labour-market status, in education or training)
    "employed_short_term": ("employed", False),
    "employed_long_term": ("employed", False),
    "self_employed": ("self_employed", False),
    "education_or_training": ("neither", True),
    "job_searching": ("job_searching", False),
    "inactive": ("neither", False),
    "unknown": (None, False),
    None: (None, False),
}


def test_recorded_situations_become_result_sets_and_back(tmp_path_factory):
    database = tmp_path_factory.mktemp("migrations") / "situations.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    now, day = datetime(2026, 1, 1, 10), date(2026, 1, 1)
    answers = dict.fromkeys(
        ["third_country_national", "foreign_background", "minority", "disability", "homeless", "rural"], "not_asked"
    )
    flags = dict.fromkeys(["long_term_unemployed", "in_education_or_training", "self_employed"], False)
    with app.app_context():
        upgrade(revision=BEFORE_RESULT_SETS)
        with db.engine.begin() as connection:
            tables = MetaData()
            tables.reflect(connection)
            connection.execute(
                tables.tables["organisation"].insert().values(id=1, name="Centre", type="public_body", created_at=now)
            )
            for n, situation in enumerate(SITUATIONS, 1):
                connection.execute(
                    tables.tables["client"]
                    .insert()
                    .values(
                        id=n,
                        first_name="A",
                        last_name=str(n),
                        search_name="",
                        gender="female",
                        preferred_language="fi",
                        created_at=now,
                        version=1,
                        **flags,
                        **answers,
                    )
                )
                connection.execute(
                    tables.tables["case"]
                    .insert()
                    .values(
                        id=n,
                        client_id=n,
                        organisation_id=1,
                        client_type="long_term",
                        stage="closed",
                        entry_date=day,
                        last_activity_at=now,
                        created_at=now,
                        version=1,
                        study_path_shortened="not_asked",
                        exit_situation=situation,
                        follow_up_situation=situation,
                    )
                )
                connection.execute(
                    tables.tables["participation"]
                    .insert()
                    .values(
                        id=n,
                        client_id=n,
                        entry_date=day,
                        case_count=1,
                        client_type="long_term",
                        gender="female",
                        qualification_certified=False,
                        client_version=1,
                        case_versions=1,
                        last_case_id=n,
                        exit_situation=situation,
                        follow_up_situation=situation,
                        **flags,
                        **answers,
                    )
                )
        upgrade()
        with db.engine.connect() as connection:
            tables = MetaData()
            tables.reflect(connection)
            for name in ("case", "participation"):
                table = tables.tables[name]
                rows = connection.execute(
                    select(
                        table.c.exit_labour_status,
                        table.c.exit_in_education,
                        table.c.exit_qualification,
                        table.c.follow_up_labour_status,
                        table.c.follow_up_in_education,
                    ).order_by(table.c.id)
                ).all()
                assert [tuple(row) for row in rows] == [(*result, False, *result) for result in SITUATIONS.values()]
        downgrade(revision=BEFORE_RESULT_SETS)
        with db.engine.connect() as connection:
            rows = connection.execute(text('SELECT exit_situation FROM "case" ORDER BY id')).scalars().all()
        assert rows == [
            "employed_long_term",
            "employed_long_term",
            "self_employed",
            "education_or_training",
            "job_searching",
            "inactive",
            None,
            None,
        ]
        db.engine.dispose()
