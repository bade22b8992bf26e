"""Who may read, edit and review a portfolio.

The client edits their own portfolio while it is being prepared or has been returned; counsellors of the case view,
edit, comment, return and accept it at any time; teachers who can view the case read it once the client has
submitted it for review (never a draft); project managers and workplace tutors never open it (a tutor sees only the
items a consent shares, on the placement's page).
"""

from sqlalchemy import Select, exists, false, select

from cases.access import can_manage_case, can_view_case, is_own_case, visible_cases
from cases.models import Case
from isok.accounts.models import Role
from isok.extensions import db
from isok.fields import FieldSet, roles
from isok.permissions import EDIT_PORTFOLIO, REVIEW_PORTFOLIO, VIEW_PORTFOLIO, answered_once, can
from portfolio.models import Portfolio, PortfolioStatus


def can_view_portfolio(user, case: Case) -> bool:
    return answered_once(
        ("view_portfolio", user.get_id(), case.id),
        lambda: (
            db.session.scalar(visible_portfolio_cases(user).where(Case.id == case.id).with_only_columns(Case.id))
            is not None
        ),
    )


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
    if user.roles & {Role.ADMIN, Role.COUNSELLOR, Role.CLIENT}:
        return visible_cases(user)
    # a teacher reads what the client submitted for review, not their drafts
    return visible_cases(user).where(
        exists().where(Portfolio.case_id == Case.id, Portfolio.status != PortfolioStatus.DRAFT)
    )


# --- need to know: the fields each role sees of portfolios (isok.fields) ------------------------------------------

ADMIN, COUNSELLOR, TEACHER = Role.ADMIN, Role.COUNSELLOR, Role.TEACHER
TUTOR, CLIENT = Role.WORKPLACE_TUTOR, Role.CLIENT
READERS = roles(ADMIN, COUNSELLOR, TEACHER, CLIENT)  # project managers never see portfolio content

PORTFOLIO_FIELDS = FieldSet(
    "portfolio",
    "portfolio",
    {
        ("status", "submitted_at", "reviewed_at"): READERS,
        ("review_note", "submitted_by_id", "reviewed_by_id"): roles(ADMIN, COUNSELLOR, CLIENT),
    },
    internal=("id", "case_id", "created_at", "version"),
)

ENTRY_FIELDS = FieldSet(
    "portfolio_entry",
    "portfolio_entry",
    {
        ("section", "title", "details", "language", "created_by_id", "updated_at"): READERS,
        ("shareable",): roles(ADMIN, COUNSELLOR, CLIENT),
    },
    internal=("id", "case_id", "source_key", "created_at", "version"),
)

# An entry marked shareable, while the client's consent names the workplace of a placement: what its tutor sees
# (assessment.placements.access.shared_entries decides when).
SHARED_ENTRY_FIELDS = FieldSet(
    "shared_portfolio_entry",
    "portfolio_entry",
    {
        **ENTRY_FIELDS.fields,
        ("section", "title", "details", "language", "created_by_id", "updated_at"): READERS | {TUTOR},
    },
    internal=ENTRY_FIELDS.internal,
)

FILE_FIELDS = FieldSet(
    "evidence_file",
    "evidence_file",
    {
        ("filename", "media_type", "size", "uploaded_at", "uploaded_by_id"): READERS,
    },
    internal=("id", "entry_id", "digest"),
)

QUESTIONNAIRE_FIELDS = FieldSet(
    "questionnaire",
    "questionnaire",
    {
        ("answers", "language", "updated_at", "updated_by_id"): READERS,
    },
    internal=("id", "case_id", "version"),
)

FIELD_SETS = (PORTFOLIO_FIELDS, ENTRY_FIELDS, SHARED_ENTRY_FIELDS, FILE_FIELDS, QUESTIONNAIRE_FIELDS)
