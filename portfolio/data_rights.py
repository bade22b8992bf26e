"""The portfolio's part of a client's data export and of their erasure (declared in portfolio.init_app)."""

from sqlalchemy import select

from cases.models import Case
from isok import storage
from isok.extensions import db
from portfolio import queries, services
from portfolio.models import Questionnaire


def _cases(client) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.client_id == client.id).order_by(Case.id)))


def portfolio_data(client):
    portfolios = []
    for case in _cases(client):
        questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.case_id == case.id))
        portfolios.append({
            "case_id": case.id,
            "entries": [{
                "id": entry.id, "section": entry.section.value, "title": entry.title, "details": entry.details,
                "language": entry.language, "created_at": entry.created_at.isoformat(),
                "files": [{"name": f"{file.id}-{file.filename}", "media_type": file.media_type, "size": file.size,
                           "sha256": file.digest} for file in entry.evidence],
            } for entry in queries.case_entries(case.id)],
            "questionnaire": questionnaire.answers if questionnaire else None,
        })
    return [("portfolio", portfolios)] if portfolios else []


def evidence_files(client):
    for case in _cases(client):
        for entry in queries.case_entries(case.id):
            for file in entry.evidence:
                if storage.exists(file.digest):
                    yield f"{file.id}-{file.filename}", storage.read_bytes(file.digest)


def erase_portfolios(actor, client):
    for case in _cases(client):
        services.erase_case_portfolio(actor, case)
