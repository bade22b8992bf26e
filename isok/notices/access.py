"""Who reads what: everyone signed in reads their own notices; administrators read the outbox of unsent mail."""

from isok import permissions
from isok.accounts.models import Role

READ_OUTBOX = "read_outbox"  # the mails kept while no mail server is configured

GRANTS = {READ_OUTBOX: {Role.ADMIN}}


def init_app(app) -> None:
    for capability, roles in GRANTS.items():
        permissions.GRANTS.setdefault(capability, roles)
