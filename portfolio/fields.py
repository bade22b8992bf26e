"""What each portfolio section asks: one description that builds the forms, checks the details and shows them."""

from dataclasses import dataclass

from babel import Locale
from flask_babel import get_locale

from isok.i18n import language_name
from isok.translation import lazy_gettext as _l
from portfolio.models import Section

CEFR_LEVELS = {
    "A1": _l("A1 (beginner)"),
    "A2": _l("A2 (elementary)"),
    "B1": _l("B1 (intermediate)"),
    "B2": _l("B2 (upper intermediate)"),
    "C1": _l("C1 (advanced)"),
    "C2": _l("C2 (proficient)"),
    "native": _l("Mother tongue"),
}
EDUCATION_LEVELS = {
    "basic": _l("Basic education (primary or lower secondary)"),
    "upper_secondary": _l("General upper secondary"),
    "vocational": _l("Vocational education"),
    "bachelor": _l("Bachelor's degree or equivalent"),
    "master": _l("Master's degree or higher"),
    "course": _l("Course or short training"),
    "other": _l("Other"),
}
COMPLETION = {"completed": _l("Completed"), "not_completed": _l("Not completed"), "ongoing": _l("Still studying")}
OTHER_SKILL_KINDS = {
    "volunteering": _l("Volunteering"),
    "hobby": _l("Hobby"),
    "family_business": _l("Family business"),
    "driving_licence": _l("Driving licence"),
    "certificate": _l("Certificate or card (for example a hygiene passport)"),
    "professional": _l("Professional skill"),
    "digital": _l("Digital skills"),
    "social": _l("Social skills"),
    "other": _l("Other"),
}
GOAL_KINDS = {
    "work": _l("Work"),
    "study": _l("Study"),
    "language": _l("Language learning"),
    "business": _l("Own business"),
}
DOCUMENT_TYPES = {
    "diploma": _l("Diploma"),
    "transcript": _l("Transcript of records"),
    "work_certificate": _l("Work certificate"),
    "reference": _l("Reference"),
    "licence": _l("Licence"),
    "other": _l("Other document"),
}
TRANSLATIONS = {
    "none": _l("No translation"),
    "unofficial": _l("Unofficial translation"),
    "authorised": _l("Authorised translation"),
}
RECOGNITION = {
    "none": _l("No decision"),
    "pending": _l("Applied, waiting for a decision"),
    "decided": _l("Decision made"),
}
ALTERNATIVE_EVIDENCE = {
    "witness": _l("A witness statement"),
    "work_sample": _l("A work sample"),
    "interview": _l("The interview"),
    "other": _l("Other evidence"),
}

PERIOD_HINT = _l("A year, or a year and month, for example 2019 or 2019-05.")
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]))?$"

# Languages a client may type in: the client languages first, then others common among newcomers to Finland.
TYPED_LANGUAGES = (
    "fi",
    "sv",
    "en",
    "ar",
    "fa",
    "ru",
    "so",
    "ti",
    "uk",
    "ckb",
    "ku",
    "ps",
    "am",
    "tr",
    "fr",
    "es",
    "de",
    "pt",
    "et",
    "pl",
    "sq",
    "bs",
    "zh",
    "vi",
    "th",
    "ur",
    "hi",
    "bn",
    "my",
    "sw",
)


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    kind: str = "text"  # text, textarea, choice, country, language, period, bool
    choices: dict | None = None
    hint: object | None = None

    @property
    def typed(self) -> bool:
        """Free text in the language the client typed it in (shown with that language's direction)."""
        return self.kind in ("text", "textarea")


TITLE_LABELS = {
    Section.WORK: _l("Job title"),
    Section.EDUCATION: _l("Qualification, degree or course"),
    Section.LANGUAGES: _l("Language"),
    Section.OTHER_SKILLS: _l("Skill"),
    Section.GOALS: _l("What you wish for"),
    Section.DOCUMENTS: _l("Name of the document"),
}

