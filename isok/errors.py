"""Error pages in the user's language, never with a stack trace."""

from flask import render_template
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from isok.extensions import db
from isok.translation import lazy_gettext as _l

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your role does not allow this. Ask your administrator if you need it.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (
        _l("Saved by someone else"),
        _l(
            "Someone else saved the same record a moment before you, so nothing of yours was saved over it. "
            "Go back, reload the page to see their changes, and make yours again."
        ),
    ),
    413: (_l("Too large"), _l("What you sent is larger than allowed. Send smaller files or fewer at once.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Nothing you saved earlier was lost.")),
}


def _render(code: int):
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title, text=text), code


def init_app(app) -> None:
    # An unhandled exception reaches here as a 500 (outside tests, which let it propagate to show the cause).
    @app.errorhandler(HTTPException)
    def _http_error(error):
        if error.code in MESSAGES:
            return _render(error.code)
        return error

    # A save that lost the race after its form's version check: the version column refused it at the flush.
    @app.errorhandler(StaleDataError)
    def _stale(_error):
        db.session.rollback()
        return _render(409)
