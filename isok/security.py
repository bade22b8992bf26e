"""Response headers that every page carries: no inline script, no framing, no sniffing, no caching of private pages;
and which client address, scheme and host a request came from when proxies stand in front."""

from flask import request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_app(app) -> None:
    _trust_proxies(app)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if getattr(current_user, "is_authenticated", False) and not getattr(response, NO_PERSONAL_DATA, False):
            headers["Cache-Control"] = "no-store"
        return response


NO_PERSONAL_DATA = "isok_no_personal_data"


def cacheable_when_signed_in(response):
    """Keep the response's own Cache-Control for signed-in users too (whose pages are otherwise never stored): for
    what holds nothing of anyone, such as a picture of a shared material."""
    setattr(response, NO_PERSONAL_DATA, True)
    return response


def _trust_proxies(app) -> None:
    """Read the client's address, scheme and host from the last PROXY_HOPS proxies' X-Forwarded-* headers.

    Each proxy appends the address it received the request from, so only the values the configured number of our own
    proxies appended are true; whatever a client wrote further left is ignored. With no proxy (the default) every
    X-Forwarded-* header is ignored, since any client can send one.
    """
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
