"""Who may read, edit and review a portfolio.

The client edits their own portfolio while it is being prepared or has been returned; counsellors of the case view,
edit, comment, return and accept it at any time; teachers and tutors who can view the case read it; project
managers never see its content.
"""

from sqlalchemy import Select, false, select

from cases.access import can_manage_case, can_view_case, is_own_case, visible_cases
from cases.models import Case
from isok.extensions import db
from isok.permissions import EDIT_PORTFOLIO, REVIEW_PORTFOLIO, VIEW_PORTFOLIO, can
from portfolio.models import Portfolio, PortfolioStatus


def can_view_portfolio(user, case: Case) -> bool:
    return can(user, VIEW_PORTFOLIO) and can_view_case(user, case)


def can_review_portfolio(user, case: Case) -> bool:
    return can(user, REVIEW_PORTFOLIO) and can_manage_case(user, case)


def can_edit_portfolio(user, case: Case) -> bool:
    if not can(user, EDIT_PORTFOLIO) or not can_view_case(user, case):
        return False
    if can_manage_case(user, case):
        return True
    if not is_own_case(user, case):
        return False
    status = db.session.scalar(select(Portfolio.status).where(Portfolio.case_id == case.id))
    return status in (None, PortfolioStatus.DRAFT, PortfolioStatus.RETURNED)


def visible_portfolio_cases(user) -> Select:
    """The cases whose portfolio the user may read."""
    if not can(user, VIEW_PORTFOLIO):
        return select(Case).where(false())
    return visible_cases(user)
