from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cases.codes import ISCED_LEVELS, country_choices, language_choices
from cases.models import (
    Answer,
    ClientType,
    ConsentPurpose,
    Gender,
    GuidanceKind,
    LabourMarketResult,
    LabourStatus,
    Stage,
)
from isok.forms import CodeListField, Form, MultiCheckboxField, VersionedForm, choices
from isok.translation import lazy_gettext as _l


def _enum_choices(labelled, empty=None):
    return choices(([("", empty)] if empty is not None else []) + labelled.choices())


ANSWERS = _enum_choices(Answer)


class ClientFields:
    """The client's personal data and situation at entry (country and language choices are set per request)."""

    first_name = StringField(_l("First names"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    latin_name = StringField(
        _l("Name in Latin letters"),
        validators=[Optional(), Length(max=201)],
        description=_l(
            "Only when the name is written in another script: the name as in the "
            "passport, e.g. “Amina Hassan”. Certificates show it beside the name."
        ),
    )
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    gender = SelectField(_l("Gender"), choices=_enum_choices(Gender), default="not_stated")
    country_of_birth = CodeListField(
        _l("Country of birth"), validators=[Optional()], options=country_choices, blank=_l("Not recorded")
    )
    citizenship = CodeListField(
        _l("Citizenship"), validators=[Optional()], options=country_choices, blank=_l("Not recorded")
    )
    mother_tongue = CodeListField(
        _l("Mother tongue"), validators=[Optional()], options=language_choices, blank=_l("Not recorded")
    )
    languages = StringField(
        _l("Other languages"),
        validators=[Optional(), Length(max=300)],
        description=_l(
            "Language codes with a CEFR level, separated by commas, e.g. "
            "“fi A2, en B1, ru”. The level is needed for fi, sv and en."
        ),
    )
    arrival_year = IntegerField(_l("Year of arrival in Finland"), validators=[Optional()])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    preferred_language = SelectField(_l("Preferred language for communication"))
    certificate_language = SelectField(_l("Language of certificates"), validators=[Optional()])
    labour_status = SelectField(
        _l("Labour-market status at entry"), choices=_enum_choices(LabourStatus, _l("Not recorded"))
    )
    long_term_unemployed = BooleanField(_l("Long-term unemployed"))
    in_education_or_training = BooleanField(_l("Inactive, in education or training"))
    self_employed = BooleanField(_l("Self-employed"))
    isced_level = SelectField(
        _l("Highest completed education (ISCED 2011)"),
        validators=[Optional()],
        choices=choices([("", _l("Not recorded"))] + [(str(k), v) for k, v in ISCED_LEVELS.items()]),
    )
    education_country = CodeListField(
        _l("Country where it was completed"), validators=[Optional()], options=country_choices, blank=_l("Not recorded")
    )
    third_country_national = SelectField(
        _l("Third-country national (not an EU citizen)"), choices=ANSWERS, default="not_asked"
    )
    foreign_background = SelectField(_l("Foreign background"), choices=ANSWERS, default="not_asked")
    minority = SelectField(_l("Belongs to a minority"), choices=ANSWERS, default="not_asked")
    disability = SelectField(_l("Disability"), choices=ANSWERS, default="not_asked")
    homeless = SelectField(_l("Homeless or affected by housing exclusion"), choices=ANSWERS, default="not_asked")
    rural = SelectField(_l("Lives in a rural area"), choices=ANSWERS, default="not_asked")


CLIENT_FORM_FIELDS = [name for name in vars(ClientFields) if not name.startswith("_")]


class ClientForm(VersionedForm, ClientFields):
    has_login = BooleanField(
        _l("The client logs in with this email address"),
        description=_l("Their login must exist: give it from the client's page."),
    )


class GiveLoginForm(Form):
    email = EmailField(
        _l("The client's email address"),
        validators=[Optional(), Length(max=254)],
        description=_l("The client logs in with it; it is also recorded as their email."),
    )


class NewClientForm(Form, ClientFields):
    target = StringField(_l("Target field or qualification"), validators=[Optional(), Length(max=200)])
    client_type = SelectField(_l("Client type"), choices=_enum_choices(ClientType))
    entry_date = DateField(_l("Entry date"), validators=[InputRequired()])
    counsellor_id = SelectField(_l("Responsible counsellor"), coerce=int)
    confirm_not_duplicate = BooleanField(_l("This is a different person: save anyway"))


class CaseForm(VersionedForm):
    target = StringField(_l("Target field or qualification"), validators=[Optional(), Length(max=200)])
    client_type = SelectField(_l("Client type"), choices=_enum_choices(ClientType))
    entry_date = DateField(_l("Entry date"), validators=[InputRequired()])
    counsellor_id = SelectField(_l("Responsible counsellor"), coerce=int)
    co_counsellor_ids = MultiCheckboxField(_l("Co-counsellors"), coerce=int)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10_000)])


