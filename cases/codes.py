"""Code lists for client data: countries (ISO 3166-1 alpha-2), languages (ISO 639), ISCED 2011 and CEFR levels.

Codes are validated against Babel's CLDR lists, and their names are shown in the user's language.
"""

from functools import cache

from babel import Locale
from flask_babel import get_locale

from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

# CLDR territory codes that are groupings or placeholders, not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}

ISCED_LEVELS = {
    0: _l("0 – Early childhood education"),
    1: _l("1 – Primary education"),
    2: _l("2 – Lower secondary education"),
    3: _l("3 – Upper secondary education"),
    4: _l("4 – Post-secondary non-tertiary education"),
    5: _l("5 – Short-cycle tertiary education"),
    6: _l("6 – Bachelor's or equivalent"),
    7: _l("7 – Master's or equivalent"),
    8: _l("8 – Doctoral or equivalent"),
}

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# The languages whose level is given on the CEFR scale (the validation languages of the project).
CEFR_LANGUAGES = ("fi", "sv", "en")


def _locale_code(locale: str | None) -> str:
    return locale or str(get_locale() or "en")


@cache
def _countries(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).territories
    return {
        code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


@cache
def _languages(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).languages
    return {code: name for code, name in names.items() if code.isalpha() and code.islower() and len(code) in (2, 3)}


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(_countries("en"))


@cache
def _language_codes() -> frozenset[str]:
    return frozenset(_languages("en"))


def is_country(code: str | None) -> bool:
    return bool(code) and code in _country_codes()


def is_language(code: str | None) -> bool:
    return bool(code) and code in _language_codes()


def country_name(code: str | None, locale: str | None = None) -> str:
    if not code:
        return ""
    return _countries(_locale_code(locale)).get(code, code)


def language_name(code: str | None, locale: str | None = None) -> str:
    if not code:
        return ""
    return _languages(_locale_code(locale)).get(code, code)


@cache
def _country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_countries(locale).items(), key=lambda pair: pair[1].casefold()))


@cache
def _language_choices(locale: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_languages(locale).items(), key=lambda pair: pair[1].casefold()))


def country_choices(locale: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs sorted by the name in the user's language (sorted once per language)."""
    return _country_choices(_locale_code(locale))


def language_choices(locale: str | None = None) -> tuple[tuple[str, str], ...]:
    return _language_choices(_locale_code(locale))


class CodeError(ValueError):
    pass


def parse_languages(text: str | None) -> list[dict]:
    """Read "fi A2, en B1, ru" into [{"code": "fi", "level": "A2"}, ...]; CEFR levels required for fi/sv/en."""
    result = []
    for part in (text or "").replace(";", ",").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2:
            raise CodeError(_('Write each language as a code and a level, e.g. "fi A2".'))
        code = words[0].lower()
        level = words[1].upper() if len(words) == 2 else None
        if not is_language(code):
            raise CodeError(_("Unknown language code: %(code)s", code=words[0]))
        if level is not None and level not in CEFR_LEVELS:
            raise CodeError(_("Unknown level %(level)s: use A1, A2, B1, B2, C1 or C2.", level=words[1]))
        if level is None and code in CEFR_LANGUAGES:
            raise CodeError(_("Give the CEFR level (A1–C2) for %(code)s.", code=code))
        result.append({"code": code, "level": level})
    return result


def format_languages(languages: list[dict] | None) -> str:
    """The inverse of parse_languages, to put a stored list back into a text field."""
    return ", ".join(
        f"{item['code']} {item['level']}" if item.get("level") else item["code"] for item in languages or []
    )


def describe_languages(languages: list[dict] | None, locale: str | None = None) -> str:
    return ", ".join(
        f"{language_name(item['code'], locale)} {item.get('level') or ''}".strip() for item in languages or []
    )
