"""Form pieces shared by every package."""

from functools import cache

from babel.support import Translations
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm  # noqa: TID251 - the one place that builds on it
from wtforms import HiddenField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget


@cache
def _wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every form of the app: Flask-WTF's, with WTForms' own messages read from disk once per language.

    Flask-WTF loads WTForms' message catalogue again in every request that validates a choice field (a select
    records "Not a valid choice." on its way to an empty optional value); on a list page that was a third of the
    filter form's cost.
    """

    class Meta:
        def get_translations(self, form):
            if not has_request_context():
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))


class ActionForm(Form):
    """A button that changes something: nothing to fill in but the CSRF token."""


class VersionedForm(Form):
    """A form editing a record that others may edit at the same time; the version it was loaded at travels along."""

    version = HiddenField()


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
