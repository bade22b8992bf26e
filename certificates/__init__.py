"""Certificate issue, PDF rendering, sealing, verification and revocation."""

from flask import Blueprint, Flask

from isok import fields, hooks

bp = Blueprint("certificates", __name__, template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything certificates plug into the application."""
    from certificates import (  # noqa: F401  (routes of bp)
        access,
        bulk,
        data_rights,
        demo,
        notices,
        public_views,
        seal_views,
        services,
        views,
    )

    app.register_blueprint(bp)  # routes: views.py, seal_views.py, public_views.py
    fields.declare(app, *access.FIELD_SETS)
    bulk.init_app(app)  # its jobs on the queue
    notices.init_app(app)  # issued, revoked (to the client); seals about to expire (to administrators, daily)
    hooks.case_panel(app, views.case_panel)
    hooks.dashboard_panel(app, views.client_panel)
    hooks.dashboard_panel(app, seal_views.expiring_seals_panel)
    hooks.nav(app, views.nav)
    hooks.nav(app, seal_views.nav)
    hooks.organisation_panel(app, seal_views.organisation_panel)
    hooks.demo(app, demo.load_demo_certificates)
    hooks.export_data(app, data_rights.certificates_part)
    hooks.export_files(app, data_rights.certificate_files)
    hooks.erasure(app, data_rights.erase_certificates)
    hooks.decision_change(app, services.replace_after_decision_change)
    for rule in (access.can_issue_certificate, access.can_revoke_certificate, access.can_reissue_certificate):
        app.add_template_global(rule)
