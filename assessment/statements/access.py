"""Who reaches third-party statements: the staff who open the case (not project managers, who count results) and
the client, their own. A workplace tutor never sees them. Whoever holds a statement's personal link sees only what
the referee needs: the client's name and what is asked of them."""

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, select

from assessment.statements.models import RefereeStatement
from cases.access import can_view_case, case_visible
from cases.models import Case
from isok.accounts.models import Role
from isok.extensions import db
from isok.fields import FieldSet, roles
from isok.permissions import REQUEST_STATEMENTS, VERIFY_STATEMENTS, VIEW_STATEMENTS, can


def visible_statements(user) -> Select:
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_STATEMENTS):
        return select(RefereeStatement).where(false())
    return select(RefereeStatement).where(case_visible(user, RefereeStatement.case_id))


def can_view_statements(user, case: Case) -> bool:
    return can(user, VIEW_STATEMENTS) and can_view_case(user, case)


def can_request_statement(user, case: Case) -> bool:
    return can(user, REQUEST_STATEMENTS) and can_view_case(user, case)


def can_verify_statement(user, statement: RefereeStatement) -> bool:
    return can(user, VERIFY_STATEMENTS) and statement.submitted_at is not None and can_view_case(user, statement.case)


def statement_or_404(statement_id: int) -> RefereeStatement:
    return db.session.scalar(visible_statements(current_user).where(RefereeStatement.id == statement_id)) or abort(404)


# --- need to know: the fields each role sees of statements (isok.fields) ---------------------------------------

READERS = roles(Role.ADMIN, Role.COUNSELLOR, Role.TEACHER, Role.CLIENT)
STAFF = roles(Role.ADMIN, Role.COUNSELLOR, Role.TEACHER)

STATEMENT_FIELDS = FieldSet(
    "referee_statement",
    "referee_statement",
    {
        (
            "referee_name",
            "referee_organisation",
            "referee_country",
            "language",
            "deadline",
            "requested_at",
            "revoked_at",
            "submitted_at",
            "acquaintance",
            "period",
            "comment",
            "verification",
            "verified_at",
        ): READERS,
        ("referee_email", "verification_note"): STAFF,
    },
    internal=("id", "case_id", "token_hash", "expires_at", "requested_by_id", "revoked_by_id", "verified_by_id"),
)

ITEM_FIELDS = FieldSet(
    "statement_item",
    "statement_item",
    {("task", "confirmed"): READERS},
    internal=("id", "statement_id", "position", "outcome_id"),
)

FIELD_SETS = (STATEMENT_FIELDS, ITEM_FIELDS)
