"""The ESF report: read-only figures over every feature; CSV, XLSX, PDF and JSON."""

from flask import Blueprint, Flask

from isok import fields, hooks

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything the ESF report plugs into the application (after every feature: it reads them all)."""
    from isok.reports import access, data_rights, demo_data, freshness, views

    app.register_blueprint(bp)  # routes: views.py; command: esf-report (views.py)
    fields.declare(app, *access.FIELD_SETS)
    hooks.nav(app, views.nav)
    hooks.demo(app, demo_data.load)  # a submitted period, over the demo data of every feature
    hooks.export_data(app, data_rights.participation_part)
    hooks.erasure(app, data_rights.erase_correction_reasons)
    freshness.init_app(app)  # participation records and the data version follow every change
