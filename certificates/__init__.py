"""Certificate issue, PDF rendering, sealing, verification and revocation."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, template_folder="templates")
