"""Figures the report reads from packages built alongside it (assessment results, certificates).

Each source is one small function that answers 0 or empty while the package's models are not installed, so the
report works before they are merged; the lead wires them by merging, nothing else changes here. What each reads
is written next to it: check it against the merged models.
"""

import importlib
import importlib.util
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from cases.models import Case
from isok.extensions import db


def _model(module_name: str, class_name: str):
    """The model class if its package is installed and defines it, else None."""
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return getattr(importlib.import_module(module_name), class_name, None)


def units_recognised(since: date | None, until: date | None) -> int:
    """Qualification units decided in assessments signed off in the range (assessment.models.UnitDecision of an
    Assessment with signed_off_at); 0 until the assessment process is merged."""
    assessment = _model("assessment.assessments.models", "Assessment")
    unit_decision = _model("assessment.assessments.models", "UnitDecision")
    if assessment is None or unit_decision is None or not hasattr(assessment, "signed_off_at"):
        return 0
    rows = db.session.execute(select(func.date(assessment.signed_off_at), func.count(unit_decision.id))
                              .join(assessment, unit_decision.assessment_id == assessment.id)
                              .where(assessment.signed_off_at.is_not(None))
                              .group_by(func.date(assessment.signed_off_at)))
    return sum(n for day, n in rows if _within(_as_date(day), since, until))


def certified_qualifications() -> dict[int, list[date]]:
    """Issue dates of valid, formally recognised certificates per client (certificates.models.Certificate with
    formally_recognised and status "valid"); empty until the certificates package is merged."""
    certificate = _model("certificates.models", "Certificate")
    if certificate is None or not hasattr(certificate, "formally_recognised"):
        return {}
    rows = db.session.execute(select(Case.client_id, certificate.issued_at)
                              .join(Case, certificate.case_id == Case.id)
                              .where(certificate.formally_recognised.is_(True), certificate.status == "valid"))
    issued = defaultdict(list)
    for client_id, issued_at in rows:
        issued[client_id].append(issued_at.date())
    return dict(issued)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _within(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)
