"""Third-party statements in a client's data export and erasure (declared in assessment.statements.init_app).

Erasure removes the statements: they say what a named referee said about the erased client, and nothing else needs
them. The audit entries stay, with the names and the tasks blanked; the requests kept in the outbox go too.
"""

from sqlalchemy import select

from assessment.statements import notices
from assessment.statements.models import RefereeStatement
from cases.models import Case
from isok import audit, hooks
from isok.extensions import db

STATEMENT_FIELDS = [
    "id",
    "case_id",
    "referee_name",
    "referee_organisation",
    "referee_country",
    "referee_email",
    "language",
    "deadline",
    "requested_at",
    "revoked_at",
    "submitted_at",
    "acquaintance",
    "period",
    "comment",
    "verification",
    "verification_note",
    "verified_at",
]
ITEM_FIELDS = ["id", "statement_id", "position", "task", "outcome_id", "confirmed"]
REDACTED = ("referee_name", "referee_organisation", "tasks")


def _statements(client) -> list[RefereeStatement]:
    return list(
        db.session.scalars(
            select(RefereeStatement)
            .join(Case, RefereeStatement.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(RefereeStatement.id)
        )
    )


def statements_part(client) -> list[hooks.ExportPart]:
    """Each request for a statement: whom, what was asked and what the referee answered, and its verification."""
    statements = _statements(client)
    if not statements:
        return []
    data = [
        {
            **audit.snapshot(statement, STATEMENT_FIELDS),
            "items": [
                {
                    **audit.snapshot(item, ITEM_FIELDS),
                    "outcome": item.outcome.code if item.outcome else None,
                }
                for item in statement.items
            ],
        }
        for statement in statements
    ]
    return [
        hooks.ExportPart(
            "statements",
            data,
            "assessment/statements/export_summary.html",
            context={"statements": statements},
            tables=("referee_statement", "statement_item"),
        )
    ]


def erase_statements(actor, client) -> None:
    statements = _statements(client)
    if not statements:
        return
    notices.erase_request_mails(statements)
    audit.redact("referee_statement", [statement.id for statement in statements], REDACTED)
    for statement in statements:
        db.session.delete(statement)
    audit.record(
        actor, "erase_statements", object_type="client", object_id=client.id, changes={"statements": len(statements)}
    )
    db.session.flush()
