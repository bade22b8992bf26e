from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from assessment.assessments.models import AssessorRole
from isok.forms import Form, MultiCheckboxField, VersionedForm, choices
from isok.translation import lazy_gettext as _l


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OpenAssessmentForm(Form):
    counsellor_id = SelectField(_l("Counsellor"), coerce=int)
    teacher_id = SelectField(_l("Vocational teacher"), coerce=int)


class RatingSheetForm(VersionedForm):
    """The per-outcome inputs (level-<id>, justification-<id>, sources-<id>) are read by `rating_values`."""


class ConflictForm(Form):
    conflict = RadioField(
        _l("Conflict of interest"),
        default="no",
        choices=choices(
            [
                ("no", _l("I have no conflict of interest in this case")),
                ("yes", _l("I have a conflict of interest (e.g. a relative, an employer with a stake)")),
            ]
        ),
    )
    note = TextAreaField(_l("Describe the conflict"), validators=[Optional(), Length(max=1000)])


class ReplaceAssessorForm(Form):
    role = SelectField(_l("Role"), choices=choices(AssessorRole.choices()))
    user_id = SelectField(_l("New assessor"), coerce=int)


class ReconcileForm(VersionedForm):
    """The per-outcome and per-unit inputs are read by `decision_values`."""

    participants = CheckboxListField(_l("Took part in the discussion"), coerce=int)


class SignOffForm(VersionedForm):
    acknowledge = BooleanField(_l("I have reviewed the outcomes that rest on fewer than two independent sources"))


class ConfirmForm(VersionedForm):
    pass


class ReopenForm(VersionedForm):
    reason = TextAreaField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=2000)])


class HandoverForm(Form):
    provider_id = SelectField(_l("Education provider"), coerce=int)


