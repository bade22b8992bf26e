from wtforms import DateField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from assessment.statements.models import Acquaintance, VerificationMethod
from isok.forms import Form, MultiCheckboxField, choices
from isok.translation import lazy_gettext as _l


class RequestStatementForm(Form):
    name = StringField(_l("Referee's name"), validators=[DataRequired(_l("Give the referee's name.")), Length(max=200)])
    organisation = StringField(
        _l("Organisation"),
        description=_l("The employer or workplace where the referee saw the client's work."),
        validators=[
            DataRequired(_l("Give the organisation where the referee saw the client's work.")),
            Length(max=200),
        ],
    )
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose the country."))])
    email = EmailField(
        _l("Referee's e-mail"),
        validators=[
            DataRequired(_l("Give the referee's e-mail address.")),
            Email(check_deliverability=False),
            Length(max=254),
        ],
    )
    language = SelectField(_l("Referee's language"), description=_l("The request and the form speak this language."))
    tasks = TextAreaField(
        _l("Tasks to confirm"),
        description=_l("One task per line, as the client described it."),
        validators=[Optional(), Length(max=5000)],
    )
    outcome_ids = MultiCheckboxField(_l("Learning outcomes to confirm"), coerce=int)
    deadline = DateField(
        _l("Answer by"),
        description=_l("The link works until the end of this day."),
        validators=[DataRequired(_l("Give the deadline."))],
    )


class RefereeAnswerForm(Form):
    acquaintance = RadioField(
        _l("How do you know the client's work?"),
        choices=choices(Acquaintance.choices()),
        validate_choice=False,
    )
    period = StringField(
        _l("When did you see their work?"),
        description=_l("For example: March 2019 – June 2022"),
        validators=[Length(max=200)],
    )
    comment = TextAreaField(
        _l("Anything else you want to say about their work"), validators=[Optional(), Length(max=5000)]
    )


class VerifyStatementForm(Form):
    method = RadioField(_l("Verification"), choices=choices(VerificationMethod.choices()), validate_choice=False)
    note = TextAreaField(
        _l("How you verified it"),
        description=_l("Whom you called and when, which document you saw."),
        validators=[Length(max=2000)],
    )
