from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from isok.forms import Form, VersionedForm
from isok.translation import lazy_gettext as _l


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlacementForm(VersionedForm):
    workplace_id = SelectField(_l("Workplace"), coerce=int, validators=[DataRequired(_l("Choose the workplace."))])
    tutor_id = SelectField(
        _l("Workplace tutor"),
        coerce=int,
        description=_l("Or leave this empty and give a new tutor's name and email below."),
    )
    new_tutor_name = StringField(_l("New tutor's name"), validators=[Optional(), Length(max=200)])
    new_tutor_email = EmailField(
        _l("New tutor's email"), validators=[Optional(), Email(check_deliverability=False), Length(max=254)]
    )
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    tasks = TextAreaField(_l("Tasks at the workplace"), validators=[Optional(), Length(max=5000)])
    unit_ids = CheckboxListField(_l("Units to be assessed there"), coerce=int)
    ended_early_on = DateField(
        _l("Ended early on"),
        validators=[Optional()],
        description=_l("Only if the placement ended before its planned end: its last day."),
    )
    ended_early_reason = TextAreaField(_l("Why it ended early"), validators=[Optional(), Length(max=2000)])


class TutorLinkForm(Form):
    days = IntegerField(_l("Valid for (days)"), default=30, validators=[DataRequired(), NumberRange(1, 90)])


class LinkPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=500)])