SECTION_FIELDS: dict[Section, tuple[Field, ...]] = {
    Section.WORK: (
        Field("employer", _l("Employer")),
        Field("country", _l("Country"), "country"),
        Field("start", _l("From"), "period", hint=PERIOD_HINT),
        Field("end", _l("To"), "period", hint=_l("Leave empty if you still work there.")),
        Field("tasks", _l("Tasks"), "textarea"),
        Field("tools", _l("Tools and machines used"), "textarea"),
    ),
    Section.EDUCATION: (
        Field("institution", _l("School or institution")),
        Field("country", _l("Country"), "country"),
        Field("level", _l("Level"), "choice", EDUCATION_LEVELS),
        Field("field", _l("Field of study")),
        Field("start", _l("From"), "period", hint=PERIOD_HINT),
        Field("end", _l("To"), "period", hint=PERIOD_HINT),
        Field("completion", _l("Completed?"), "choice", COMPLETION),
    ),
    Section.LANGUAGES: (
        Field("listening", _l("Listening"), "choice", CEFR_LEVELS),
        Field("reading", _l("Reading"), "choice", CEFR_LEVELS),
        Field("speaking", _l("Speaking"), "choice", CEFR_LEVELS),
        Field("writing", _l("Writing"), "choice", CEFR_LEVELS),
        Field("notes", _l("Where and how you learned or used it"), "textarea"),
    ),
    Section.OTHER_SKILLS: (
        Field("kind", _l("Kind of skill"), "choice", OTHER_SKILL_KINDS),
        Field("description", _l("Description"), "textarea"),
        Field("issuer", _l("Issued by"), hint=_l("For licences and certificates.")),
        Field("valid_until", _l("Valid until"), "period", hint=PERIOD_HINT),
    ),
    Section.GOALS: (
        Field("kind", _l("Kind of goal"), "choice", GOAL_KINDS),
        Field("description", _l("Description"), "textarea"),
    ),
    Section.DOCUMENTS: (
        Field("document_type", _l("Type of document"), "choice", DOCUMENT_TYPES),
        Field("country", _l("Issuing country"), "country"),
        Field("institution", _l("Issuing institution")),
        Field("original_language", _l("Original language of the document"), "language"),
        Field("translation", _l("Translation"), "choice", TRANSLATIONS),
        Field("translated_by", _l("Translated by")),
        Field(
            "recognition",
            _l("Official recognition"),
            "choice",
            RECOGNITION,
            hint=_l("For example a recognition decision by the Finnish National Agency for Education."),
        ),
        Field("recognition_details", _l("Recognition decision"), "textarea"),
        Field("lost", _l("The document was lost"), "bool"),
        Field(
            "alternative_evidence",
            _l("Alternative evidence"),
            "choice",
            ALTERNATIVE_EVIDENCE,
            hint=_l("If the document was lost, what else shows what it proved."),
        ),
        Field("alternative_description", _l("About the alternative evidence"), "textarea"),
    ),
}


def field_names(section: Section) -> tuple[str, ...]:
    return tuple(spec.name for spec in SECTION_FIELDS[section])


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries named in the current language, sorted by that name."""
    names = Locale.parse(str(get_locale())).territories
    return sorted(
        (
            (code, name)
            for code, name in names.items()
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "UN", "EZ", "QO", "XA", "XB")
        ),
        key=lambda pair: pair[1].lower(),
    )


def country_name(code: str) -> str:
    return Locale.parse(str(get_locale())).territories.get(code, code)


def typed_language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in TYPED_LANGUAGES]


def shown_value(spec: Field, value) -> str:
    """A stored detail as the reader sees it, in their language where it is a choice."""
    if value in (None, "", False):
        return ""
    if spec.kind == "choice":
        return str(spec.choices.get(value, value))
    if spec.kind == "country":
        return country_name(value)
    if spec.kind == "language":
        return language_name(value)
    if spec.kind == "bool":
        return str(_l("Yes"))
    return str(value)


def described(section: Section, details: dict) -> list[tuple[str, str, bool]]:
    """The filled-in details of an entry as (label, value, typed-by-the-client) rows."""
    rows = []
    for spec in SECTION_FIELDS[section]:
        value = shown_value(spec, details.get(spec.name))
        if value:
            rows.append((str(spec.label), value, spec.typed))
    return rows
