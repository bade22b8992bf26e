from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from isok.forms import Form
from isok.translation import lazy_gettext as _l

TEXT_LANGUAGES = ("fi", "sv", "en")


def texts_of(form, prefix: str) -> dict[str, str]:
    """The multilingual text typed into the fields <prefix>_fi, <prefix>_sv, <prefix>_en."""
    return {code: getattr(form, f"{prefix}_{code}").data or "" for code in TEXT_LANGUAGES}


def fill_texts(form, prefix: str, texts: dict | None) -> None:
    for code in TEXT_LANGUAGES:
        getattr(form, f"{prefix}_{code}").data = (texts or {}).get(code, "")


def _text(label, area=False, max_length=1000):
    return (TextAreaField if area else StringField)(label, validators=[Optional(), Length(max=max_length)])


class VersionForm(Form):
    name_fi = _text(_l("Name in Finnish"), max_length=300)
    name_sv = _text(_l("Name in Swedish"), max_length=300)
    name_en = _text(_l("Name in English"), max_length=300)
    field_fi = _text(_l("Field in Finnish"), max_length=200)
    field_sv = _text(_l("Field in Swedish"), max_length=200)
    field_en = _text(_l("Field in English"), max_length=200)
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=300)],
        description=_l("The national requirements the framework follows, e.g. a regulation number."),
    )
    scale_id = SelectField(_l("Assessment scale"), coerce=int)


class NewFrameworkForm(VersionForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("A short identifier that stays the same across versions, e.g. fi-vq-catering."),
    )


class UnitForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name_fi = _text(_l("Name in Finnish"), max_length=300)
    name_sv = _text(_l("Name in Swedish"), max_length=300)
    name_en = _text(_l("Name in English"), max_length=300)
    credits = IntegerField(_l("Competence points"), validators=[Optional(), NumberRange(min=0, max=1000)])


class OutcomeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    text_fi = _text(_l("Learning outcome in Finnish"), area=True)
    text_sv = _text(_l("Learning outcome in Swedish"), area=True)
    text_en = _text(_l("Learning outcome in English"), area=True)


LANGUAGE_LABELS = {"fi": _l("in Finnish"), "sv": _l("in Swedish"), "en": _l("in English")}


def outcome_form_class(levels) -> type[OutcomeForm]:
    """An outcome form with a criterion text per level of the scale and language: criterion_<rank>_<language>."""
    fields = {
        f"criterion_{level.rank}_{code}": _text(
            _l("Criterion at level %(level)s %(language)s", level=level.code, language=LANGUAGE_LABELS[code]), area=True
        )
        for level in levels
        for code in TEXT_LANGUAGES
    }
    return type("CriteriaOutcomeForm", (OutcomeForm,), fields)


class ImportForm(Form):
    file = FileField(
        _l("Framework file (JSON)"),
        validators=[FileRequired(_l("Choose a JSON file."))],
        description=_l("A new code creates a framework; a known code adds a new draft version to it."),
    )


class TargetQualificationForm(Form):
    version_id = SelectField(_l("Target qualification"), coerce=int, validators=[DataRequired()])
