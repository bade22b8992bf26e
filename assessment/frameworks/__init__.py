"""Qualification frameworks and assessment scales; the case's target qualification."""

from flask import Flask

from isok import hooks


def init_app(app: Flask) -> None:
    from assessment.frameworks import access, cli, data_rights, demo, views  # noqa: F401  (cli: commands on the bp)

    hooks.nav(app, views.nav)
    hooks.demo(app, demo.load_demo)
    app.add_template_global(access.can_set_target_qualification)
    hooks.export_data(app, data_rights.target_qualifications_part)
