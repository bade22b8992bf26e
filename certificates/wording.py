"""How one language section of a certificate prints its texts, including those it did not write itself.

A stored text missing in the section's language falls back to another (isok.i18n.TEXT_FALLBACK). The section
then says so with a small note in its own language, "(in English)", and isolates the text with its own `lang` and
`dir`, so English keeps its word order inside Arabic. Names, codes and the assessors' own words are isolated the
same way, with the direction of their own letters.

Browsers isolate `<bdi>` by themselves. WeasyPrint ignores `unicode-bidi` and dir="auto": it shapes each inline box
in the box's own direction and lays a right-to-left line's boxes out in reverse order. So every isolate here
carries an explicit `dir`, which gives the same result in both.
"""

import re

from babel import UnknownLocaleError
from markupsafe import Markup, escape

from certificates import texts
from isok.i18n import direction_of, language_name, localized_with_language, text_direction


def _direction_of_language(code: str, text: str) -> str | None:
    try:
        return text_direction(code)
    except (UnknownLocaleError, ValueError):
        return direction_of(text)


def level_text(code: str, label: str) -> str:
    """A level as "code label", without repeating a code the label already holds ("Tyydyttävä 1", not "1 … 1")."""
    if not label:
        return code
    if re.search(rf"(?<!\w){re.escape(code)}(?!\w)", label):
        return label
    return f"{code} {label}"


class Wording:
    """Everything a section prints, as markup in the section's language (`lang`)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.dir = text_direction(lang)
        self.separator = texts.text(lang, "list_separator")

    def t(self, key: str, **values) -> Markup:
        """The section's fixed wording; values are escaped unless they are markup already (a name, say)."""
        wording = escape(texts.TEXTS[self.lang][key])
        return wording.format(**values) if values else wording

    def join(self, items) -> Markup:
        return escape(self.separator).join(items)

    def pick(self, values: dict[str, str] | None) -> tuple[str, str | None]:
        """The text in the section's language, or its fallback with the fallback's language code."""
        text, code = localized_with_language(values, self.lang)
        return text, (None if code in (None, self.lang) else code)

    def note(self, code: str | None) -> Markup:
        """ "(in English)" in the section's language, for a text that is in `code` instead."""
        if code is None:
            return Markup("")
        wording = texts.TEXTS[self.lang].get(f"in_{code}") or f"({language_name(code, self.lang)})"
        return Markup(' <span class="other-language">{}</span>').format(wording)

    def isolate(self, text: str, code: str | None = None, direction: str | None = None) -> Markup:
        """The text as a bidi isolate with its own language (`code`; "" when unknown) and direction."""
        direction = direction or (_direction_of_language(code, text) if code else direction_of(text))
        attributes = Markup("")
        if code is not None:
            attributes += Markup(' lang="{}"').format(code)
        if direction:
            attributes += Markup(' dir="{}"').format(direction)
        return Markup("<bdi{}>{}</bdi>").format(attributes, text)

    def loc(self, values: dict[str, str] | None) -> Markup:
        """A stored multilingual text: plain in the section's language, otherwise isolated and marked."""
        text, code = self.pick(values)
        if code is None:
            return escape(text)
        return self.isolate(text, code) + self.note(code)

    def name(self, text: str | None) -> Markup:
        """A name, a place or a code: isolated when its letters run the other way from the section's."""
        text = text or ""
        direction = direction_of(text)
        if direction is None or direction == self.dir:
            return escape(text)
        return self.isolate(text, direction=direction)

    def words(self, text: str) -> Markup:
        """Words typed by people in a language nobody recorded: isolated, with their language marked unknown."""
        return self.isolate(text, "")

    def level(self, level: dict) -> tuple[Markup, str | None]:
        """A level on the scale, and the language its label fell back to (None: the section's own)."""
        label, code = self.pick(level.get("label"))
        text = level_text(level["code"], label)
        return (escape(text) if code is None else self.isolate(text, code)), code

    def column(self, cells: list[tuple[Markup, str | None]]) -> tuple[list[Markup], Markup]:
        """A table column's cells and the note for its heading.

        When every cell fell back to the same language, the heading says so once; otherwise each cell that fell
        back carries its own note.
        """
        codes = {code for _, code in cells}
        if len(codes) == 1:
            return [cell for cell, _ in cells], self.note(codes.pop())
        return [cell + self.note(code) for cell, code in cells], Markup("")

    def text_cell(self, values: dict[str, str] | None) -> tuple[Markup, str | None]:
        """A stored text for column(): isolated when it fell back, the note left to the column."""
        text, code = self.pick(values)
        return (escape(text) if code is None else self.isolate(text, code)), code

    def scale(self, scale: dict) -> Markup:
        """The scale's name and levels on one line; one note when all of it fell back to the same language."""
        name, name_code = self.pick(scale.get("name"))
        levels = [self.level(level) for level in scale["levels"]]
        codes = {name_code, *(code for _, code in levels)}
        if len(codes) == 1 and name_code is not None:
            plain = [level_text(level["code"], self.pick(level.get("label"))[0]) for level in scale["levels"]]
            return self.isolate(f"{name}: {' · '.join(plain)}", name_code) + self.note(name_code)
        line = self.loc(scale.get("name")) + Markup(": ")
        return line + Markup(" · ").join(cell + self.note(code) for cell, code in levels)
