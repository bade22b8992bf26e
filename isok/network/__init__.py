from flask import Blueprint

bp = Blueprint("network", __name__, url_prefix="/network", template_folder="templates")