class AppealForm(Form):
    reason = TextAreaField(
        _l("What do you think is wrong in the decision?"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Write in your own language. Name the learning outcomes if you can."),
    )


class AppealReviewerForm(Form):
    reviewer_id = SelectField(
        _l("Reviewing teacher"), coerce=int, description=_l("A teacher who was not an assessor of this decision.")
    )


class AppealReviewForm(VersionedForm):
    """The changed outcomes' inputs (level-<id>, result-<id>) are read by `appeal_values`."""

    changed = RadioField(
        _l("Outcome of the review"),
        default="upheld",
        choices=choices([("upheld", _l("The decision stands")), ("changed", _l("The decision changes as below"))]),
    )
    note = TextAreaField(_l("Grounds of the review"), validators=[Optional(), Length(max=5000)])


def appeal_values(formdata, outcome_ids) -> dict[int, dict]:
    return {
        oid: {"level": formdata.get(f"level-{oid}", "").strip(), "result": formdata.get(f"result-{oid}", "")}
        for oid in outcome_ids
    }


def _ints(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


def own_rating_values(formdata, outcome_ids) -> dict[int, dict]:
    """Read one input group per outcome from the posted form (names carry the outcome id), as typed."""
    return {
        oid: {
            "level": formdata.get(f"level-{oid}", "").strip(),
            "justification": formdata.get(f"justification-{oid}", ""),
            "sources": formdata.getlist(f"sources-{oid}"),
            "entry_ids": _ints(formdata.getlist(f"entries-{oid}")),
        }
        for oid in outcome_ids
    }


def unit_rating_values(formdata, unit_ids) -> dict[int, dict]:
    """Read what a rater gave every outcome of a unit at once: a level, a justification, evidence sources."""
    return {
        uid: {
            "level": formdata.get(f"unit-level-{uid}", "").strip(),
            "justification": formdata.get(f"unit-justification-{uid}", ""),
            "sources": formdata.getlist(f"unit-sources-{uid}"),
        }
        for uid in unit_ids
    }


def with_unit_values(own: dict, common: dict) -> dict:
    """An outcome's rating: its own level and justification where given, else the unit's; the sources of both."""
    return {
        "level": own["level"] or common["level"],
        "justification": own["justification"] if own["justification"].strip() else common["justification"],
        "sources": sorted(set(own["sources"]) | set(common["sources"])),
        "entry_ids": own["entry_ids"],
    }


def rating_values(formdata, units) -> dict[int, dict]:
    """The ratings posted for `units` (snapshot units), each outcome completed from its unit's common values."""
    common = unit_rating_values(formdata, [unit["id"] for unit in units])
    return {
        oid: with_unit_values(own, common[unit["id"]])
        for unit in units
        for oid, own in own_rating_values(formdata, [o["id"] for o in unit["outcomes"]]).items()
    }


def split_unit_values(saved: dict[int, dict], unit) -> tuple[dict, dict[int, dict]]:
    """Show saved ratings the way they are easiest to change: what every outcome of the unit shares once, at the
    unit, and only what differs at each outcome (the inverse of `with_unit_values`)."""
    ratings = [saved.get(o["id"], {}) for o in unit["outcomes"]]

    def shared(key):
        values = {r.get(key) or "" for r in ratings}
        return values.pop() if len(values) == 1 else ""

    common = {
        "level": shared("level"),
        "justification": shared("justification"),
        "sources": sorted(set.intersection(*(set(r.get("sources") or []) for r in ratings))) if ratings else [],
    }
    own = {
        o["id"]: {
            "level": "" if common["level"] else r.get("level") or "",
            "justification": "" if common["justification"] else r.get("justification") or "",
            "sources": sorted(set(r.get("sources") or []) - set(common["sources"])),
            "entry_ids": r.get("entry_ids") or [],
        }
        for o, r in zip(unit["outcomes"], ratings, strict=True)
    }
    return common, own


def decision_values(formdata, outcome_ids, unit_ids) -> tuple[dict[int, dict], dict[int, dict]]:
    outcomes = {
        oid: {
            "level": formdata.get(f"level-{oid}", "").strip(),
            "result": formdata.get(f"result-{oid}", ""),
            "rationale": formdata.get(f"rationale-{oid}", ""),
            "gap_what": formdata.get(f"gap_what-{oid}", ""),
            "gap_where": formdata.get(f"gap_where-{oid}", ""),
        }
        for oid in outcome_ids
    }
    units = {
        uid: {
            "level": formdata.get(f"unit-level-{uid}", "").strip(),
            "rationale": formdata.get(f"unit-rationale-{uid}", ""),
        }
        for uid in unit_ids
    }
    return outcomes, units


# --- evidence mapping ------------------------------------------------------------------------------------------


class EvidenceGridForm(Form):
    """Per portfolio item, the learning outcomes it shows (one field `entry_<id>` per item, made by
    `evidence_grid_form`); `shown` carries the pairs that were ticked when the screen was shown."""

    shown = HiddenField()

    def item_fields(self):
        return [(entry_id, self[f"entry_{entry_id}"]) for entry_id in self._entry_ids]

    def chosen(self) -> set[tuple[int, int]]:
        return {(entry_id, outcome_id) for entry_id, field in self.item_fields() for outcome_id in field.data or ()}

    def shown_pairs(self) -> set[tuple[int, int]]:
        pairs = set()
        for token in (self.shown.data or "").split():
            entry_id, _sep, outcome_id = token.partition(":")
            if entry_id.isdigit() and outcome_id.isdigit():
                pairs.add((int(entry_id), int(outcome_id)))
        return pairs


def evidence_grid_form(entry_ids: list[int], outcome_ids: list[int], ticked: set[tuple[int, int]] | None):
    """The grid's form; `ticked` (the pairs mapped now) fills it when the screen is first shown."""

    class GridForm(EvidenceGridForm):
        _entry_ids = entry_ids

    for entry_id in entry_ids:
        setattr(
            GridForm,
            f"entry_{entry_id}",
            MultiCheckboxField(
                coerce=int, choices=choices((oid, str(oid)) for oid in outcome_ids), validators=[Optional()]
            ),
        )
    if ticked is None:
        return GridForm()
    form = GridForm(formdata=None)
    for entry_id, field in form.item_fields():
        field.data = [oid for oid in outcome_ids if (entry_id, oid) in ticked]
    form.shown.data = " ".join(f"{entry_id}:{oid}" for entry_id, oid in sorted(ticked))
    return form


class MappingForm(Form):
    outcome_id = SelectField(_l("Learning outcome"), coerce=int)
    item = SelectField(
        _l("Portfolio item"),
        validators=[DataRequired(_l("Choose an item of the portfolio."))],
        description=_l("An entry of the portfolio, or one file attached to it."),
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
