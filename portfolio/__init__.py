"""The client's portfolio: entries, evidence files, mapping to learning outcomes."""

from flask import Blueprint

bp = Blueprint("portfolio", __name__, template_folder="templates")
