"""Messages come from the catalogue kept for the request, and follow force_locale in and out."""

from flask import render_template_string

from isok.translation import force_locale, gettext, lazy_gettext, ngettext


def test_messages_follow_the_request_language_and_force_locale(app):
    label = lazy_gettext("Cases")
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        assert gettext("Cases") == "Asiakkuudet" == str(label)
        with force_locale("sv"):
            assert gettext("Cases") == "Ärenden" == str(label)
            assert render_template_string("{{ _('Cases') }}") == "Ärenden"
            with force_locale("en"):
                assert gettext("Cases") == "Cases"
            assert gettext("Cases") == "Ärenden"
        assert gettext("Cases") == "Asiakkuudet" == render_template_string("{{ _('Cases') }}")
        assert ngettext("%(num)d file", "%(num)d files", 1) == "1 tiedosto"


def test_outside_any_application_the_text_stays_as_written():
    assert gettext("Cases") == "Cases"
    with force_locale("fi"):
        assert gettext("Cases") == "Cases"
