"""Form pieces shared by every package."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice


class ActionForm(FlaskForm):
    """A button that changes something: nothing to fill in but the CSRF token."""


class VersionedForm(FlaskForm):
    """A form editing a record that others may edit at the same time; the version it was loaded at travels along."""

    version = HiddenField()


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
