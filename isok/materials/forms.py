"""The material bank's forms; choices that depend on the data (organisations, units) are set by the views."""

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from isok.catalogue.models import Field
from isok.forms import Form, MultiCheckboxField, VersionedForm, choices
from isok.i18n import CLIENT_LOCALES
from isok.materials.models import Audience, Kind, Licence
from isok.translation import lazy_gettext as _l

# The languages a material's title and description are written in: every language the interface speaks.
TEXT_LANGUAGES = CLIENT_LOCALES
OPEN_LANGUAGES = ("fi", "sv", "en")  # shown open in the form; the others behind "more languages"


def per_language(cls):
    """A title and a description field per language (title_fi, description_so, …): people write what they can."""
    for code in TEXT_LANGUAGES:
        setattr(cls, f"title_{code}", StringField(_l("Title"), validators=[Optional(), Length(max=300)]))
        setattr(
            cls, f"description_{code}", TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
        )
    return cls


@per_language
class MaterialForm(VersionedForm):
    organisation_id = SelectField(_l("Shared by"), coerce=int)
    text_language = SelectField(
        _l("Language the material is described in"),
        description=_l("Texts left empty in another language show this language's text."),
    )
    kind = SelectField(_l("Kind"), choices=choices(Kind.choices()))
    field = SelectField(
        _l("Field (ISCED-F 2013)"),
        validators=[Optional()],
        choices=choices([("", _l("Any field")), *Field.choices()]),
    )
    unit_ids = SelectMultipleField(
        _l("Qualification units it serves"),
        coerce=int,
        validators=[Optional()],
        description=_l("Hold Ctrl (or ⌘) to choose several."),
    )
    languages = MultiCheckboxField(_l("Languages of the content"), validators=[Optional()])
    other_languages = StringField(
        _l("Other languages of the content"),
        validators=[Optional(), Length(max=100)],
        description=_l("Their codes, separated by commas (for example prs, am, ku)."),
    )
    audiences = MultiCheckboxField(
        _l("For whom"),
        validators=[Optional()],
        choices=choices(Audience.choices()),
    )
    licence = SelectField(
        _l("Licence"),
        validators=[Optional()],
        choices=choices([("", _l("Choose a licence")), *Licence.choices()]),
        description=_l("Creative Commons materials are public: anyone may find and use them, also without signing in."),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Words that help to find it, separated by commas."),
    )
    link = StringField(
        _l("Link"),
        validators=[Optional(), Length(max=500)],
        description=_l("If the material is kept elsewhere: its web address."),
    )
    file = FileField(
        _l("File"),
        description=_l(
            "PDF, picture, Word or OpenDocument text, plain text, sound (MP3, Ogg, M4A) or video (MP4, WebM). "
            "More files and new versions can be added on the material's page."
        ),
    )


class FileForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why it is withdrawn"), validators=[InputRequired(), Length(max=2000)])


class ReportForm(Form):
    text = TextAreaField(_l("What is wrong with it"), validators=[InputRequired(), Length(max=2000)])


class SearchForm(Form):
    """The bank's search and facets (a GET form: it changes nothing); the views put the counts on the choices."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    field = SelectField(_l("Field"), validators=[Optional()])
    unit = SelectField(_l("Qualification unit"), validators=[Optional()])
    language = SelectField(_l("Language of the content"), validators=[Optional()])
    audience = SelectField(_l("For whom"), validators=[Optional()])
    licence = SelectField(_l("Licence"), validators=[Optional()])
    organisation = SelectField(_l("Shared by"), validators=[Optional()])
