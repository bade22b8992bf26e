"""Turn a certificate snapshot into HTML sections (one per language) and a PDF; plain data in, bytes out."""

from datetime import date

import segno
from flask import current_app
from flask_babel import format_date
from markupsafe import Markup

from certificates import texts
from isok import pdf
from isok.i18n import localized, text_direction

SECTION_TEMPLATE = "certificates/pdf/section.html"
DOCUMENT_TEMPLATE = "certificates/pdf/document.html"


def verification_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{code}"


def qr_svg(url: str) -> Markup:
    # omitsize: segno writes no width/height, so CSS sizes the code; the SVG is our own output, not user text
    return Markup(segno.make(url, error="m").svg_inline(omitsize=True, border=2))  # noqa: S704


def _long_date(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso), "long") if iso else ""


def section_context(content: dict, lang: str, *, preview: bool) -> dict:
    """Everything one language section prints, already in that language."""
    issuer = content["issuer"]["name"]
    code = content.get("verification_code")
    url = verification_url(code) if code else None
    return {
        "c": content,
        "lang": lang,
        "dir": text_direction(lang),
        "t": lambda key, **values: texts.text(lang, key, **values),
        "loc": lambda value: localized(value, lang),
        "method": lambda method: texts.method_label(lang, method),
        "role": lambda role: texts.role_label(lang, role),
        "issuer": issuer,
        "long_date": _long_date,  # called while the section renders, so in the section's language
        "issued_on": content.get("issued_on") or date.today().isoformat(),
        "preview": preview,
        "verify_url": url,
        "qr": qr_svg(url) if url else None,
    }


def render_sections(content: dict, *, preview: bool = False) -> list[Markup]:
    """One HTML section per chosen language, each rendered with that language forced for dates and texts."""
    return [
        Markup(pdf.render_html(SECTION_TEMPLATE, section_context(content, lang, preview=preview), lang=lang))  # noqa: S704
        for lang in content["languages"]
    ]


def render_certificate_pdf(content: dict, *, preview: bool = False) -> bytes:
    """The certificate as an unsealed PDF/A document; sealing is the issuing service's step."""
    first = content["languages"][0]
    title = texts.text(first, "title")
    return pdf.render_pdf(DOCUMENT_TEMPLATE, {"sections": render_sections(content, preview=preview), "title": title,
                                              "number": content.get("number")}, lang=first)
