"""The catalogue's forms; choices that depend on the data (organisations, units) are set by the views."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cases.models import Gender
from isok.catalogue.models import (
    TEXT_LANGUAGES,
    Completion,
    Field,
    Mode,
    OpenTo,
    PricingRule,
    TraineeRole,
)
from isok.forms import Form, MultiCheckboxField, VersionedForm, choices
from isok.translation import lazy_gettext as _l

LANGUAGE_LABELS = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}
# Languages of instruction offered in the form: the project's working languages and the clients' languages.
INSTRUCTION_LANGUAGES = ("fi", "sv", "en", "ar", "fa", "ru", "so", "ti", "uk")
COURSE_TEXTS = ("title", "description", "audience", "prerequisites")
RULES_TEXTS = ("pricing", "cancellation", "responsibilities")


class SessionForm(SubForm):
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()], description=_l("Empty for one day."))
    start_time = TimeField(_l("From"), validators=[Optional()])
    end_time = TimeField(_l("To"), validators=[Optional()])
    place = StringField(_l("Place, if not the course's"), validators=[Optional(), Length(max=200)])


def per_language(labels: dict, *, long: bool = True):
    """Add a field per text and language to a form class (title_fi, title_sv, …): people write what they can."""

    def add(cls):
        for name, label in labels.items():
            for code in TEXT_LANGUAGES:
                text = _l("%(text)s (%(language)s)", text=label, language=LANGUAGE_LABELS[code])
                field = (
                    TextAreaField(text, validators=[Optional(), Length(max=10000)])
                    if long
                    else StringField(text, validators=[Optional(), Length(max=200)])
                )
                setattr(cls, f"{name}_{code}", field)
        return cls

    return add


@per_language({"title": _l("Title")}, long=False)
@per_language({"description": _l("Description"), "audience": _l("Who it is for"), "prerequisites": _l("Prerequisites")})
class CourseForm(VersionedForm):
    organisation_id = SelectField(_l("Offered by"), coerce=int)
    text_language = SelectField(
        _l("Language the course is described in"),
        choices=choices(LANGUAGE_LABELS.items()),
        description=_l("Texts left empty in another language show this language's text."),
    )
    field = SelectField(_l("Field (ISCED-F 2013)"), choices=choices(Field.choices()))
    level = SelectField(
        _l("EQF level"),
        validators=[Optional()],
        choices=choices([("", _l("No level")), *((str(n), str(n)) for n in range(1, 9))]),
    )
    credits = IntegerField(_l("Credits (competence points)"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages of instruction"))
    mode = SelectField(_l("Held"), choices=choices(Mode.choices()))
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=200)],
        description=_l("Address or town; needed unless the course is online only."),
    )
    sessions = FieldList(FormField(SessionForm), min_entries=3)
    seats = IntegerField(_l("Seats"), validators=[Optional()])
    enrolment_opens_on = DateField(_l("Enrolment opens"), validators=[Optional()])
    enrolment_closes_on = DateField(_l("Enrolment closes"), validators=[Optional()])
    open_to = SelectField(_l("Open to"), choices=choices(OpenTo.choices()))
    programme = BooleanField(
        _l("A training of the counsellor and teacher programme (its participants are ESF participants)")
    )
    graded = BooleanField(_l("Participants get a grade (1–5)"))
    pricing_rule = SelectField(_l("Pricing rule"), choices=choices(PricingRule.choices()))
    member_fee = DecimalField(_l("Price for network members (€)"), places=2, validators=[Optional()])
    outside_fee = DecimalField(_l("Price for organisations outside the network (€)"), places=2, validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    unit_ids = MultiCheckboxField(
        _l("Qualification units it teaches"),
        coerce=int,
        description=_l("A client's gap plan lists the courses that teach its units."),
    )
    publish = BooleanField(_l("Publish in the catalogue now"))


class CancelCourseForm(Form):
    reason = TextAreaField(_l("Reason, shown to the enrolled people"), validators=[DataRequired(), Length(max=2000)])


class ParticipantForm(Form):
    """The offering organisation records a participant itself."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Role"), choices=choices(TraineeRole.choices()))
    gender = SelectField(
        _l("Gender"),
        choices=choices(Gender.choices()),
        description=_l("Training participants are ESF participants: the report is split by gender."),
    )


