"""Qualification frameworks, interviews, placements, assessments and sign-off."""

from flask import Blueprint, Flask

from isok import hooks

bp = Blueprint("assessment", __name__, template_folder="templates", cli_group=None)


def init_app(app: Flask) -> None:
    """Everything assessment plugs into the application."""
    from assessment import (
        assessment_services,
        assessment_views,
        cli,  # noqa: F401  (the commands of bp)
        evidence_views,  # noqa: F401  (routes)
        framework_views,
        interview_views,
        placement_views,
    )

    app.register_blueprint(bp)  # routes: *_views.py; commands: cli.py (load-scales, import-framework)
    hooks.nav(app, framework_views.nav)
    hooks.case_panel(app, interview_views.case_panel)
    hooks.dashboard_panel(app, interview_views.teacher_panel)
    hooks.dashboard_panel(app, interview_views.counsellor_panel)
    hooks.dashboard_panel(app, interview_views.client_panel)
    hooks.nav(app, interview_views.nav)
    hooks.nav(app, placement_views.nav)
    hooks.dashboard_panel(app, placement_views.tutor_panel)
    hooks.case_panel(app, assessment_views.case_panel)
    hooks.dashboard_panel(app, assessment_views.assessor_panel)
    # Frameworks' and interviews' demo data first: placements and assessments rest on the target qualifications.
    hooks.demo(app, framework_views.load_demo)
    hooks.demo(app, interview_views.load_demo)
    hooks.demo(app, assessment_services.load_demo)
