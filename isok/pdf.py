"""PDF rendering: application templates → HTML → WeasyPrint, inside the app process, with a sandboxed fetcher.

Templates are the application's own; people's text enters only through Jinja autoescape. Whatever a template
references is fetched by AssetFetcher, which serves `asset:<name>` from the resources the caller made for this
document (a QR code, say) or from the app's static folders, and refuses every other URL (file:, http(s):, data:,
anything), so no render can read local files or reach the network.
Renders take plain data (dicts, strings, dates), never ORM objects, and run without request context helpers.
"""

import io
import logging
import mimetypes
import re
import threading
import zlib
from contextlib import contextmanager
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import pydyf
import weasyprint.html
import weasyprint.pdf
from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from isok import pdf_tags
from isok.i18n import text_direction
from isok.translation import force_locale

log = logging.getLogger(__name__)

ASSET_SCHEME = "asset:"
# PDF/A-3b: embedded fonts and an output intent, so archives can open the document decades from now; it keeps
# working with an incremental PAdES signature added afterwards.
PDF_VARIANT = "pdf/a-3b"
# PDF/A-3a: the same, tagged for accessibility (a structure tree in reading order, each part in its own language:
# isok/pdf_tags.py). Documents people read with assistive technology ask for it.
TAGGED_PDF_VARIANT = "pdf/a-3a"
# Rendering is CPU-bound and single-threaded; more than two at once only makes every user wait longer.
_RENDER_SLOTS = threading.BoundedSemaphore(2)
# Loading the system fonts costs about a quarter of a certificate's render; each thread keeps its configuration.
_fonts = threading.local()
pdf_tags.install()
# WeasyPrint's user-agent stylesheet gives six pseudo-elements of every element a style of their own: `::marker`, and
# the calls and markers of CSS footnotes and notes. The cascade computes all six for each element: nine in ten of the
# styles a certificate computed, about 5% of its render. The application's documents use no CSS footnotes or notes,
# and only list items and <summary> have markers, so their stylesheet keeps the marker rule for those only.
_EVERY_ELEMENTS_NOTES = re.compile(
    r"^::(?:footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}]*\}$", re.MULTILINE
)
_EVERY_ELEMENTS_MARKER = "\n::marker {"


class BlockedResource(ValueError):
    """A template asked for something outside the asset allow-list."""


class AssetFetcher(URLFetcher):
    """Serve `asset:<name>` from the document's own resources or the given folders; refuse every other URL."""

    def __init__(self, roots: list[Path], resources: dict[str, bytes] | None = None):
        super().__init__(allowed_protocols=("asset",), allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.resources = resources or {}

    def fetch(self, url, headers=None):
        if not url.startswith(ASSET_SCHEME):
            log.warning("PDF render refused a resource outside the allow-list: %.200s", url)
            raise BlockedResource(f"blocked resource: {url[:200]}")
        name = url.removeprefix(ASSET_SCHEME).lstrip("/")
        if name in self.resources:
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, self.resources[name], {"Content-Type": mime})
        for root in self.roots:
            path = (root / name).resolve()
            if path.is_relative_to(root) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        log.warning("PDF render asked for a missing asset: %.200s", url)
        raise BlockedResource(f"no such asset: {url[:200]}")

    def open(self, url, data=None, timeout=None):  # urllib's entry point: never reaches its handlers
        return self.fetch(getattr(url, "full_url", url))


def static_roots(app) -> list[Path]:
    """The app's static folder and every blueprint's, the only places assets come from."""
    folders = [app.static_folder, *(bp.static_folder for bp in app.blueprints.values())]
    return [Path(folder) for folder in folders if folder and Path(folder).is_dir()]


def render_html(template_name: str, context: dict, *, lang: str) -> str:
    """Render a PDF template to HTML in `lang`, with `document_lang` and `document_dir` set for its root."""
    app = current_app._get_current_object()
    with force_locale(lang):
        template = app.jinja_env.get_template(template_name)
        return template.render(**context, document_lang=lang, document_dir=text_direction(lang))


@cache
def _ua_stylesheet() -> CSS:
    """The HTML user-agent stylesheet without the rules that style pseudo-elements of every element (above)."""
    text, notes = _EVERY_ELEMENTS_NOTES.subn("", weasyprint.html.UA)
    if notes != 5 or text.count(_EVERY_ELEMENTS_MARKER) != 1:
        raise RuntimeError("WeasyPrint's user-agent stylesheet changed: review isok/pdf.py's _ua_stylesheet")
    text = text.replace(_EVERY_ELEMENTS_MARKER, "\nli::marker, summary::marker {")
    return CSS(string=text, counter_style=weasyprint.html.UA_COUNTER_STYLE)


