from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from isok.accounts.models import CompanySize, OrganisationType, Role
from isok.forms import Form, MultiCheckboxField, choices
from isok.translation import lazy_gettext as _l


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=500)])


class SetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=500)])


class LanguageForm(Form):
    locale = SelectField(_l("Language"), validators=[DataRequired()])


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(Role.choices()),
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int)


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("Type"), choices=choices(OrganisationType.choices()))
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
    certificate_validity_months = IntegerField(
        _l("Certificates valid for (months)"),
        validators=[Optional(), NumberRange(min=1, max=1200)],
        description=_l("Leave empty when the certificates it issues are valid without an end."),
    )
    appeal_days = IntegerField(
        _l("Days to ask for a review of an assessment"),
        default=14,
        validators=[Optional(), NumberRange(min=1, max=365)],
        description=_l(
            "After the teacher signs an assessment off, its client may ask for a review for this many days "
            "(14 if left empty)."
        ),
    )


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)])
    object_type = StringField(_l("Record type"), validators=[Optional(), Length(max=60)])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=200)])
    include_views = BooleanField(_l("Include reads of personal data"))


class SecondFactorForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class AuthenticatorCodeForm(Form):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The 6-digit code your authenticator app shows now."),
    )
