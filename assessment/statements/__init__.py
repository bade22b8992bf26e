"""Third-party statements: a former employer or supervisor confirms, by a personal link, tasks and learning outcomes."""

from flask import Flask

from isok import fields, hooks


def init_app(app: Flask) -> None:
    from assessment.statements import access, data_rights, demo, notices, views  # views: routes on assessment.bp

    fields.declare(app, *access.FIELD_SETS)
    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.client_panel)
    hooks.demo(app, demo.load_demo)
    for rule in (access.can_view_statements, access.can_request_statement, access.can_verify_statement):
        app.add_template_global(rule)
    hooks.export_data(app, data_rights.statements_part)
    hooks.erasure(app, data_rights.erase_statements)
    notices.init_app(app)  # the referee's link by e-mail; the counsellor told of the answer