class NewCaseForm(Form):
    target = StringField(_l("Target field or qualification"), validators=[Optional(), Length(max=200)])
    client_type = SelectField(_l("Client type"), choices=_enum_choices(ClientType))
    entry_date = DateField(_l("Entry date"), validators=[InputRequired()])
    counsellor_id = SelectField(_l("Responsible counsellor"), coerce=int)


class StageForm(VersionedForm):
    stage = SelectField(_l("Move to"), choices=_enum_choices(Stage))
    on = DateField(_l("Date of the move"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class GuidanceForm(Form):
    on = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=_enum_choices(GuidanceKind))
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[Optional(), NumberRange(1, 1440)])
    interpreter_language = CodeListField(
        _l("Interpreter used (language)"), validators=[Optional()], options=language_choices, blank=_l("No interpreter")
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10_000)])
    shareable = BooleanField(_l("The client may see this entry"))


class AppointmentForm(Form):
    starts_at = DateTimeLocalField(_l("Date and time"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=_enum_choices(GuidanceKind))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])


def _labour_result_field(label, description):
    return RadioField(label, choices=_enum_choices(LabourMarketResult, empty=_l("Not known")), description=description)


class ExitForm(VersionedForm):
    exit_date = DateField(_l("Exit date"), validators=[InputRequired()])
    labour_status = _labour_result_field(
        _l("Labour-market status within four weeks of leaving"),
        _l(
            "The last one within the four weeks counts: someone who found a job on day 20 is employed; someone "
            "employed at once but looking for work again by day 28 is job searching."
        ),
    )
    in_education = BooleanField(_l("In education or training within four weeks of leaving"))
    qualification = BooleanField(
        _l("Gained a qualification within four weeks of leaving"),
        description=_l(
            "A qualification or a recognised qualification unit, certified by "
            "an authorised provider; not a statement of this project alone."
        ),
    )
    study_path_shortened = SelectField(
        _l("Did the validation shorten a study path?"), choices=ANSWERS, default="not_asked"
    )
    study_months_saved = IntegerField(_l("By how many months"), validators=[Optional()])


class FollowUpForm(Form):
    on = DateField(_l("Date of the follow-up"), validators=[InputRequired()])
    labour_status = _labour_result_field(
        _l("Labour-market status six months after exit"), _l("“Not known” records that the client did not answer.")
    )
    in_education = BooleanField(_l("In education or training six months after exit"))


class ConsentForm(Form):
    purpose = SelectField(_l("The client agreed to"), choices=_enum_choices(ConsentPurpose))
    workplace = StringField(
        _l("Named workplace"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only for sharing with a workplace."),
    )
    given_on = DateField(_l("Date"), validators=[InputRequired()])
    information_language = CodeListField(_l("Language the information was given in"), options=language_choices)


class WithdrawConsentForm(Form):
    withdrawn_on = DateField(_l("Withdrawn on"), validators=[InputRequired()])


class ReassignForm(Form):
    counsellor_id = SelectField(_l("New responsible counsellor"), coerce=int)
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class TransferForm(Form):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class ImportForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class EraseForm(Form):
    confirm = BooleanField(
        _l("I understand that the personal data cannot be restored."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class CaseFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    stage = SelectField(_l("Stage"), validators=[Optional()], choices=_enum_choices(Stage, _l("Any")))
    counsellor_id = SelectField(_l("Counsellor"), coerce=int, validators=[Optional()])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    client_type = SelectField(_l("Client type"), validators=[Optional()], choices=_enum_choices(ClientType, _l("Any")))
    entry_from = DateField(_l("Entry from"), validators=[Optional()])
    entry_to = DateField(_l("Entry to"), validators=[Optional()])
    sort = SelectField(
        _l("Sort by"),
        choices=choices(
            [
                ("activity", _l("Latest activity")),
                ("name", _l("Name")),
                ("entry", _l("Entry date, newest first")),
                ("entry_asc", _l("Entry date, oldest first")),
                ("stage", _l("Stage")),
            ]
        ),
        validators=[Optional()],
    )
