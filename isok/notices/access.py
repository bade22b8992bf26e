"""Who reads what: everyone signed in reads their own notices; administrators read the outbox of unsent mail."""

from isok import permissions
from isok.accounts.models import Role
from isok.fields import FieldSet, roles

READ_OUTBOX = "read_outbox"  # the mails kept while no mail server is configured

GRANTS = {READ_OUTBOX: {Role.ADMIN}}


# --- need to know: the fields each role sees of notices and kept mails (isok.fields) -----------------------------

NOTICE_FIELDS = FieldSet(
    "notice",
    "notice",
    {
        # each person their own notices, written from what they may see of the record when shown
        ("kind", "params", "created_at", "read_at", "mail_status", "mailed_at"): roles(*Role),
        # the delivery of a mail: an interpreter's address, the server's refusal (for whoever looks after the mail)
        ("email", "locale", "mail_attempts", "mail_error"): roles(Role.ADMIN),
    },
    internal=("id", "user_id", "object_id", "case_id"),
)

OUTBOX_FIELDS = FieldSet(
    "outbox_mail",
    "outbox_mail",
    {("recipient", "subject", "message", "created_at"): roles(Role.ADMIN)},
    internal=("id", "notice_id"),
)

FIELD_SETS = (NOTICE_FIELDS, OUTBOX_FIELDS)


def init_app(app) -> None:
    for capability, granted in GRANTS.items():
        permissions.GRANTS.setdefault(capability, granted)
