"""Lists over portfolios, for pages and for other packages (assessment maps entries and files by their ids)."""

from sqlalchemy import case as sql_case
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from cases import access as case_access
from cases.models import Case, Client
from isok import permissions
from isok.extensions import db
from portfolio.models import (
    EntryComment,
    EntryRevision,
    EvidenceFile,
    Portfolio,
    PortfolioEntry,
    PortfolioStatus,
    Section,
)

SECTION_ORDER = list(Section)


def _in_section_order(case_id: int):
    order = sql_case({section.value: i for i, section in enumerate(SECTION_ORDER)}, value=PortfolioEntry.section)
    return select(PortfolioEntry).where(PortfolioEntry.case_id == case_id).order_by(order, PortfolioEntry.id)


def case_entries(case_id: int) -> list[PortfolioEntry]:
    """A case's entries in section order, each with its evidence files loaded: ids are stable, for mapping."""
    return list(db.session.scalars(_in_section_order(case_id).options(selectinload(PortfolioEntry.evidence))))


def entries_by_section(case_id: int) -> dict[Section, list[PortfolioEntry]]:
    """The portfolio page's entries: with their files and the comments it counts."""
    grouped: dict[Section, list[PortfolioEntry]] = {section: [] for section in SECTION_ORDER}
    entries = db.session.scalars(
        _in_section_order(case_id).options(selectinload(PortfolioEntry.evidence), selectinload(PortfolioEntry.comments))
    )
    for entry in entries:
        grouped[entry.section].append(entry)
    return grouped


def section_counts(case_id: int) -> tuple[list[tuple[Section, int]], int]:
    """The number of entries in each section, in section order, and of files in the whole portfolio: counted in
    one query, for the case page's panel, which showed only the numbers of the entries and files it loaded."""
    rows = db.session.execute(
        select(PortfolioEntry.section, func.count(distinct(PortfolioEntry.id)), func.count(EvidenceFile.id))
        .outerjoin(EvidenceFile, EvidenceFile.entry_id == PortfolioEntry.id)
        .where(PortfolioEntry.case_id == case_id)
        .group_by(PortfolioEntry.section)
    ).all()
    entries = {section: count for section, count, _files in rows}
    return [(section, entries.get(section, 0)) for section in SECTION_ORDER], sum(files for *_, files in rows)


def entry_with_history(entry_id: int) -> PortfolioEntry | None:
    return db.session.scalar(
        select(PortfolioEntry)
        .where(PortfolioEntry.id == entry_id)
        .options(
            selectinload(PortfolioEntry.evidence),
            selectinload(PortfolioEntry.revisions).selectinload(EntryRevision.changed_by),
            selectinload(PortfolioEntry.comments).selectinload(EntryComment.author),
        )
    )


def own_cases(user) -> list[Case]:
    """The cases of the client whose account this is, newest first."""
    return list(
        db.session.scalars(
            select(Case).join(Client).where(Client.user_id == user.id).order_by(Case.entry_date.desc(), Case.id.desc())
        )
    )


def waiting_for_review(user, limit: int = 20) -> list[tuple[Case, Portfolio]]:
    """Submitted portfolios in the cases the user reviews, oldest submission first."""
    if not permissions.can(user, permissions.REVIEW_PORTFOLIO):
        return []
    rows = db.session.execute(
        case_access.visible_cases(user)
        .add_columns(Portfolio)
        .join(Portfolio, Portfolio.case_id == Case.id)
        .where(Portfolio.status == PortfolioStatus.SUBMITTED)
        .options(selectinload(Case.client))
        .order_by(Portfolio.submitted_at)
        .limit(limit)
    )
    return [(case, portfolio) for case, portfolio in rows]
