from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from isok.forms import Form
from isok.translation import lazy_gettext as _l


class MappingForm(Form):
    outcome_id = SelectField(_l("Learning outcome"), coerce=int)
    item = SelectField(_l("Portfolio item"), validators=[DataRequired(_l("Choose an item of the portfolio."))],
                       description=_l("An entry of the portfolio, or one file attached to it."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
