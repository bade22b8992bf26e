"""Instances of their own for the reliability tests: a database (a SQLite file, or a scratch PostgreSQL database
beside ISOK_TEST_DATABASE_URL's) and an instance folder (files), built by the migrations like a real one."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from isok.extensions import db
from tests.conftest import import_all_models, make_test_app


@dataclass
class Instance:
    url: str
    folder: Path

    @property
    def files(self) -> Path:
        return self.folder / "files"

    @property
    def settings(self) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": self.url, "FILES_DIR": str(self.files)}

    @property
    def environment(self) -> dict:
        """The same instance for a server process, through the ISOK_* settings."""
        return {"ISOK_DATABASE_URL": self.url, "ISOK_FILES_DIR": str(self.files)}


class _ScratchDatabases:
    """PostgreSQL databases beside the suite's, made once per test run and emptied for each use (making and
    dropping a database takes a checkpoint, seconds each)."""

    def __init__(self, base_url: str):
        self.base = make_url(base_url)
        self.made: list[str] = []

    def _server(self):
        return create_engine(self.base, isolation_level="AUTOCOMMIT")

    def empty(self, index: int) -> str:
        name = f"{self.base.database}_reliability_{index + 1}"
        if name not in self.made:
            engine = self._server()
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            engine.dispose()
            self.made.append(name)
        url = self.base.set(database=name)
        engine = create_engine(url)
        with engine.begin() as connection:
            tables = ", ".join(f'"{name}"' for name in inspect(connection).get_table_names())
            if tables:
                connection.execute(text(f"DROP TABLE {tables} CASCADE"))
        engine.dispose()
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        engine = self._server()
        with engine.connect() as connection:
            for name in self.made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


class _Instances:
    def __init__(self, tmp_path_factory, scratch: _ScratchDatabases | None):
        self.tmp_path_factory = tmp_path_factory
        self.scratch = scratch
        self.used = 0
        self.apps = []

    def new(self, *, sqlite: bool = False) -> Instance:
        """An empty instance on the suite's database system (or on SQLite when asked)."""
        folder = self.tmp_path_factory.mktemp("instance")
        if sqlite or self.scratch is None:
            return Instance(f"sqlite:///{folder / 'isok.sqlite'}", folder)
        self.used += 1
        return Instance(self.scratch.empty(self.used - 1), folder)

    def app(self, instance: Instance, *, revision: str | None = "head", **overrides):
        """The app of an instance; its schema migrated to `revision` (None: left as it is, e.g. empty)."""
        import_all_models()
        app = make_test_app(self.tmp_path_factory, **instance.settings, **overrides)
        self.apps.append(app)
        if revision is not None:
            with app.app_context():
                upgrade(revision=revision)
        return app

    def close(self):
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def _scratch_databases():
    base_url = os.environ.get("ISOK_TEST_DATABASE_URL")
    scratch = _ScratchDatabases(base_url) if base_url else None
    yield scratch
    if scratch is not None:
        scratch.drop()


@pytest.fixture
def instances(tmp_path_factory, _scratch_databases):
    made = _Instances(tmp_path_factory, _scratch_databases)
    yield made
    made.close()
