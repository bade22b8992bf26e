"""Certificates issued before a change get what the change gives new ones when the database is upgraded."""

from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from isok.extensions import db
from tests.conftest import make_test_app

NOW = datetime(2026, 1, 1, 10)
BEFORE_STATUS_LISTS = "71e485580447"
BEFORE_ONE_VALID_PER_CASE = "399956519f05"


def _required(table) -> dict:
    """A value for every column a row cannot do without: other features' migrations keep adding some."""
    samples = {bool: False, int: 1, str: "x", date: NOW.date(), datetime: NOW}
    values = {}
    for column in table.columns:
        if column.nullable or column.server_default is not None or column.primary_key:
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = dict
        values[column.name] = samples.get(kind, {})  # what is neither number, text nor date is JSON
    return values


def _database_at(tmp_path_factory, revision: str, certificates: list[dict]):
    """An app whose database stands at `revision`, with one organisation, client and case and these certificates."""
    database = tmp_path_factory.mktemp("migrations") / "certificates.sqlite"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade(revision=revision)
        with db.engine.begin() as connection:
            tables = MetaData()
            tables.reflect(connection)
            for name, values in [
                ("organisation", {"id": 1, "name": "Centre", "type": "public_body"}),
                ("client", {"id": 1}),
                ("case", {"id": 1, "client_id": 1, "organisation_id": 1}),
                *[
                    ("certificate", {"case_id": 1, "number": f"ISOK-{n}", "verification_code": f"C{n}", **certificate})
                    for n, certificate in enumerate(certificates)
                ],
            ]:
                table = tables.tables[name]
                connection.execute(table.insert().values({**_required(table), **values}))
    return app


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_certificates_issued_before_get_places_in_a_revocation_list(tmp_path_factory):
    app = _database_at(
        tmp_path_factory, BEFORE_STATUS_LISTS, [{"id": 1, "status": "valid"}, {"id": 2, "status": "revoked"}]
    )
    with app.app_context():
        upgrade(revision=BEFORE_ONE_VALID_PER_CASE)
        places = _rows("SELECT status_list_id, status_list_index FROM certificate")
        assert _rows("SELECT organisation_id, length FROM status_list") == [(1, 131_072)]
        assert [list_id for list_id, _ in places] == [1, 1] and len({index for _, index in places}) == 2
        assert all(0 <= index < 131_072 for _, index in places)
        db.engine.dispose()


def test_of_several_valid_certificates_of_a_case_the_newest_stays_valid(tmp_path_factory):
    app = _database_at(
        tmp_path_factory,
        BEFORE_ONE_VALID_PER_CASE,
        [
            {"id": 1, "status": "valid", "issued_at": datetime(2026, 1, 1)},
            {"id": 2, "status": "valid", "issued_at": datetime(2026, 2, 1)},
            {"id": 3, "status": "revoked", "issued_at": datetime(2026, 2, 15)},
            {"id": 4, "status": "valid", "issued_at": datetime(2026, 3, 1)},
        ],
    )
    with app.app_context():
        upgrade()
        assert _rows("SELECT id, status, replaces_id FROM certificate ORDER BY id") == [
            (1, "replaced", None),
            (2, "replaced", 1),
            (3, "revoked", None),
            (4, "valid", 2),
        ]
        assert _rows("SELECT replaced_at FROM certificate WHERE id = 1") == [("2026-02-01 00:00:00.000000",)]
        db.engine.dispose()
