"""Interviews: a vocational teacher verifies the skills the portfolio claims; teachers' calendars."""

from flask import Flask

from isok import hooks


def init_app(app: Flask) -> None:
    from assessment.interviews import data_rights, demo, views  # views: routes on assessment.bp

    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.teacher_panel)
    hooks.dashboard_panel(app, views.counsellor_panel)
    hooks.dashboard_panel(app, views.client_panel)
    hooks.nav(app, views.nav)
    hooks.demo(app, demo.load_demo)
    hooks.export_data(app, data_rights.interviews_part)
    hooks.erasure(app, data_rights.erase_interviews)
