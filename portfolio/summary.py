"""The portfolio summary as plain data, for the printable page (and the PDF renderer, which takes no ORM objects)."""

from flask_babel import format_date, get_locale

from cases.models import Case
from isok.database import utcnow
from isok.i18n import language_name, text_direction
from portfolio import queries, services
from portfolio.fields import described
from portfolio.questionnaire import PARTS


def summary_context(case: Case) -> dict:
    locale = str(get_locale())
    questionnaire = services.questionnaire_of(case)
    answers = questionnaire.answers if questionnaire else {}
    answer_language = questionnaire.language if questionnaire else locale
    sections = []
    for section, entries in queries.entries_by_section(case.id).items():
        sections.append(
            {
                "label": str(section.label),
                "entries": [
                    {
                        "id": entry.id,
                        "title": entry.title,
                        "language": entry.language,
                        "language_name": language_name(entry.language, locale),
                        "direction": text_direction(entry.language),
                        "rows": described(entry.section, entry.details),
                        "files": [
                            {"name": file.filename, "media_type": file.media_type, "size": file.size}
                            for file in entry.evidence
                        ],
                    }
                    for entry in entries
                ],
            }
        )
    return {
        "client_name": case.client.full_name,
        "target": case.target,
        "status": str(services.portfolio_status(case).label),
        "generated": format_date(utcnow(), "long"),
        "sections": sections,
        "answers_language": answer_language,
        "answers_direction": text_direction(answer_language),
        "questionnaire": [
            {
                "title": part.text(locale),
                "answers": [
                    (question.text(locale), answers[question.key])
                    for question in part.questions
                    if answers.get(question.key)
                ],
            }
            for part in PARTS
            if any(answers.get(question.key) for question in part.questions)
        ],
    }
