from flask_babel import get_locale
from wtforms import BooleanField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from isok.forms import Form, VersionedForm, choices
from isok.translation import lazy_gettext as _l
from portfolio.fields import (
    PERIOD_PATTERN,
    SECTION_FIELDS,
    TITLE_LABELS,
    TYPED_LANGUAGES,
    Field,
    country_choices,
    typed_language_choices,
)
from portfolio.models import Section
from portfolio.questionnaire import QUESTIONS

LANGUAGE_HINT = _l("The language you write in. Others see your text as you wrote it.")


def _detail_field(spec: Field):
    if spec.kind == "textarea":
        return TextAreaField(spec.label, validators=[Optional(), Length(max=4000)], description=spec.hint)
    if spec.kind == "choice":
        return SelectField(
            spec.label,
            validators=[Optional()],
            description=spec.hint,
            choices=choices([("", _l("Choose…")), *spec.choices.items()]),
        )
    if spec.kind in ("country", "language"):
        return SelectField(spec.label, validators=[Optional()], description=spec.hint)
    if spec.kind == "period":
        return StringField(
            spec.label,
            description=spec.hint,
            validators=[
                Optional(),
                Regexp(PERIOD_PATTERN, message=_l("Write a year, or a year and month, e.g. 2019-05.")),
            ],
        )
    if spec.kind == "bool":
        return BooleanField(spec.label, description=spec.hint)
    return StringField(spec.label, validators=[Optional(), Length(max=300)], description=spec.hint)


class EntryFormBase(VersionedForm):
    section: Section
    language = SelectField(_l("Language of your text"), description=LANGUAGE_HINT)
    shareable = BooleanField(
        _l("The workplace of a placement may see this item"),
        description=_l("Only the workplace named in your consent to share, and only while that consent stands."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices(typed_language_choices())
        if not self.language.data:
            self.language.data = _current_language()
        for spec in SECTION_FIELDS[self.section]:
            if spec.kind == "country":
                self[spec.name].choices = choices([("", _l("Choose…")), *country_choices()])
            elif spec.kind == "language":
                self[spec.name].choices = choices([("", _l("Choose…")), *typed_language_choices()])

    def detail_fields(self):
        return [self[spec.name] for spec in SECTION_FIELDS[self.section]]

    def details(self) -> dict:
        return {spec.name: self[spec.name].data for spec in SECTION_FIELDS[self.section]}


def _current_language() -> str:
    locale = str(get_locale())
    return locale if locale in TYPED_LANGUAGES else "fi"


def _entry_form_class(section: Section) -> type[EntryFormBase]:
    attributes = {
        "section": section,
        "title": StringField(TITLE_LABELS[section], validators=[DataRequired(), Length(max=200)]),
    }
    for spec in SECTION_FIELDS[section]:
        attributes[spec.name] = _detail_field(spec)
    return type(f"{section.name.title().replace('_', '')}EntryForm", (EntryFormBase,), attributes)


ENTRY_FORMS = {section: _entry_form_class(section) for section in Section}


def entry_form(section: Section, **kwargs) -> EntryFormBase:
    return ENTRY_FORMS[section](**kwargs)


class UploadForm(Form):
    files = MultipleFileField(
        _l("Add files"),
        description=_l("Photos, PDF, Word or OpenDocument texts, or plain text. Up to 10 files at a time."),
    )


class CommentForm(Form):
    text = TextAreaField(_l("Comment for the client"), validators=[DataRequired(), Length(max=4000)])


class ReviewForm(Form):
    decision = SelectField(
        _l("Decision"),
        validators=[DataRequired()],
        choices=choices([("return", _l("Return to the client for changes")), ("accept", _l("Accept the portfolio"))]),
    )
    note = TextAreaField(_l("Message to the client"), validators=[Optional(), Length(max=4000)])


class QuestionnaireForm(VersionedForm):
    language = SelectField(_l("Language of the answers"), description=LANGUAGE_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices(typed_language_choices())
        if not self.language.data:
            self.language.data = _current_language()


for _key in QUESTIONS:
    # Labels are drawn in two languages by the template from portfolio.questionnaire, not from here.
    setattr(QuestionnaireForm, _key, TextAreaField(_key, validators=[Optional(), Length(max=4000)]))
