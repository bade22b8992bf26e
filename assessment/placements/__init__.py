"""Placements at a workplace, and the personal links that open one to its workplace tutor."""

from flask import Flask

from isok import fields, hooks


def init_app(app: Flask) -> None:
    from assessment.placements import access, data_rights, notices, views  # views: routes on assessment.bp

    fields.declare(app, *access.FIELD_SETS)
    hooks.nav(app, views.nav)
    hooks.audience(app, views.audience)
    hooks.dashboard_panel(app, views.tutor_panel)
    app.add_template_global(access.can_manage_placements)
    hooks.export_data(app, data_rights.placements_part)
    hooks.erasure(app, data_rights.erase_placements)
    notices.init_app(app)
