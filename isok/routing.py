"""How addresses reach views: ids in the path and page numbers in the query stop where the database's integers stop,
and HEAD is answered as GET.

An id larger than an id column holds cannot name any row, and handing it to the database fails (PostgreSQL:
"integer out of range", SQLite past 64 bits: "Python int too large"); so such an address answers 404, like any
other id that names nothing. The same for a page whose first row lies past what an offset counts.
"""

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id: ids are INTEGER columns, 32 bits on PostgreSQL
MAX_OFFSET = 2**63 - 1  # OFFSET takes a 64-bit integer on both databases


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to `limit`.

    The bound lives in the pattern, not only in the converter's check, so a larger number matches no route at all:
    a check failing after the pattern matched would let Werkzeug answer 405 where a route of the same path takes
    another method.
    """
    digits = str(limit)
    branches = [rf"\d{{1,{len(digits) - 1}}}"]
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            branches.append(f"{digits[:i]}[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    branches.append(digits)
    return "(?:" + "|".join(branches) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` for every route: a number above MAX_ID matches no route."""

    regex = _at_most(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Install the converter; call before any route is registered (routes bind their converters then)."""
    app.url_map.converters["int"] = BoundedIntegerConverter

    @app.before_request
    def _head_as_get():
        # HEAD is a GET without the body. Flask routes it to the GET view, and Werkzeug drops the body by the method
        # in the WSGI environ; views that branch on request.method (a form first shown, the status of a page) then
        # answer HEAD exactly as GET, where they would otherwise take it for a form sent.
        if request.method == "HEAD":
            request.method = "GET"


def page_number(per_page: int) -> int:
    """The `?page=` asked for (1 when absent or not a number); 404 for a page whose first row would lie past
    what a 64-bit offset counts."""
    page = max(request.args.get("page", 1, type=int), 1)
    if (page - 1) * per_page > MAX_OFFSET:
        abort(404)
    return page
