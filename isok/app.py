from pathlib import Path

from flask import Flask

from isok import config as settings
from isok import routing
from isok.database import configure_sqlite
from isok.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.load(app.instance_path, config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    routing.init_app(app)  # before any route: routes bind their converters when registered
    _register_blueprints(app)

    from isok import cli, dashboard, errors, i18n, permissions, security, templating

    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    permissions.init_app(app)
    templating.init_app(app)
    dashboard.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from isok import i18n, translation

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
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"


def _register_blueprints(app: Flask) -> None:
    """Wire the shell and the features. The order matters: each feature's demo loader registers when its views
    are imported, and a feature's demo data build on those of the features before it."""
    from isok import dashboard
    from isok.accounts import admin_bp, admin_views, sessions, views  # noqa: F401  (routes and the user loader)
    from isok.accounts import bp as accounts_bp

    for blueprint in (dashboard.bp, accounts_bp, admin_bp):
        app.register_blueprint(blueprint)

    from cases import bp as cases_bp
    from cases import views as case_views  # noqa: F401  (routes, panels, demo data, the import command)

    app.register_blueprint(cases_bp)

    from isok.network import bp as network_bp
    from isok.network import views as network_views  # noqa: F401  (routes, panel, menu entry, demo data)

    app.register_blueprint(network_bp)

    from portfolio import bp as portfolio_bp
    from portfolio import views as portfolio_views  # noqa: F401  (routes, panels, demo data)

    app.register_blueprint(portfolio_bp)

    from assessment import bp as assessment_bp
    from assessment import framework_views, interview_views  # noqa: F401  (routes, panels, demo data, commands)

    # isort: split
    # Placements and assessments after frameworks and interviews: their demo data rest on the target qualifications.
    from assessment import assessment_views, evidence_views, placement_views  # noqa: F401

    app.register_blueprint(assessment_bp)

    from certificates import bp as certificates_bp
    from certificates import views as certificate_views  # noqa: F401  (routes, panels, demo data, make-seal)

    app.register_blueprint(certificates_bp)

    # The ESF report reads every feature; its demo data (a submitted period) come after all of theirs.
    from isok.reports import bp as reports_bp
    from isok.reports import views as report_views  # noqa: F401  (routes, menu entry, the command, demo data)

    app.register_blueprint(reports_bp)
