"""A user's browser for tests against a real server: cookies kept, redirects not followed, forms read from pages."""

import http.client
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from tests.conftest import PASSWORD, csrf_token, second_step


def _body(response) -> str:
    try:
        data = response.read()
    except http.client.IncompleteRead as cut:
        data = cut.partial
    return data.decode(errors="replace")


class Browser:
    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, timeout: float = 30):
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )

    def request(self, path: str, data=None) -> tuple[int, str]:
        """Send a GET (or a POST of `data`); connection errors are the caller's to see.

        An answer whose status arrived counts as given, even when the connection broke in its body.
        """
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=self.timeout) as response:
                return response.status, _body(response)
        except urllib.error.HTTPError as error:
            return error.code, _body(error)

    def log_in(self, email: str, password: str = PASSWORD) -> None:
        _status, page = self.request("/login")
        status, _ = self.request("/login", {"email": email, "password": password, "csrf_token": csrf_token(page)})
        assert status == 302, f"login of {email} answered {status}"
        second_step(self.request)


class _FormReader(HTMLParser):
    def __init__(self, action: str, page_path: str | None):
        super().__init__()
        self.action, self.page_path = action, page_path
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (attrs.get("action") or self.page_path or "").split("?")[0] == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button", "file", "reset"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, [], None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._first_option = value if self._first_option is None else self._first_option
            if "selected" in attrs:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = self._selected or ([self._first_option] if self._first_option is not None else [])
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(page: str, action: str, page_path: str | None = None) -> list[tuple[str, str]]:
    """What a browser would send from the form posting to `action`, as the page filled it in (a form without an
    action posts to its own page, `page_path`)."""
    reader = _FormReader(action, page_path)
    reader.feed(page)
    assert reader.fields, f"no form posting to {action} on the page"
    return reader.fields


def with_values(fields: list[tuple[str, str]], **values) -> list[tuple[str, str]]:
    """The fields with some replaced (a list value stands for several checked boxes)."""
    kept = [(name, value) for name, value in fields if name not in values]
    for name, value in values.items():
        kept.extend((name, item) for item in (value if isinstance(value, list) else [value]))
    return kept
