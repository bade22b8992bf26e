"""Several portfolio items mapped to several learning outcomes on one screen: the client proposes, staff confirm or
correct. The screen works on whole entries (a file of an entry is mapped with the evidence map's one-pair form).

A submitted screen carries the pairs that were ticked when it was shown (`shown`) beside those ticked now
(`chosen`): only a pair unticked by the person is removed, so a proposal made while the counsellor had the screen
open is neither confirmed nor declined unseen.
"""

from dataclasses import dataclass

from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from assessment.assessments import services
from assessment.assessments.models import EvidenceLink
from assessment.frameworks.models import FrameworkUnit, LearningOutcome
from cases.models import Case
from isok import audit
from isok.accounts.models import User
from isok.database import utcnow
from isok.extensions import db
from isok.labels import LabelledEnum
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l
from portfolio.models import PortfolioEntry

Pair = tuple[int, int]  # (entry id, outcome id)


class PairState(LabelledEnum):
    """Where a mapped pair stands; `label` is what staff read, `client_label` what the client reads of it."""

    PROPOSED = "proposed", _l("proposed by the client, not confirmed yet"), _l("waiting for your counsellor")
    CONFIRMED_PROPOSAL = (
        "confirmed_proposal",
        _l("proposed by the client, confirmed"),
        _l("confirmed by your counsellor"),
    )
    CONFIRMED = "confirmed", _l("mapped by staff"), _l("mapped by your counsellor")

    def __init__(self, value: str, label: LazyString, client_label: LazyString) -> None:
        self.client_label = client_label


@dataclass
class EvidenceGrid:
    """What one screen shows: the items, the outcomes of the target by unit, and the state of every mapped pair."""

    entries: list[PortfolioEntry]
    units: list[tuple[FrameworkUnit, list[LearningOutcome]]]
    links: dict[Pair, EvidenceLink]

    def state(self, entry_id: int, outcome_id: int) -> PairState | None:
        link = self.links.get((entry_id, outcome_id))
        if link is None:
            return None
        if link.confirmed_at is None:
            return PairState.PROPOSED
        return PairState.CONFIRMED_PROPOSAL if link.by_client else PairState.CONFIRMED

    @property
    def outcome_ids(self) -> set[int]:
        return {outcome.id for _unit, outcomes in self.units for outcome in outcomes}

    @property
    def proposals(self) -> int:
        return sum(1 for link in self.links.values() if link.confirmed_at is None)


def evidence_grid(case: Case) -> EvidenceGrid:
    links = entry_links(case)
    return EvidenceGrid(
        entries=services.portfolio_items(case),
        units=services.case_outcomes(case),
        links={(link.entry_id, link.outcome_id): link for link in links},
    )


def entry_links(case: Case) -> list[EvidenceLink]:
    """The entry-level links of the case, confirmed or not."""
    return db.session.scalars(
        select(EvidenceLink)
        .where(EvidenceLink.case_id == case.id, EvidenceLink.file_id.is_(None))
        .order_by(EvidenceLink.id)
    ).all()


def waiting_proposals(case: Case) -> int:
    """How many of the client's proposals wait for staff (the case panel and the evidence map say so)."""
    return db.session.scalar(
        select(func.count()).where(EvidenceLink.case_id == case.id, EvidenceLink.confirmed_at.is_(None))
    )


def _check(grid: EvidenceGrid, pairs: set[Pair]) -> None:
    entries = {entry.id for entry in grid.entries}
    outcomes = grid.outcome_ids
    for entry_id, outcome_id in pairs:
        if entry_id not in entries:
            raise services.EvidenceError(_("Choose an item of this client's portfolio."))
        if outcome_id not in outcomes:
            raise services.EvidenceError(_("This learning outcome is not part of the case's target qualification."))


def _add(actor: User, case: Case, pair: Pair, *, by_client: bool) -> None:
    now = None if by_client else utcnow()
    link = EvidenceLink(
        case_id=case.id,
        entry_id=pair[0],
        outcome_id=pair[1],
        created_by_id=actor.id,
        by_client=by_client,
        confirmed_at=now,
        confirmed_by_id=None if by_client else actor.id,
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        actor,
        "evidence_proposed" if by_client else "evidence_mapped",
        link,
        changes=audit.snapshot(link, ["case_id", "outcome_id", "entry_id", "by_client"]),
    )


@dataclass
class Changes:
    added: int = 0
    confirmed: int = 0
    removed: int = 0


def propose_evidence(actor: User, case: Case, chosen: set[Pair], shown: set[Pair]) -> Changes:
    """The client's proposals: ticked pairs are proposed, unticked proposals withdrawn; what staff confirmed or
    mapped stays as it is (it is the counsellor's to change)."""
    grid = evidence_grid(case)
    _check(grid, chosen)
    changes = Changes()
    for pair in sorted(chosen - set(grid.links)):
        _add(actor, case, pair, by_client=True)
        changes.added += 1
    for pair in sorted(shown - chosen):
        link = grid.links.get(pair)
        if link is not None and link.confirmed_at is None:
            services.unmap_evidence(actor, link)
            changes.removed += 1
    return changes


def review_evidence(actor: User, case: Case, chosen: set[Pair], shown: set[Pair]) -> Changes:
    """Staff confirm the client's proposals they leave ticked, decline those they untick, and map or unmap others."""
    grid = evidence_grid(case)
    _check(grid, chosen)
    changes = Changes()
    for pair in sorted(chosen):
        link = grid.links.get(pair)
        if link is None:
            _add(actor, case, pair, by_client=False)
            changes.added += 1
        elif link.confirmed_at is None and pair in shown:
            services.confirm_link(actor, link)
            changes.confirmed += 1
    for pair in sorted(shown - chosen):
        link = grid.links.get(pair)
        if link is not None:
            services.unmap_evidence(actor, link)
            changes.removed += 1
    return changes
