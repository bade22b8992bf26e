"""Additions to WeasyPrint's tagged PDF (`pdf_tags`): each element's own language, and the page margins.

WeasyPrint 70 builds the structure tree from its boxes (`weasyprint.pdf.tags._build_box_tree`) but writes a
language only once, for the whole document (`<html lang>`), so a screen reader reads an Arabic section with
Finnish rules. And it marks what `@page` margin boxes print (footers, page numbers, the certificate's QR code) as
content without putting it in the tree, which leaves that content neither tagged nor an artifact.

`install()` wraps the builder: a structure element made from an HTML element with a `lang` attribute gets that
language as its `/Lang` (ISO 32000-1, 14.9.2; "" means unknown, as in HTML), and a margin box's content is tagged
after its page's content, in the language of the page's content. An image a margin box prints (CSS
`content: url(...)`, which has no element to carry an `alt`) is tagged as a `Figure` with the alternative text the
document declares for the page's language: `<meta name="margin-image-alt" lang="fi" content="...">` in its head
(the one without `lang` for any other).

WeasyPrint also makes each piece of text its own `Span` structure element holding one marked-content id: 40% of a
certificate's objects, written by pydyf and read again by every signature added to the file. Here the text's id
goes into the element that holds the text instead (ISO 32000-1, 14.7.2: a structure element's kids may be
marked-content ids), which is what the Span said: the text belongs to that paragraph, cell or heading.

The wrapper replaces the module's function, which the builder calls for each child too. WeasyPrint is pinned below
71 (pyproject.toml); tests/test_pdf.py fails if a new version stops calling it.
"""

import threading

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

_original = tags._build_box_tree
MARGIN_IMAGE_ALT = "margin-image-alt"
_page_state = threading.local()  # the page's language and its margin images' text, while its tree is built


class _TextsInTheirElements:
    """The PDF as the structure builder sees it: a text's own Span is not added, and its references (in its element's
    kids and in the page's marked-content map) name the element that holds the text; `texts` keeps the ids."""

    def __init__(self, pdf):
        self._pdf = pdf
        self.texts: dict[int, list[int]] = {}  # element's object number: its texts' marked-content ids, in order
        # pydyf builds this tuple anew each time the builder asks, once per structure element; the pages are set.
        self.page_references = pdf.page_references

    def add_object(self, structure) -> None:
        kids = structure.get("K")
        if structure.get("S") == "/Span" and "A" not in structure and len(kids or ()) == 1 and type(kids[0]) is int:
            structure.number = int(structure["P"].split()[0])
            self.texts.setdefault(structure.number, []).append(kids[0])
            return
        self._pdf.add_object(structure)

    def own_texts(self, structure) -> None:
        """Put the ids of the texts in place of the references the builder gave their Spans."""
        texts = self.texts.pop(structure.number, None)
        if texts:
            ids, itself = iter(texts), structure.reference
            structure["K"] = pydyf.Array(next(ids) if kid == itself else kid for kid in structure["K"])


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, marked):
    if isinstance(box, boxes.PageBox):
        yield from _page(box, parent, _TextsInTheirElements(pdf), page_number, nums, annotations, marked)
        return
    if isinstance(box, boxes.MarginBox):
        for child in box.children:
            yield from tags._build_box_tree(child, parent, pdf, page_number, nums, annotations, marked)
        return
    if isinstance(box, boxes.ReplacedBox) and box.element is None:  # an image printed by generated content
        for structure in _original(box, parent, pdf, page_number, nums, annotations, marked):
            alt, language = getattr(_page_state, "alt", None), getattr(_page_state, "language", None)
            if alt:
                if language is not None:
                    structure["Lang"] = language
                x, y = box.content_box_x(), box.content_box_y()
                structure["S"] = "/Figure"
                structure["Alt"] = pydyf.String(alt)
                structure["A"] = pydyf.Dictionary(
                    {"O": "/Layout", "BBox": pydyf.Array((x, y, x + box.width, y + box.height))}
                )
            yield structure
        return
    element = getattr(box, "element", None)
    lang = element.get("lang") if element is not None else None
    for structure in _original(box, parent, pdf, page_number, nums, annotations, marked):
        pdf.own_texts(structure)
        if lang is not None and "Lang" not in structure:
            structure["Lang"] = pydyf.String(lang)
        yield structure


def _margin_image_alts(page) -> dict[str | None, str]:
    """The document's `<meta name="margin-image-alt">` texts by language (None: any language)."""
    root = next((child.element for child in page.children if getattr(child, "element_tag", None) == "html"), None)
    if root is None:
        return {}
    return {
        meta.get("lang"): meta.get("content", "") for meta in root.iter("meta") if meta.get("name") == MARGIN_IMAGE_ALT
    }


def _page(box, parent, pdf, page_number, nums, annotations, marked):
    """A page's content, then its margin boxes' content in the language of the page's content."""
    language = None
    alts = _margin_image_alts(box)
    _page_state.alt, _page_state.language = alts.get(None), None
    try:
        for structure in _original(box, parent, pdf, page_number, nums, annotations, marked):
            if "Lang" in structure:
                if language is None:
                    language = structure["Lang"]
                    _page_state.alt = alts.get(language.string, alts.get(None))
                    _page_state.language = language
            elif language is not None:
                structure["Lang"] = language
            yield structure
    finally:
        _page_state.alt = _page_state.language = None


def install() -> None:
    """Wrap WeasyPrint's structure builder once per process."""
    if tags._build_box_tree is not _build_box_tree:
        tags._build_box_tree = _build_box_tree
