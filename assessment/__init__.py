"""Qualification frameworks, interviews, placements, assessments and sign-off."""

from flask import Blueprint

bp = Blueprint("assessment", __name__, template_folder="templates")