class CompletionForm(Form):
    completion = SelectField(
        _l("Completion"),
        validators=[Optional()],
        choices=choices([("", _l("Not recorded")), *Completion.choices()]),
    )
    grade = SelectField(
        _l("Grade"), validators=[Optional()], choices=choices([("", "–"), *((str(n), str(n)) for n in range(1, 6))])
    )
    completed_on = DateField(_l("Completed on"), validators=[Optional()])


@per_language(
    {
        "pricing": _l("Pricing guidelines"),
        "cancellation": _l("Cancellation terms"),
        "responsibilities": _l("Who is responsible for what"),
    }
)
class RulesForm(Form):
    free_cancellation_days = IntegerField(
        _l("Free cancellation up to this many days before the start"), validators=[InputRequired(), NumberRange(0, 365)]
    )
    late_cancellation_percent = IntegerField(
        _l("Later cancellations are charged this share of the price (%)"),
        validators=[InputRequired(), NumberRange(0, 100)],
    )


class ImportForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
    preview = SubmitField(_l("Preview"))
    apply = SubmitField(_l("Import"))


class CatalogueFilterForm(Form):
    """The public catalogue's filters (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    field = SelectField(
        _l("Field"),
        validators=[Optional()],
        choices=choices([("", _l("Any")), *Field.choices()]),
    )
    language = SelectField(_l("Language of instruction"), validators=[Optional()])
    mode = SelectField(
        _l("Held"),
        validators=[Optional()],
        choices=choices(
            [("", _l("Any")), ("online", _l("Online (also blended)")), ("place", _l("In place (also blended)"))]
        ),
    )
    starts_from = DateField(_l("Starting from"), validators=[Optional()])
    starts_until = DateField(_l("Starting by"), validators=[Optional()])
    organisation = SelectField(_l("Offered by"), validators=[Optional()])
    unit = SelectField(_l("Teaches the unit"), validators=[Optional()])
    free = SelectField(
        _l("Seats"), validators=[Optional()], choices=choices([("", _l("Any")), ("1", _l("Free seats only"))])
    )


class EnrolForm(Form):
    """Enrolment with the payer's commitment; the view keeps the fields that apply to who is enrolling."""

    name = StringField(_l("Participant's name"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("Participant's e-mail"), validators=[Optional(), Length(max=254)])
    organisation_name = StringField(_l("Participant's organisation"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Participant's work"),
        validators=[Optional()],
        choices=choices([("", _l("Choose…")), *TraineeRole.choices()]),
    )
    gender = SelectField(
        _l("Participant's gender"),
        validators=[Optional()],
        choices=choices([("", _l("Choose…")), *Gender.choices()]),
        description=_l("Training participants are ESF participants: the report is split by gender."),
    )
    payer_name = StringField(_l("Paying organisation"), validators=[Optional(), Length(max=200)])
    payer_business_id = StringField(
        _l("Business ID of the paying organisation"),
        validators=[Optional(), Length(max=20)],
        description=_l("Finnish business ID (Y-tunnus), e.g. 1234567-8"),
    )
    payer_contact = StringField(_l("Contact person for the invoice"), validators=[Optional(), Length(max=200)])
    payer_email = StringField(_l("E-mail for the invoice"), validators=[Optional(), Length(max=254)])
    payer_reference = StringField(
        _l("Your reference (order number, cost centre)"), validators=[Optional(), Length(max=100)]
    )
    accept_terms = BooleanField(
        _l(
            "I accept the network's terms: the price above and the cancellation terms, on "
            "behalf of the paying organisation"
        )
    )


class PeriodForm(Form):
    """The period (and organisation) of a report: a GET form, it changes nothing."""

    class Meta:
        csrf = False

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    organisation = SelectField(_l("Offered by"), validators=[Optional()])


class FinvoiceForm(Form):
    """An e-invoice of the billing statement to one payer: the organisation's account and the invoice's number and
    dates (the period comes from the statement's query string)."""

    payer = SelectField(_l("Paying organisation"), validators=[InputRequired()])
    iban = StringField(_l("Your account (IBAN)"), validators=[InputRequired(), Length(max=42)])
    bic = StringField(_l("BIC"), validators=[Optional(), Length(max=11)])
    invoice_number = StringField(_l("Invoice number"), validators=[InputRequired(), Length(max=19)])
    invoice_date = DateField(_l("Invoice date"), validators=[InputRequired()])
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
