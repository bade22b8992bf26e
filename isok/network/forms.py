from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from isok.accounts.models import CompanySize, OrganisationType
from isok.forms import Form, VersionedForm, choices
from isok.network.models import NARRATIVE_SECTIONS, TARGET_INDICATORS, RuleSet
from isok.translation import lazy_gettext as _l

NEW_ORGANISATION = 0


class PartnershipForm(VersionedForm):
    first_cooperation_on = DateField(
        _l("First cooperation"),
        validators=[DataRequired()],
        description=_l("The partner counts in the report period of this date."),
    )
    role = StringField(
        _l("Role in the project"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: placements, steering committee, assessment of competences"),
    )
    agreement_on = DateField(_l("Cooperation agreement signed"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class NewPartnerForm(PartnershipForm):
    organisation_id = SelectField(
        _l("Organisation"), coerce=int, description=_l("Choose a registered organisation, or register a new one below.")
    )
    name = StringField(_l("Name of the new organisation"), validators=[Optional(), Length(max=200)])
    # The kind is checked by the service, which explains the accepted kinds instead of "Not a valid choice".
    type = SelectField(
        _l("Kind"),
        validate_choice=False,
        choices=choices(OrganisationType.choices()),
    )
    size_class = SelectField(
        _l("Company size"),
        validators=[Optional()],
        choices=choices([("", _l("Not a company")), *CompanySize.choices()]),
    )
    business_id = StringField(
        _l("Business ID"),
        validators=[Optional(), Length(max=9)],
        description=_l("Finnish business ID (Y-tunnus), e.g. 1234567-8"),
    )
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=100)])


class EventForm(VersionedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    audience = StringField(
        _l("Audience"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: employers, teachers, immigrant associations"),
    )
    headcount = IntegerField(
        _l("Headcount"),
        default=0,
        validators=[InputRequired()],
        description=_l("People present. They are counted, not registered as participants."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class MeetingForm(VersionedForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    attendees = TextAreaField(
        _l("Attendees"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("One per line: name and organisation."),
    )
    decisions = TextAreaField(_l("Decisions"), validators=[Optional(), Length(max=10000)])


class NarrativeForm(VersionedForm):
    period = SelectField(_l("Period"))
    progress = TextAreaField(NARRATIVE_SECTIONS["progress"], validators=[Optional(), Length(max=20000)])
    qualitative_results = TextAreaField(
        NARRATIVE_SECTIONS["qualitative_results"],
        validators=[Optional(), Length(max=20000)],
        description=_l("Good practices, the portfolio and interview model, company cooperation."),
    )
    deviations = TextAreaField(NARRATIVE_SECTIONS["deviations"], validators=[Optional(), Length(max=20000)])
    equality = TextAreaField(NARRATIVE_SECTIONS["equality"], validators=[Optional(), Length(max=20000)])
    dissemination = TextAreaField(NARRATIVE_SECTIONS["dissemination"], validators=[Optional(), Length(max=20000)])


class SettingsForm(VersionedForm):
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(
        _l("Project code"),
        validators=[Optional(), Length(max=40)],
        description=_l("The code in the funding decision (EURA)."),
    )
    starts_on = DateField(_l("Project start"), validators=[DataRequired()])
    ends_on = DateField(_l("Project end"), validators=[DataRequired()])
    rule_set = SelectField(
        _l("Indicator rules"),
        choices=choices(RuleSet.choices()),
        description=_l("Age bands and education groupings differ between programming periods."),
    )
    suppression_threshold = IntegerField(
        _l("Small-cell threshold"),
        validators=[InputRequired()],
        description=_l("Public report exports hide figures counting fewer people than this."),
    )


class TargetForm(Form):
    indicator = SelectField(_l("Indicator"), choices=choices(TARGET_INDICATORS.items()))
    target_value = IntegerField(_l("Target"), validators=[InputRequired()])


class ImportForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
    preview = SubmitField(_l("Preview"))
    apply = SubmitField(_l("Import"))
