"""The rules of evidence: the teacher marks each piece of evidence valid, authentic, current and sufficient; the
reconciliation page warns where a recognised outcome rests only on evidence not marked authentic and current."""

import pytest
from sqlalchemy import select

from assessment.assessments import services
from assessment.assessments.models import EvidenceSource
from assessment.assessments.services import AssessmentError
from isok.audit import AuditEntry
from isok.extensions import db
from portfolio.models import PortfolioEntry, Section
from tests.assessment.conftest import outcome_ids
from tests.conftest import log_in


@pytest.fixture
def evidenced(reconciled):
    """The reconciled assessment with a portfolio item mapped to its first outcome."""
    entry = PortfolioEntry(case_id=reconciled.case.id, section=Section.WORK, title="Cook in Aleppo", language="ar")
    db.session.add(entry)
    db.session.flush()
    reconciled.first = outcome_ids(reconciled.assessment)[0]
    services.map_evidence(reconciled.counsellor, reconciled.case, outcome_id=reconciled.first, entry_id=entry.id)
    db.session.commit()
    return reconciled


def test_pieces_are_the_mapped_items_findings_and_observations(evidenced):
    pieces = services.evidence_pieces(evidenced.assessment)
    assert [(p.source, p.label) for p in pieces[evidenced.first]] == [
        (EvidenceSource.PORTFOLIO, "Cook in Aleppo"),
        (EvidenceSource.OBSERVATION, "Workplace tutor's rating: level 2"),
    ]
    assert all(p.judgement is None for p in pieces[evidenced.first])


def test_only_authentic_and_current_evidence_lifts_the_warning(evidenced):
    assessment, first = evidenced.assessment, evidenced.first
    everything = set(outcome_ids(assessment))
    assert {o["id"] for o in services.unproven_outcomes(assessment, everything)} == everything
    portfolio, observation = services.evidence_pieces(assessment)[first]
    with pytest.raises(AssessmentError, match="Only the teacher"):
        services.judge_evidence(evidenced.counsellor, assessment, {first: {portfolio.key: {"authentic"}}})
    services.judge_evidence(
        evidenced.teacher,
        assessment,
        {first: {portfolio.key: {"valid", "authentic"}, observation.key: {"current", "sufficient"}}},
    )
    assert first in {o["id"] for o in services.unproven_outcomes(assessment, everything)}  # no piece has both
    services.judge_evidence(evidenced.teacher, assessment, {first: {portfolio.key: {"authentic", "current"}}})
    db.session.commit()
    assert {o["id"] for o in services.unproven_outcomes(assessment, everything)} == everything - {first}
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evidence_judged").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.changes == {
        f"{first}:{portfolio.key}": [["authentic", "valid"], ["authentic", "current"]],
        f"{first}:{observation.key}": [["current", "sufficient"], []],
    }


def test_the_teacher_marks_the_rules_and_the_reconciliation_page_warns(client, evidenced):
    assessment, first = evidenced.assessment, evidenced.first
    log_in(client, evidenced.teacher)
    page = client.get(f"/assessments/{assessment.id}/reconcile").get_data(as_text=True)
    assert "recognised only on evidence not marked both authentic and current" in page and "U1.1" in page
    portfolio = services.evidence_pieces(assessment)[first][0]
    form = client.get(f"/assessments/{assessment.id}/evidence-rules").get_data(as_text=True)
    assert "Cook in Aleppo" in form and "It shows the skill as the client has it now." in form
    response = client.post(
        f"/assessments/{assessment.id}/evidence-rules",
        data={f"rules-{first}-{portfolio.key}": ["authentic", "current"]},
    )
    assert response.status_code == 302
    page = client.get(f"/assessments/{assessment.id}/reconcile").get_data(as_text=True)
    warning = page.split("recognised only on evidence not marked both authentic and current")[1].split("</ul>")[0]
    assert "U1.1" not in warning and "U1.2" in warning
