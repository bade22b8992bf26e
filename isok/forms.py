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

from isok.extensions import db
from isok.rules import RuleBroken


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


def apply(form, change, *, default_field: str | None = None) -> bool:
    """Validate the form, run the service and commit; or roll back and put the refusal on its field, input kept.

    `change` runs the service; what it returns is kept as `form.result`. `form.status` is what the page answers
    when this returns False: 200 before a submit, 400 for bad input, the refusal's own status (409 for a lost save).
    A refusal naming no field of this form goes on `default_field`, or above the form.
    """
    form.status = 400 if form.is_submitted() else 200
    if not form.validate_on_submit():
        return False
    try:
        form.result = change()
    except RuleBroken as error:
        db.session.rollback()
        target = getattr(form, error.field or "", None) or getattr(form, default_field or "", None)
        if target is None:
            form.form_errors.append(str(error))
        else:
            target.errors = [*target.errors, str(error)]
        form.status = error.status
        return False
    db.session.commit()
    return True
