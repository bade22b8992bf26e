"""Interviews: a vocational teacher verifies the skills the portfolio claims; teachers' calendars."""

from flask import Flask

from isok import fields, hooks, permissions


def init_app(app: Flask) -> None:
    from assessment.interviews import access, data_rights, demo, views  # views: routes on assessment.bp

    fields.declare(app, *access.FIELD_SETS)
    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.teacher_panel)
    hooks.dashboard_panel(app, views.counsellor_panel)
    hooks.dashboard_panel(app, views.client_panel)
    hooks.nav(app, views.nav)
    hooks.audience(app, views.audience)
    hooks.demo(app, demo.load_demo)
    permissions.case_rule(app, access.reasons_to_open)
    for rule in (access.can_schedule_interview, access.can_record_interview):
        app.add_template_global(rule)
    hooks.export_data(app, data_rights.interviews_part)
    hooks.erasure(app, data_rights.erase_interviews)
