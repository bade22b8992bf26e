"""Form pieces shared by every package."""

from collections.abc import Callable, Mapping
from functools import cache, lru_cache, partial
from types import MappingProxyType

from babel.support import Translations
from flask import abort, flash, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm  # noqa: TID251 - the one place that builds on it
from markupsafe import Markup, escape
from wtforms import FieldList, HiddenField, SelectField, SelectMultipleField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from isok.extensions import db
from isok.rules import RuleBroken
from isok.translation import gettext as _


@cache
def _wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every form of the app: Flask-WTF's, with WTForms' own messages read from disk once per language.

    Flask-WTF loads WTForms' message catalogue again in every request that validates a choice field (a select
    records "Not a valid choice." on its way to an empty optional value); on a list page that was a third of the
    filter form's cost.
    """

    status = 200  # what the page answers; `apply` sets it
    grid_errors: Mapping[str, str] = MappingProxyType({})  # `apply_grid` sets it

    class Meta:
        def get_translations(self, form):
            if not has_request_context():
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))


class ActionForm(Form):
    """A button that changes something: nothing to fill in but the CSRF token."""


class VersionedForm(Form):
    """A form editing a record that others may edit at the same time; the version it was loaded at travels along.

    A submission's version is what it sent, never the record's: WTForms fills a field the request lacks from `obj`,
    which would make a form sent without its version look loaded at the current one and save over whatever was
    saved meanwhile. A submission without it has no version (`isok.concurrency.check_version` refuses it).
    """

    version = HiddenField()

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        sent = self.meta.wrap_formdata(self, formdata)
        if sent is not None and self.version.name not in sent:
            self.version.data = None


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


CodeList = Callable[[], "list[tuple[str, str]] | tuple[tuple[str, str], ...]"]


@lru_cache(maxsize=128)
def _code_options(options: CodeList, locale: str, blank: str | None) -> str:
    """The <option> markup of a code list in one language, written once: `options` reads the current language."""
    pairs = ([("", blank)] if blank is not None else []) + list(options())
    return "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in pairs)


class _CodeListSelect(Select):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if getattr(field.flags, flag, False) and flag not in kwargs:
                kwargs[flag] = True
        options = _code_options(field.options, str(get_locale()), field.blank_text())
        chosen = f'<option value="{escape(field.data or "")}">'
        options = options.replace(chosen, chosen[:-1] + " selected>", 1)
        # every value and name above was escaped (html_params escapes the attributes)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704


class CodeListField(SelectField):
    """A choice from a long code list (every language of ISO 639, every country), as a plain <select>.

    Its options are written once per language and kept: built through WTForms' option widget on every request,
    the few hundred languages of one select were most of the case page's time. `options()` gives the (code, name)
    pairs in the current language; `blank` labels the empty choice where the field may be left empty.
    """

    widget = _CodeListSelect()

    def __init__(self, label=None, validators=None, *, options: CodeList, blank=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)
        self.options = options
        self.blank = blank

    def blank_text(self) -> str | None:
        return None if self.blank is None else str(self.blank)

    def iter_choices(self):
        self.choices = choices(([("", self.blank)] if self.blank is not None else []) + list(self.options()))
        return super().iter_choices()

    def pre_validate(self, form):
        if self.data in ("", None) and self.blank is not None:
            return
        if self.data not in dict(self.options()):
            raise ValidationError(self.gettext("Not a valid choice."))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _field_for(form, name: str | None):
    """The form's field a refusal names, if it can show a message: not the hidden version, not a list of rows."""
    field = getattr(form, name or "", None)
    if field is None or isinstance(field, FieldList) or field.name == "version":
        return None
    return field


def _show_on_form(form, default_field: str | None, error: RuleBroken) -> None:
    target = _field_for(form, error.field) or _field_for(form, default_field)
    if target is None:
        form.form_errors.append(str(error))
    else:
        target.errors = [*target.errors, str(error)]


def apply(form, change, *, default_field: str | None = None, refused=None) -> bool:
    """Validate the form, run the service and commit; or roll back and put the refusal on its field, input kept.

    `change` runs the service; what it returns is kept as `form.result`. `form.status` is what the page answers
    when this returns False: 200 before a submit, 400 for bad input, the refusal's own status (409 for a lost save).
    A refusal naming no field of this form goes on `default_field`, or above the form; `refused(error)`, when
    given, shows it instead.
    """
    form.status = 400 if form.is_submitted() else 200
    if not form.validate_on_submit():
        return False
    try:
        form.result = change()
    except RuleBroken as error:
        db.session.rollback()
        (refused or partial(_show_on_form, form, default_field))(error)
        form.status = error.status
        return False
    db.session.commit()
    return True


def apply_grid(form, change) -> bool:
    """`apply` for a page whose inputs are a grid of rows rather than fields of the form.

    What went wrong is left in `form.grid_errors`, keyed by input name, with the page's message under "_".
    """
    form.grid_errors = {}
    if apply(form, change, refused=lambda error: form.grid_errors.update({**error.errors, "_": str(error)})):
        return True
    if form.is_submitted() and not form.grid_errors:
        form.grid_errors = {"_": _("The form expired. Send it again; nothing you typed was lost.")}
    return False


def act(change, success) -> bool:
    """A button's change (the CSRF token is its only input): commit and flash `success` (or what it makes of the
    change's result), or roll back and flash the refusal."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = change()
    except RuleBroken as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return True
