"""Qualification frameworks, interviews, placements, third-party statements, assessments and sign-off: five parts
with the same rooms (models, services, forms, views) and one blueprint, so endpoints stay `assessment.*`."""

from flask import Blueprint, Flask

from assessment import assessments, frameworks, interviews, placements, statements

bp = Blueprint("assessment", __name__, template_folder="templates", cli_group=None)

# In the order they build on each other: interviews, placements and statements rest on the case's target
# qualification, assessments on placements and on the evidence of all three (and so do their demo data).
PARTS = (frameworks, interviews, placements, statements, assessments)


def init_app(app: Flask) -> None:
    """Everything assessment plugs into the application: each part declares its own; the routes and commands they
    attach to the shared blueprint come with it."""
    for part in PARTS:
        part.init_app(app)
    app.register_blueprint(bp)
