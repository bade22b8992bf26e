"""The tripartite assessment (ratings, reconciliation, sign-off, gap plan) and the evidence map."""

from flask import Flask

from isok import hooks


def init_app(app: Flask) -> None:
    from assessment.assessments import data_rights, services, views  # views: routes on assessment.bp

    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.assessor_panel)
    hooks.demo(app, services.load_demo)
    hooks.export_data(app, data_rights.assessments_part)
    hooks.erasure(app, data_rights.erase_assessments)
