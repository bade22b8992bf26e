"""The client's portfolio: entries, evidence files, mapping to learning outcomes."""

from flask import Blueprint, Flask

from isok import hooks
from isok.fields import declare as declare_fields

bp = Blueprint("portfolio", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Everything the portfolio plugs into the application."""
    from portfolio import access, data_rights, demo, views

    app.register_blueprint(bp)  # routes: views.py
    declare_fields(app, *access.FIELD_SETS)  # the fields each role sees (isok.fields)
    app.add_template_global(views.typed_direction)
    app.add_template_global(views.detail_label)
    app.add_template_filter(views.status_badge)
    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.dashboard_panel)
    hooks.nav(app, views.nav)
    hooks.demo(app, demo.load_demo_portfolios)
    hooks.export_data(app, data_rights.portfolio_data)
    hooks.export_files(app, data_rights.evidence_files)
    hooks.erasure(app, data_rights.erase_portfolios)
    for rule in (access.can_view_portfolio, access.can_edit_portfolio, access.can_review_portfolio):
        app.add_template_global(rule)
