"""Evidence mapping (portfolio items → learning outcomes), the coverage matrix and the triangulation matrix."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment.models import (
    Assessment,
    AssessmentAssessor,
    AssessorRole,
    EvidenceLink,
    EvidenceSource,
    FrameworkUnit,
    Interview,
    InterviewFinding,
    InterviewStatus,
    LearningOutcome,
    Rating,
    Verification,
)
from assessment.placement_services import case_units
from cases.models import Case
from isok import audit
from isok.accounts.models import User
from isok.extensions import db
from isok.translation import gettext as _
from portfolio.models import EvidenceFile, PortfolioEntry

MIN_SOURCES = 2  # triangulation: an outcome should rest on at least two independent kinds of evidence


class EvidenceError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def case_outcomes(case: Case) -> list[tuple[FrameworkUnit, list[LearningOutcome]]]:
    return [(unit, list(unit.outcomes)) for unit in case_units(case)]


def portfolio_items(case: Case) -> list[PortfolioEntry]:
    return db.session.scalars(select(PortfolioEntry).where(PortfolioEntry.case_id == case.id)
                              .options(selectinload(PortfolioEntry.evidence))
                              .order_by(PortfolioEntry.section, PortfolioEntry.title)).all()


def case_links(case: Case) -> list[EvidenceLink]:
    return db.session.scalars(select(EvidenceLink).where(EvidenceLink.case_id == case.id)
                              .options(selectinload(EvidenceLink.entry), selectinload(EvidenceLink.file))
                              .order_by(EvidenceLink.id)).all()


def map_evidence(actor: User, case: Case, *, outcome_id: int | None, entry_id: int | None,
                 file_id: int | None = None, note: str | None = None) -> EvidenceLink:
    """Map a portfolio entry (or one of its files) to an outcome of the case's target qualification."""
    outcomes = {o.id for _unit, items in case_outcomes(case) for o in items}
    if outcome_id not in outcomes:
        raise EvidenceError(_("This learning outcome is not part of the case's target qualification."),
                            "outcome_id")
    entry = db.session.get(PortfolioEntry, entry_id) if entry_id else None
    if entry is None or entry.case_id != case.id:
        raise EvidenceError(_("Choose an item of this client's portfolio."), "item")
    evidence_file = db.session.get(EvidenceFile, file_id) if file_id else None
    if file_id and (evidence_file is None or evidence_file.entry_id != entry.id):
        raise EvidenceError(_("Choose an item of this client's portfolio."), "item")
    duplicate = db.session.scalar(select(EvidenceLink.id).where(
        EvidenceLink.outcome_id == outcome_id, EvidenceLink.entry_id == entry.id,
        EvidenceLink.file_id.is_(None) if file_id is None else EvidenceLink.file_id == file_id))
    if duplicate is not None:
        raise EvidenceError(_("This item is already mapped to this learning outcome."), "item")
    link = EvidenceLink(case_id=case.id, outcome_id=outcome_id, entry_id=entry.id, file_id=file_id,
                        note=(note or "").strip() or None, created_by_id=actor.id)
    db.session.add(link)
    audit.record(actor, "evidence_mapped", link, changes=audit.snapshot(
        link, ["case_id", "outcome_id", "entry_id", "file_id"]))
    return link


def unmap_evidence(actor: User, link: EvidenceLink) -> None:
    audit.record(actor, "evidence_unmapped", link, changes=audit.snapshot(
        link, ["case_id", "outcome_id", "entry_id", "file_id"]))
    db.session.delete(link)
    db.session.flush()


@dataclass
class OutcomeEvidence:
    """What supports one outcome: mapped portfolio items, interview findings and workplace observations."""

    outcome: LearningOutcome
    portfolio: list[EvidenceLink] = field(default_factory=list)
    interviews: list[InterviewFinding] = field(default_factory=list)
    observations: list[Rating] = field(default_factory=list)

    @property
    def sources(self) -> set[EvidenceSource]:
        kinds = set()
        if self.portfolio:
            kinds.add(EvidenceSource.PORTFOLIO)
        if self.interviews:
            kinds.add(EvidenceSource.INTERVIEW)
        if self.observations:
            kinds.add(EvidenceSource.OBSERVATION)
        return kinds

    @property
    def flagged(self) -> bool:
        return len(self.sources) < MIN_SOURCES


def _supporting_observations(case: Case) -> list[Rating]:
    """Submitted workplace tutor ratings at a passing level: the observations made at the workplace."""
    rows = db.session.execute(
        select(Rating, Assessment).join(AssessmentAssessor, Rating.assessor_id == AssessmentAssessor.id)
        .join(Assessment, AssessmentAssessor.assessment_id == Assessment.id)
        .where(Assessment.case_id == case.id, AssessmentAssessor.role == AssessorRole.WORKPLACE_TUTOR,
               AssessmentAssessor.replaced_at.is_(None), AssessmentAssessor.submitted_at.is_not(None))
    ).all()
    passing = {}
    for _rating, assessment in rows:
        if assessment.id not in passing:
            passing[assessment.id] = {lv["code"] for lv in assessment.framework_snapshot["scale"]["levels"]
                                      if lv["passing"]}
    return [rating for rating, assessment in rows if rating.level_code in passing[assessment.id]]


def _supporting_findings(case: Case) -> list[InterviewFinding]:
    return db.session.scalars(
        select(InterviewFinding).join(Interview, InterviewFinding.interview_id == Interview.id)
        .where(Interview.case_id == case.id, Interview.status == InterviewStatus.RECORDED,
               InterviewFinding.result.in_([Verification.VERIFIED, Verification.PARTLY]))
    ).all()


def triangulation(case: Case) -> list[tuple[FrameworkUnit, list[OutcomeEvidence]]]:
    """For every outcome of the case's target: the independent sources behind it (flagged when fewer than two)."""
    units = case_outcomes(case)
    rows = {o.id: OutcomeEvidence(o) for _unit, outcomes in units for o in outcomes}
    for link in case_links(case):
        if link.outcome_id in rows:
            rows[link.outcome_id].portfolio.append(link)
    for finding in _supporting_findings(case):
        if finding.outcome_id in rows:
            rows[finding.outcome_id].interviews.append(finding)
    for rating in _supporting_observations(case):
        if rating.outcome_id in rows:
            rows[rating.outcome_id].observations.append(rating)
    return [(unit, [rows[o.id] for o in outcomes]) for unit, outcomes in units]


def sources_by_outcome(case: Case) -> dict[int, set[EvidenceSource]]:
    return {row.outcome.id: row.sources for _unit, rows in triangulation(case) for row in rows}
