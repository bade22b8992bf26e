"""Which language a page speaks, what the languages are called, and which way their text runs."""

import unicodedata
from functools import lru_cache

from babel import Locale
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from isok import translation
from isok.accounts import sessions
from isok.accounts.models import Role

DEFAULT_LOCALE = "fi"
# Staff screens: the project's working languages.
STAFF_LOCALES = ("fi", "sv", "en")
# Client screens and certificates also speak the clients' languages.
CLIENT_LOCALES = STAFF_LOCALES + ("ar", "fa", "ru", "so", "ti", "uk")


def interface_locales() -> tuple[str, ...]:
    """Staff work in the project's languages; clients, and visitors not logged in (who may be clients opening the
    login page or their password link for the first time), choose among all of the interface's languages."""
    user = current_user
    if not getattr(user, "is_authenticated", False) or Role.CLIENT in user.roles:
        return CLIENT_LOCALES
    return STAFF_LOCALES


def select_locale() -> str:
    """The user's saved choice, then an explicit switch in this browser, then the language of the person a page is
    for (speak_to), then Accept-Language, then Finnish."""
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    offered = CLIENT_LOCALES
    user = current_user
    if getattr(user, "is_authenticated", False) and user.locale in offered:
        return user.locale
    if session.get(sessions.PENDING):  # between the password and the code: the person's own language already
        waiting = sessions.pending_user()
        if waiting is not None and waiting.locale in offered:
            return waiting.locale
    if session.get("locale") in offered:
        return session["locale"]
    if g.get(_PERSON_LOCALE) in offered:
        return g.get(_PERSON_LOCALE)
    return request.accept_languages.best_match(interface_locales()) or DEFAULT_LOCALE


_PERSON_LOCALE = "isok_person_locale"


def speak_to(locale: str | None) -> None:
    """This page is for one known person who is not logged in (the owner of a password link): speak their saved
    language unless this browser chose one, as a client scanning their link on someone else's phone expects."""
    g.setdefault(_PERSON_LOCALE, locale)
    translation.refresh()


@lru_cache(maxsize=512)
def language_name(code: str, in_locale: str | None = None) -> str:
    """The language's name in its own tongue (or in in_locale), as people look for their language that way.
    Kept once worked out: parsing a locale costs more than a list page's row (the course catalogue names several
    languages per course)."""
    locale = Locale.parse(code)
    name = locale.get_display_name(in_locale or code) or code
    return name[:1].upper() + name[1:]


def text_direction(code: str) -> str:
    return Locale.parse(code).text_direction


def direction_of(text: str) -> str | None:
    """The direction of a text by its first strongly directional letter (HTML's dir="auto"), None if it has none.

    For renderers that do not resolve dir="auto" themselves, such as WeasyPrint.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def init_app(app) -> None:
    @app.context_processor
    def _language_context():
        locale = str(get_locale())
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "interface_locales": [(code, language_name(code)) for code in interface_locales()],
        }

    app.jinja_env.filters["localized"] = localized


# Texts typed by people (learning outcomes, criteria) are stored per language and fall back in this order.
TEXT_FALLBACK = ("en", "fi", "sv")


def localized(texts: dict[str, str] | None, locale: str | None = None) -> str:
    """Pick a stored multilingual text in the requested (or current) language, falling back in a declared order."""
    return localized_with_language(texts, locale)[0]


def localized_with_language(texts: dict[str, str] | None, locale: str | None = None) -> tuple[str, str | None]:
    """Like localized(), with the language of the text it picked (None when there was no text)."""
    if not texts:
        return "", None
    wanted = locale or str(get_locale() or DEFAULT_LOCALE)
    for code in (wanted, wanted.split("_")[0], *TEXT_FALLBACK):
        if texts.get(code):
            return texts[code], code
    return next(((text, code) for code, text in texts.items() if text), ("", None))
