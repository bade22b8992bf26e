"""The tripartite assessment (ratings, reconciliation, sign-off, gap plan) and the evidence map."""

from flask import Flask

from isok import fields, hooks, permissions


def init_app(app: Flask) -> None:
    from assessment.assessments import access, data_rights, notices, services, views  # views: routes on assessment.bp

    fields.declare(app, *access.FIELD_SETS)
    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.assessor_panel)
    hooks.dashboard_panel(app, views.client_appeal_panel)
    hooks.dashboard_panel(app, views.client_self_assessment_panel)
    hooks.demo(app, services.load_demo)
    permissions.case_rule(app, access.reasons_to_open)
    for rule in (
        access.can_assess,
        access.can_reconcile,
        access.can_sign_off,
        access.can_confirm,
        access.can_see_levels,
        access.can_map_evidence,
        access.can_view_case_assessment,
        access.can_manage_appeal,
        access.can_review_appeal,
    ):
        app.add_template_global(rule)
    hooks.export_data(app, data_rights.assessments_part)
    hooks.erasure(app, data_rights.erase_assessments)
    notices.init_app(app)
