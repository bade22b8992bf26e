from flask_wtf.file import FileField
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from certificates.texts import LANGUAGES
from isok.forms import Form, MultiCheckboxField, VersionedForm, choices
from isok.i18n import language_name
from isok.translation import lazy_gettext as _l


def _language_field():
    return MultiCheckboxField(
        _l("Languages of the certificate"), validators=[DataRequired(message=_l("Choose at least one language."))]
    )


def language_choices():
    return choices((code, language_name(code)) for code in LANGUAGES)


def default_languages(client) -> list[str]:
    """Finnish, Swedish and English, plus the client's own language where the certificate speaks it."""
    chosen = ["fi", "sv", "en"]
    preferred = (client.preferred_language or "").split("_")[0]
    if preferred in LANGUAGES and preferred not in chosen:
        chosen.append(preferred)
    return chosen


class LanguagesForm(Form):
    """The languages to preview in (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    languages = _language_field()


class IssueForm(Form):
    languages = _language_field()


class ReissueForm(VersionedForm):
    languages = _language_field()
    reason = TextAreaField(
        _l("Reason for a new version"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "Kept in the audit trail; the public verification page shows only that "
            "this certificate was replaced, and by which."
        ),
    )


class RevokeForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "Kept in the audit trail; the public verification page shows only that the certificate is revoked."
        ),
    )


class BulkIssueForm(Form):
    case_ids = MultiCheckboxField(
        _l("Cases"), coerce=int, validators=[DataRequired(message=_l("Choose at least one case."))]
    )
    languages = _language_field()


class VerifyForm(Form):
    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=80)])


class HashCheckForm(Form):
    class Meta:
        csrf = False

    sha256 = StringField(
        _l("SHA-256 of your copy"),
        validators=[
            Optional(),
            Regexp(r"^\s*[0-9a-fA-F]{64}\s*$", message=_l("A SHA-256 is 64 characters 0–9 and a–f.")),
        ],
        description=_l("For example the output of: sha256sum certificate.pdf"),
    )


class SealUploadForm(Form):
    """A seal from a certificate authority: a PKCS#12 file, or a PEM key with its PEM certificate chain."""

    pkcs12 = FileField(
        _l("PKCS#12 file (.p12, .pfx)"), description=_l("The seal's private key and certificate chain in one file.")
    )
    key_pem = FileField(_l("Or: private key (PEM)"))
    chain_pem = FileField(
        _l("and its certificate chain (PEM)"),
        description=_l("The seal certificate first, then the certificates of its issuers."),
    )
    password = PasswordField(
        _l("Password of the file or key"),
        validators=[Optional(), Length(max=500)],
        description=_l("Used once to open the key; it is not stored."),
    )


class TokenSealForm(Form):
    """A seal whose private key is in the installation's hardware token (PKCS#11), named by its label there."""

    key_label = StringField(
        _l("Label of the private key in the token"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The key's label (CKA_LABEL), as the token's own tools show it."),
    )
    token_chain_pem = FileField(
        _l("Certificate chain (PEM), unless the token holds the certificate"),
        description=_l("The seal certificate first, then the certificates of its issuers."),
    )
