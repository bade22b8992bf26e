"""Translated text in the current language: Flask-Babel's catalogue, found once per application context.

Flask-Babel looks the catalogue up again for every message (a dozen context lookups, about 6 µs each time), and a
list page translates some sixty labels. The catalogue found first is kept on `g` and dropped while force_locale
switches language, so what a message says is exactly what Flask-Babel would say.
"""

from contextlib import contextmanager

import flask_babel
from flask import g, has_app_context
from flask_babel.speaklater import LazyString

_KEY = "_isok_catalogue"


def _catalogue():
    if not has_app_context():
        return flask_babel.get_translations()  # untranslated, as Flask-Babel answers there
    catalogue = g.get(_KEY)
    if catalogue is None:
        catalogue = flask_babel.get_translations()
        setattr(g, _KEY, catalogue)
    return catalogue


def gettext(string: str, **variables) -> str:
    text = _catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated when it is shown, in the language of that moment (form labels, enum labels)."""
    return LazyString(gettext, string, **variables)


@contextmanager
def force_locale(locale: str):
    """Speak `locale` inside the block (a certificate section, a report in another language)."""
    with flask_babel.force_locale(locale):  # noqa: TID251 - the one place that wraps it
        saved = g.pop(_KEY, None) if has_app_context() else None
        try:
            yield
        finally:
            if has_app_context():
                g.pop(_KEY, None)
                if saved is not None:
                    setattr(g, _KEY, saved)


def install(app) -> None:
    """Templates translate through the same kept catalogue (after Flask-Babel installed its own callables)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _catalogue().ugettext(string),
        ngettext=lambda singular, plural, num: _catalogue().ungettext(singular, plural, num),
        newstyle=True,
    )


def refresh() -> None:
    """Choose the request's language again (its locale selector's answer changed), dropping the kept catalogue."""
    flask_babel.refresh()
    if has_app_context():
        g.pop(_KEY, None)
