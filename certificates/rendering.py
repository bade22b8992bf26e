"""Turn a certificate snapshot into HTML sections (one per language) and a PDF; plain data in, bytes out."""

import io
from dataclasses import dataclass
from datetime import date

import segno
from flask import current_app
from flask_babel import format_date
from markupsafe import Markup
from PIL import Image

from certificates import texts
from certificates.wording import Wording
from isok import pdf

SECTION_TEMPLATE = "certificates/pdf/section.html"
DOCUMENT_TEMPLATE = "certificates/pdf/document.html"
STYLESHEET = "certificates/pdf/certificate.css"


def verification_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{code}"


QR_RESOURCE = "verification-qr.png"
QR_SIZE_MM = 22
QR_BORDER = 2  # modules of quiet zone around the code
QR_PIXELS_PER_MODULE = 8  # about 340 dpi at QR_SIZE_MM: sharp in print even where a viewer smooths the image


@dataclass(frozen=True)
class QrImage:
    png: bytes
    resolution_dppx: float  # image pixels per CSS pixel, so that the image is QR_SIZE_MM wide


def qr_image(url: str) -> QrImage:
    """The verification address as a QR code: a greyscale PNG, whose modules are squares of whole pixels.

    A raster image is drawn from one image object on every page, where an SVG code was thousands of path operations
    painted again on each page (a seventh of a certificate's render).
    """
    code = segno.make(url, error="m")
    modules = code.symbol_size(border=QR_BORDER)[0]
    bitmap = bytearray(b"\xff" * modules * modules)
    for y, row in enumerate(code.matrix, start=QR_BORDER):
        for x, dark in enumerate(row, start=QR_BORDER):
            if dark:
                bitmap[y * modules + x] = 0
    pixels = modules * QR_PIXELS_PER_MODULE
    image = Image.frombytes("L", (modules, modules), bytes(bitmap)).resize((pixels, pixels), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return QrImage(png=buffer.getvalue(), resolution_dppx=pixels / (QR_SIZE_MM / 25.4 * 96))


def qr_alt(content: dict, lang: str) -> str:
    """What the QR code says, for screen readers: the words printed beside it and the address it holds."""
    url = verification_url(content["verification_code"])
    return f"{texts.text(lang, 'qr_code')}: {texts.text(lang, 'verify')} {url}"


def _long_date(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso), "long") if iso else ""


def _units(content: dict, w: Wording) -> list[dict]:
    """The units as the section prints them: each column's cells, and the notes for the column headings."""
    units = []
    for unit in content["units"]:
        outcomes = unit["outcomes"]
        texts_, outcome_note = w.column([w.text_cell(o["text"]) for o in outcomes])
        levels, level_note = w.column([w.level(o["level"]) for o in outcomes])
        units.append(
            {
                "name": w.loc(unit["name"]),
                "credits": unit.get("credits"),
                "formally_recognised": unit.get("formally_recognised"),
                "outcome_note": outcome_note,
                "level_note": level_note,
                "rows": [
                    {
                        "text": text,
                        "level": level,
                        "partly": o.get("result") == "partly",
                        "remaining": w.words(o["remaining"]) if o.get("remaining") else None,
                        "shown_by": w.join(texts.method_label(w.lang, m) for m in o["shown_by"]),
                    }
                    for o, text, level in zip(outcomes, texts_, levels, strict=True)
                ],
            }
        )
    return units


def _role(w: Wording, role: str) -> Markup:
    return w.t(f"role_{role}") if f"role_{role}" in texts.TEXTS[w.lang] else w.name(role)


def section_context(content: dict, lang: str, *, preview: bool) -> dict:
    """Everything one language section prints, already in that language."""
    w = Wording(lang)
    code = content.get("verification_code")
    url = verification_url(code) if code else None
    return {
        "c": content,
        "lang": lang,
        "dir": w.dir,
        "w": w,
        "t": w.t,
        "issuer": w.name(content["issuer"]["name"]),
        "units": _units(content, w),
        "role": lambda role: _role(w, role),
        "long_date": _long_date,  # called while the section renders, so in the section's language
        "issued_on": content.get("issued_on") or date.today().isoformat(),
        "preview": preview,
        "verify_url": url,
    }


def render_sections(content: dict, *, preview: bool = False) -> list[Markup]:
    """One HTML section per chosen language, each rendered with that language forced for dates and texts."""
    return [
        Markup(pdf.render_html(SECTION_TEMPLATE, section_context(content, lang, preview=preview), lang=lang))  # noqa: S704
        for lang in content["languages"]
    ]


def css_string(text: str) -> str:
    """A CSS string literal that stays one inside a <style> element, whatever the text holds."""
    special = {"\\": "\\\\", '"': '\\"', "\n": "\\A ", "<": "\\3C ", ">": "\\3E ", "&": "\\26 "}
    return '"' + "".join(special.get(char, char) for char in text) + '"'


def page_rule(content: dict, lang: str) -> Markup:
    """The section's named page: its footer lines and "page x / y" in its language, in its direction.

    The footer is printed by a margin box beside the QR code on every page of the section. Its text is written
    into the rule itself, so the section's body holds no hidden footer and no strings to carry from page to page.
    """
    code = content.get("verification_code")
    lines = (
        [
            f"{texts.text(lang, 'number')}: {content['number']}",
            texts.text(lang, "verify"),
            verification_url(code),
            texts.text(lang, "seal"),
        ]
        if code
        else [texts.text(lang, "preview")]
    )
    before, _, rest = texts.text(lang, "page").partition("{page}")
    between, _, after = rest.partition("{pages}")
    footer = (
        " ".join(css_string(line + "\n") for line in lines)
        + f" {css_string(before)} counter(page) {css_string(between)} counter(pages) {css_string(after)}"
    )
    direction = "direction: rtl; text-align: right; " if Wording(lang).dir == "rtl" else ""
    return Markup(  # noqa: S704  (built from our own wording, the number and the address, each a CSS string)
        f"@page sheet-{lang} {{ @bottom-right {{ {direction}content: {footer}; }} }}\n"
        f".sheet[lang={lang}] {{ page: sheet-{lang}; }}\n"
    )


def render_certificate_pdf(content: dict, *, preview: bool = False) -> bytes:
    """The certificate as an unsealed, tagged PDF/A document; sealing is the issuing service's step.

    Every page's footer (the QR code, the section's lines about verification and the page number) is printed by
    @page margin boxes: WeasyPrint lays out twice every page where a running element appears.
    """
    first, languages = content["languages"][0], content["languages"]
    code = content.get("verification_code")
    qr = qr_image(verification_url(code)) if code else None
    context = {
        "sections": render_sections(content, preview=preview),
        "pages": [page_rule(content, lang) for lang in languages],
        "title": texts.text(first, "title"),
        "number": content.get("number"),
        "qr": None,
        "qr_alts": [],
    }
    if qr:
        context.update(
            qr=QR_RESOURCE,
            qr_resolution=f"{qr.resolution_dppx:.4f}",
            qr_alts=[(lang, qr_alt(content, lang)) for lang in languages],
        )
    return pdf.render_pdf(
        DOCUMENT_TEMPLATE,
        context,
        lang=first,
        resources={QR_RESOURCE: qr.png} if qr else {},
        stylesheets=(STYLESHEET,),
        variant=pdf.TAGGED_PDF_VARIANT,
    )
