"""Optimistic locking: a record people edit carries a version; a save from a form loaded at an older one is refused.

Each package raises its own error (with its own words) when `is_stale` says so; a race that slips between that check
and the flush is caught by SQLAlchemy's version column and answered with the 409 page (isok.errors).
"""


def is_stale(record, expected_version) -> bool:
    """True when the form was loaded at another version than the record has now; no version given means no check
    (services called from the shell or from imports)."""
    if expected_version in (None, ""):
        return False
    return str(expected_version) != str(record.version)
