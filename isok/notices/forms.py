from isok.forms import Form, MultiCheckboxField
from isok.translation import lazy_gettext as _l


class MailChoicesForm(Form):
    by_mail = MultiCheckboxField(_l("Send me these notices by e-mail as well"), coerce=str)
