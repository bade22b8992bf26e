"""Optimistic locking: a record people edit carries a version; a save from a form loaded at an older one is refused.

Every service checks through `check_version`, which raises `isok.rules.Stale` (in the package's own words and of
its own error class), and the view shows the message with the user's input kept on the form. The check locks the
record's row until the transaction ends and reads its version as committed, so two saves of the same record one
moment apart are ordered there: the second sees the first's version and is refused with that message (SQLite
orders whole write transactions already, with BEGIN IMMEDIATE). A race that slips past anyway is caught by
SQLAlchemy's version column and answered with the 409 page (isok.errors).
"""

from isok.extensions import db
from isok.rules import RuleBroken, stale_kind


class _WithoutForm:
    """The version a service is given when no form is involved: a shell, an import, a demo loader, a test."""

    def __repr__(self) -> str:
        return "WITHOUT_FORM"


WITHOUT_FORM = _WithoutForm()
FormVersion = int | str | None | _WithoutForm  # what a form sent (None: it sent nothing), or WITHOUT_FORM


def is_stale(record, expected_version) -> bool:
    """True when the form was loaded at another version than the record has now."""
    # FOR NO KEY UPDATE, not FOR UPDATE: rows being added beside it (a guidance entry of the case) still may refer
    # to the record meanwhile, instead of waiting for, and deadlocking with, this save.
    db.session.refresh(record, attribute_names=["version"], with_for_update={"key_share": True})
    return str(expected_version) != str(record.version)


def check_version(
    record,
    expected_version,
    message: str,
    *,
    error: type[RuleBroken] = RuleBroken,
    field: str | None = None,
) -> None:
    """Refuse a save made from a form loaded at another version than the record has now.

    `error` is the package's own error class; what is raised is both it and `Stale`. A form always sends its
    version, so a save from a form without one is refused too: it cannot show what it was loaded at. Only a call
    that involves no form (`WITHOUT_FORM`, the default of the services that shells, imports and tests call) is not
    checked.
    """
    if expected_version is WITHOUT_FORM:
        return
    if expected_version in (None, "") or is_stale(record, expected_version):
        raise stale_kind(error)(message, field)
