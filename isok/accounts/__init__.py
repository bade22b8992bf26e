from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
