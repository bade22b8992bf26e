from pathlib import Path

from flask import Flask

import assessment
import cases
import certificates
import portfolio
from isok import (
    accounts,
    catalogue,
    cli,
    dashboard,
    errors,
    fields,
    hooks,
    i18n,
    jobs,
    materials,
    network,
    notices,
    permissions,
    reports,
    routing,
    security,
    templating,
)
from isok import config as settings
from isok.database import configure_sqlite
from isok.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")

# The features, each plugged in by its own init_app, in the order of the arrows between them: a feature comes after
# those it builds on (its demo data rest on theirs); the ESF report reads them all, so it comes last. The course
# catalogue builds on the network (its members), the frameworks (units taught) and cases (clients enrolled); the
# material bank on the frameworks (units served) and the catalogue's fields, and shows itself in the steps. The job
# queue comes first and the notices next: features declare their jobs and their notices on them.
FEATURES = (jobs, accounts, notices, cases, network, portfolio, assessment, certificates, catalogue, materials, reports)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.load(app.instance_path, config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    # routing first: routes bind their converters when a feature registers them
    for foundation in (routing, hooks, errors, security, i18n, permissions, fields, templating, dashboard, cli):
        foundation.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from isok import translation

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    translation.install(app)
    limiter.init_app(app)
    login_manager.init_app(app)
