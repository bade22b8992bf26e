from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from assessment.interviews.models import Verification
from isok.forms import MultiCheckboxField, VersionedForm, choices
from isok.i18n import CLIENT_LOCALES, language_name
from isok.translation import lazy_gettext as _l

# Languages an interview is held in or interpreted from: the project's and its clients' languages, and a few more
# common among newcomers to Finland.
INTERVIEW_LANGUAGES = CLIENT_LOCALES + ("ku", "tr", "vi", "th", "zh", "es", "fr", "de", "et", "sq", "ps", "am")


def language_choices(blank=None):
    pairs = sorted(((code, language_name(code)) for code in INTERVIEW_LANGUAGES), key=lambda pair: pair[1].lower())
    return choices(([("", blank)] if blank else []) + pairs)


def _optional_link(form, field):
    if field.data and not field.data.startswith(("https://", "http://")):
        raise ValidationError(_l("A video link starts with https://."))


class InterviewForm(VersionedForm):
    teacher_id = SelectField(_l("Vocational teacher"), coerce=int, validate_choice=False)
    date = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Start time"), validators=[InputRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[InputRequired()])
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=200)],
        description=_l("Address and room; or leave empty for a video interview."),
    )
    video_link = StringField(_l("Video link"), validators=[Optional(), Length(max=500), _optional_link])
    language = SelectField(_l("Language of the interview"))
    interpreter_language = SelectField(_l("Interpreter"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.interpreter_language.choices = language_choices(blank=_l("No interpreter needed"))


RESULT_CHOICES = [("", _l("Not discussed"))] + Verification.choices()


class RecordForm(VersionedForm):
    placement = BooleanField(_l("Recommend an on-the-job placement"))
    training = BooleanField(_l("Recommend further training"))
    certify_units = MultiCheckboxField(_l("Recommend direct certification of these units"), coerce=int)
    steps_note = TextAreaField(_l("Notes on the next steps"), validators=[Optional(), Length(max=2000)])


def record_form_class(outcomes) -> type[RecordForm]:
    """The record form with a result and a note per learning outcome: result_<id>, note_<id>."""
    fields = {}
    for outcome in outcomes:
        fields[f"result_{outcome.id}"] = SelectField(
            outcome.code, choices=choices(RESULT_CHOICES), validators=[Optional()]
        )
        fields[f"note_{outcome.id}"] = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    return type("OutcomeRecordForm", (RecordForm,), fields)
