"""Two additions to WeasyPrint's tagged PDF (`pdf_tags`): each element's own language, and the page margins.

WeasyPrint 70 builds the structure tree from its boxes (`weasyprint.pdf.tags._build_box_tree`) but writes a
language only once, for the whole document (`<html lang>`), so a screen reader reads an Arabic section with
Finnish rules. And it marks what `@page` margin boxes print (footers, page numbers, the certificate's QR code) as
content without putting it in the tree, which leaves that content neither tagged nor an artifact.

`install()` wraps the builder: a structure element made from an HTML element with a `lang` attribute gets that
language as its `/Lang` (ISO 32000-1, 14.9.2; "" means unknown, as in HTML), and a margin box's content is tagged
after its page's content, in the language of the page's content. The wrapper replaces the module's function, which
the builder calls for each child too. WeasyPrint is pinned below 71 (pyproject.toml); tests/test_pdf.py fails if a
new version stops calling it.
"""

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

_original = tags._build_box_tree


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, marked):
    if isinstance(box, boxes.PageBox):
        yield from _page(box, parent, pdf, page_number, nums, annotations, marked)
        return
    if isinstance(box, boxes.MarginBox):
        for child in box.children:
            yield from tags._build_box_tree(child, parent, pdf, page_number, nums, annotations, marked)
        return
    element = getattr(box, "element", None)
    lang = element.get("lang") if element is not None else None
    for structure in _original(box, parent, pdf, page_number, nums, annotations, marked):
        if lang is not None and "Lang" not in structure:
            structure["Lang"] = pydyf.String(lang)
        yield structure


def _page(box, parent, pdf, page_number, nums, annotations, marked):
    """A page's content, then its margin boxes' content in the language of the page's content."""
    language = None
    for structure in _original(box, parent, pdf, page_number, nums, annotations, marked):
        if "Lang" in structure:
            language = language or structure["Lang"]
        elif language is not None:
            structure["Lang"] = language
        yield structure


def install() -> None:
    """Wrap WeasyPrint's structure builder once per process."""
    if tags._build_box_tree is not _build_box_tree:
        tags._build_box_tree = _build_box_tree
