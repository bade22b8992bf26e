from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cases.models import Answer, Gender, LabourStatus
from isok.forms import Form, VersionedForm, choices
from isok.network.models import RuleSet
from isok.reports.models import CHARACTERISTICS, BetterSituation
from isok.translation import lazy_gettext as _l

SCOPE_LABELS = {"period": _l("The period"), "cumulative": _l("Cumulative since the project start")}


class ReportOptionsForm(Form):
    """Which report to show: read from the query string, so a report has a link of its own."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"))
    scope = SelectField(_l("Figures for"), choices=choices(SCOPE_LABELS.items()), default="period")
    rules = SelectField(_l("Indicator definitions"), choices=choices(RuleSet.choices()))
    public = BooleanField(
        _l("Hide small numbers (for publication)"),
        description=_l("Published figures follow the project's indicator definitions."),
    )


def _answer_field(label):
    return SelectField(label, choices=choices(Answer.choices()), validators=[InputRequired()])


class CorrectionForm(Form):
    """A correction of frozen entry data; every field starts from the frozen value."""

    entry_date = DateField(_l("Entry date"), validators=[InputRequired()])
    gender = SelectField(_l("Gender"), choices=choices(Gender.choices()), validators=[InputRequired()])
    age_at_entry = IntegerField(_l("Age at entry"), validators=[Optional(), NumberRange(0, 120)])
    labour_status = SelectField(
        _l("Labour-market status at entry"),
        choices=choices([("", _l("Not known")), *LabourStatus.choices()]),
        default="",
    )
    long_term_unemployed = BooleanField(_l("Long-term unemployed"))
    in_education_or_training = BooleanField(_l("In education or training (inactive)"))
    self_employed = BooleanField(_l("Self-employed"))
    isced_level = SelectField(
        _l("Education (ISCED 2011 level)"),
        choices=choices([("", _l("Not known")), *((str(n), str(n)) for n in range(9))]),
        default="",
    )
    third_country_national = _answer_field(_l("Third-country national"))
    foreign_background = _answer_field(_l("Foreign background"))
    minority = _answer_field(_l("Minority"))
    disability = _answer_field(_l("Disability"))
    homeless = _answer_field(_l("Homeless or affected by housing exclusion"))
    rural = _answer_field(_l("From a rural area"))
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Kept with the record and shown to whoever reviews the report."),
    )

    def entry_fields(self) -> dict:
        fields = {
            name: getattr(self, name).data
            for name in (
                "entry_date",
                "gender",
                "age_at_entry",
                "long_term_unemployed",
                "in_education_or_training",
                "self_employed",
                *CHARACTERISTICS,
            )
        }
        fields["labour_status"] = self.labour_status.data or None
        fields["isced_level"] = int(self.isced_level.data) if self.isced_level.data not in (None, "") else None
        return fields


RESPONDED_CHOICES = [
    ("", _l("As recorded on the case (a known situation is an answer)")),
    ("yes", _l("Answered")),
    ("no", _l("Did not answer")),
]


class ResultsForm(VersionedForm):
    qualification_gained = BooleanField(_l("Gained a qualification within four weeks of leaving"))
    responded = SelectField(_l("Six-month follow-up"), choices=choices(RESPONDED_CHOICES), default="")
    better_situation = SelectField(
        _l("Better labour-market situation after six months"),
        choices=choices([("", _l("No, or not known")), *BetterSituation.choices()]),
        default="",
        description=_l("Only for people employed at entry."),
    )

    def responded_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.responded.data)
