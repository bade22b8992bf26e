"""The portfolio's part of a client's data export and of their erasure (declared in portfolio.init_app)."""

from sqlalchemy import select

from cases.models import Case
from isok import audit, hooks, storage
from isok.extensions import db
from portfolio import queries, services
from portfolio.models import EntryComment, EntryRevision, EvidenceFile
from portfolio.summary import summary_context

FILE_FIELDS = ["id", "filename", "media_type", "size", "digest", "uploaded_at"]
REVISION_FIELDS = ["id", "number", "action", "changed_at", "title", "details", "language", "changed_fields", "filename"]


def _cases(client) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.client_id == client.id).order_by(Case.id)))


def _file_name(file: EvidenceFile) -> str:
    return f"{file.id}-{file.filename}"


def _comment(remark: EntryComment) -> dict:
    return {
        **audit.snapshot(remark, ["id", "text", "created_at"]),
        "author": remark.author.name if remark.author else None,
    }


def _revision(revision: EntryRevision) -> dict:
    return {
        **audit.snapshot(revision, REVISION_FIELDS),
        "changed_by": revision.changed_by.name if revision.changed_by else None,
    }


def portfolio_data(client) -> list[hooks.ExportPart]:
    """Each case's portfolio: its review, every entry with its files, earlier versions and comments, the
    questionnaire's answers."""
    portfolios, summaries = [], []
    for case in _cases(client):
        portfolio = services.portfolio_of(case)
        questionnaire = services.questionnaire_of(case)
        entries = queries.case_entries(case.id)
        if portfolio is None and questionnaire is None and not entries:
            continue
        portfolios.append(
            {
                "case_id": case.id,
                "review": audit.snapshot(
                    portfolio, ["id", "status", "submitted_at", "reviewed_at", "review_note", "created_at"]
                )
                if portfolio
                else None,
                "entries": [
                    {
                        **audit.snapshot(
                            entry, ["id", "section", "title", "details", "language", "created_at", "updated_at"]
                        ),
                        "files": [
                            {**audit.snapshot(file, FILE_FIELDS), "path": f"files/{_file_name(file)}"}
                            for file in entry.evidence
                        ],
                        "revisions": [_revision(revision) for revision in entry.revisions],
                        "comments": [_comment(remark) for remark in entry.comments],
                    }
                    for entry in entries
                ],
                "questionnaire": audit.snapshot(questionnaire, ["id", "answers", "language", "updated_at"])
                if questionnaire
                else None,
            }
        )
        summaries.append(
            {
                "summary": summary_context(case),
                "review_note": portfolio.review_note if portfolio else None,
                "comments": [(entry, remark) for entry in entries for remark in entry.comments],
            }
        )
    if not portfolios:
        return []
    return [
        hooks.ExportPart(
            "portfolio",
            portfolios,
            "portfolio/export_summary.html",
            context={"portfolios": summaries},
            tables=(
                "portfolio",
                "portfolio_entry",
                "evidence_file",
                "entry_revision",
                "entry_comment",
                "questionnaire",
            ),
        )
    ]


def evidence_files(client):
    for case in _cases(client):
        for entry in queries.case_entries(case.id):
            for file in entry.evidence:
                if storage.exists(file.digest):
                    yield _file_name(file), storage.read_bytes(file.digest)


def erase_portfolios(actor, client):
    for case in _cases(client):
        services.erase_case_portfolio(actor, case)
