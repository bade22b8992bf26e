"""The migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from isok.extensions import db
from tests.conftest import import_all_models, make_test_app


def test_migrations_match_the_models_and_downgrade_cleanly(tmp_path_factory):
    import_all_models()
    database = tmp_path_factory.mktemp("migrations") / "migrated.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
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