class _Document(HTML):
    """An HTML document styled by _ua_stylesheet (forms keep WeasyPrint's own form stylesheet beside it)."""

    def _ua_stylesheets(self, forms=False):
        return [_ua_stylesheet(), weasyprint.html.UA_FORM_STYLESHEET] if forms else [_ua_stylesheet()]


class _Deflate:
    """pydyf's zlib, deflating each stream once per render and at zlib's default level.

    pydyf compresses every stream at level 9, and compresses them all a second time to make the file identifier
    PDF/A requires (an MD5 of the objects' bytes): fonts, pages and the object stream twice over, a tenth of a
    certificate's render. Level 6 makes files about 2% larger at a third of the time; while a render runs, a stream
    deflated once is not deflated again. What a render deflated is forgotten when it ends.
    """

    def __init__(self):
        self._renders = threading.local()

    def __getattr__(self, name):
        return getattr(zlib, name)

    @contextmanager
    def render(self):
        self._renders.deflated = {}
        try:
            yield
        finally:
            del self._renders.deflated

    def compress(self, data, level=-1, wbits=zlib.MAX_WBITS):
        return self._deflated(bytes(data))

    def compressobj(self, level=-1, method=zlib.DEFLATED, wbits=zlib.MAX_WBITS, *args):
        return _Compressor(self)

    def _deflated(self, data: bytes) -> bytes:
        deflated = getattr(self._renders, "deflated", None)
        if deflated is None:
            return zlib.compress(data, 6)
        if data not in deflated:
            deflated[data] = zlib.compress(data, 6)
        return deflated[data]


class _Compressor:
    """zlib's compressobj for a stream pydyf gives whole (compress once, then flush)."""

    def __init__(self, deflate: _Deflate):
        self._deflate = deflate
        self._parts: list[bytes] = []

    def compress(self, data) -> bytes:
        self._parts.append(bytes(data))
        return b""

    def flush(self, mode=zlib.Z_FINISH) -> bytes:
        return self._deflate._deflated(b"".join(self._parts))


_deflate = _Deflate()
pydyf.zlib = _deflate


def _font_config() -> FontConfiguration:
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


@cache
def _srgb_profile_bytes() -> bytes:
    return (files(weasyprint.pdf) / "sRGB2014.icc").read_bytes()


def _output_intent() -> dict:
    """PDF/A's sRGB output intent, given explicitly: WeasyPrint's own default leaves the ICC file open."""
    profile = ColorProfile(
        io.BytesIO(_srgb_profile_bytes()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    return {"color_profiles": {"isok-srgb": profile}, "output_intent": "isok-srgb"}


@lru_cache(maxsize=16)
def _parsed_stylesheet(text: str) -> CSS:
    """A stylesheet parsed once per process: parsing and preparing it for matching costs about as much as a
    one-page document's whole render. It may reference nothing (no url(), no @font-face, no @import)."""
    return CSS(string=text, url_fetcher=AssetFetcher([]))


def stylesheet(template_name: str) -> CSS:
    """One of the application's CSS templates (no context: the same text for every document), parsed once."""
    return _parsed_stylesheet(current_app.jinja_env.get_template(template_name).render())


def html_to_pdf(
    html: str,
    *,
    variant: str | None = PDF_VARIANT,
    resources: dict[str, bytes] | None = None,
    stylesheets: tuple[str, ...] = (),
) -> bytes:
    fetcher = AssetFetcher(static_roots(current_app), resources)
    intent = _output_intent() if variant else {}
    sheets = [stylesheet(name) for name in stylesheets]
    with _RENDER_SLOTS, _deflate.render():
        return _Document(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=sheets, presentational_hints=False, pdf_variant=variant, font_config=_font_config(), **intent
        )


def render_pdf(
    template_name: str,
    context: dict,
    *,
    lang: str,
    variant: str | None = PDF_VARIANT,
    resources: dict[str, bytes] | None = None,
    stylesheets: tuple[str, ...] = (),
) -> bytes:
    """Render one of the application's templates to PDF bytes from plain data.

    `resources` are files made for this document, which its template references as `asset:<name>`;
    `stylesheets` are CSS templates applied after the document's own styles, each parsed once per process.
    """
    return html_to_pdf(
        render_html(template_name, context, lang=lang), variant=variant, resources=resources, stylesheets=stylesheets
    )
