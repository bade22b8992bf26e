"""Need to know, checked from the outside: every text column of the personal-data tables holds a unique marker
(written through the services), then a tutor, a teacher and a project manager each open everything they can reach
(the routes of the app with the seeded ids, and every link from there, starting at the dashboard and the menu) and
download what is offered (HTML, CSV, XLSX, JSON, PDF as pdftotext reads it, .ics, ZIP contents). A marker of a field
outside the role's declared field set (isok.fields, declared in each feature's access.py) fails the test, and so
does a column no field set declares."""

import io
import re
import subprocess
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assessment.assessments import access as assessment_access
from assessment.assessments import services as assessment_services
from assessment.assessments.models import EvidenceSource
from assessment.frameworks import services as framework_services
from assessment.interviews import services as interview_services
from assessment.interviews.models import Verification
from assessment.placements import services as placement_services
from assessment.statements import services as statement_services
from assessment.statements.models import Acquaintance, VerificationMethod
from cases import services as case_services
from cases.models import ClientType, ConsentPurpose, GuidanceKind, Stage
from isok import fields
from isok.accounts.models import OrganisationType, Role
from isok.database import utcnow
from isok.extensions import db
from portfolio import services as portfolio_services
from portfolio.models import Portfolio, Section
from portfolio.questionnaire import QUESTIONS
from tests.assessment.conftest import build_framework
from tests.conftest import log_in

# The tables that hold personal data: each needs a field set naming every one of its columns.
PERSONAL_TABLES = {
    "client",
    "case",
    "stage_change",
    "guidance_entry",
    "consent",
    "portfolio",
    "portfolio_entry",
    "evidence_file",
    "questionnaire",
    "interview",
    "interview_finding",
    "placement",
    "assessment",
    "assessment_assessor",
    "rating",
    "participation",
    "certificate",
    "notice",
    "outbox_mail",
    "referee_statement",
    "statement_item",
}
CRAWL_LIMIT = 500
NEVER_FOLLOW = ("/static/", "/logout", "/login", "/placement-link/")


def test_every_column_of_a_personal_data_table_is_declared(app):
    declared: dict[str, set[str]] = {}
    for field_set in fields.field_sets(app).values():
        declared.setdefault(field_set.table, set()).update(field_set.declared)
    assert set(declared) >= PERSONAL_TABLES, f"no field set for {sorted(PERSONAL_TABLES - set(declared))}"
    problems = []
    for table, names in declared.items():
        columns = {column.name for column in db.Model.metadata.tables[table].columns}
        if columns - names:
            problems.append(f"{table}: columns nobody decided who may see: {sorted(columns - names)}")
        if names - columns:
            problems.append(f"{table}: declared but not columns: {sorted(names - columns)}")
    assert problems == []


class Markers:
    """Unique strings, each standing for one field of one kind of record."""

    def __init__(self):
        self.fields: dict[str, tuple[str, str]] = {}

    def __call__(self, kind: str, name: str) -> str:
        marker = f"qx{len(self.fields):03d}mark"
        self.fields[marker] = (kind, name)
        return marker


def _seed(make_user, make_organisation):
    """One client's journey with a marker in every text field, and the people around it."""
    mark = Markers()
    college = make_organisation(name="Leak College", type=OrganisationType.EDUCATION_PROVIDER)
    hotel = make_organisation(name="Leak Hotel Oy", type=OrganisationType.COMPANY)
    people = {
        "counsellor": make_user(Role.COUNSELLOR, organisation=college, name="Leak Counsellor"),
        "teacher": make_user(Role.TEACHER, organisation=college, name="Leak Teacher"),
        "workplace_tutor": make_user(Role.WORKPLACE_TUTOR, organisation=hotel, name="Leak Tutor"),
        "project_manager": make_user(Role.PROJECT_MANAGER, organisation=college, name="Leak Manager"),
    }
    counsellor, teacher, tutor = people["counsellor"], people["teacher"], people["workplace_tutor"]
    today = date.today()

    client = case_services.register_client(
        counsellor,
        college,
        first_name=mark("client", "first_name"),
        last_name=mark("client", "last_name"),
        latin_name=mark("client", "latin_name"),
        phone=f"+358 {mark('client', 'phone')}",
        email=f"{mark('client', 'email')}@example.org",
        municipality=mark("client", "municipality"),
        birth_date=date(1988, 6, 17),
        gender="female",
        preferred_language="ar",
        mother_tongue="ar",
        labour_status="unemployed",
        isced_level=3,
        disability="yes",
        homeless="yes",
        minority="yes",
    )
    case = case_services.open_case(
        counsellor,
        client,
        organisation=college,
        client_type=ClientType.LONG_TERM,
        entry_date=today - timedelta(days=90),
        counsellor=counsellor,
        target=mark("case", "target"),
        notes=mark("case", "notes"),
    )
    case_services.record_consent(
        counsellor,
        client,
        purpose=ConsentPurpose.SHARE_WITH_WORKPLACE,
        given_on=today - timedelta(days=80),
        information_language="ar",
        workplace=mark("consent", "workplace"),
    )
    case_services.record_consent(
        counsellor,
        client,
        purpose=ConsentPurpose.SHARE_WITH_WORKPLACE,
        given_on=today - timedelta(days=80),
        information_language="ar",
        workplace=hotel.name,
    )
    case_services.add_guidance_entry(
        counsellor, case, on=today - timedelta(days=70), kind=GuidanceKind.PHONE, note=mark("guidance_entry", "note")
    )
    case_services.add_guidance_entry(
        counsellor,
        case,
        on=today - timedelta(days=69),
        kind=GuidanceKind.PHONE,
        note=mark("shared_guidance_entry", "note"),
        shareable=True,
    )
    case_services.move_stage(
        counsellor, case, Stage.DOCUMENTATION, today - timedelta(days=60), mark("stage_change", "reason")
    )

    entry = portfolio_services.add_entry(
        counsellor,
        case,
        Section.WORK,
        mark("portfolio_entry", "title"),
        {"employer": mark("portfolio_entry", "details"), "country": "SY"},
        "en",
    )
    shared = portfolio_services.add_entry(
        counsellor,
        case,
        Section.WORK,
        mark("shared_portfolio_entry", "title"),
        {"tasks": mark("shared_portfolio_entry", "details")},
        "en",
        shareable=True,
    )
    [evidence] = portfolio_services.add_evidence(
        counsellor,
        entry,
        [portfolio_services.Upload(f"{mark('evidence_file', 'filename')}.txt", io.BytesIO(b"A reference letter."))],
    )
    portfolio_services.save_questionnaire(
        counsellor, case, {next(iter(QUESTIONS)): mark("questionnaire", "answers")}, "en", None
    )
    portfolio_services.submit(counsellor, case)
    portfolio_services.review(counsellor, case, accept=False, note=mark("portfolio", "review_note"))
    case_services.move_stage(counsellor, case, Stage.ASSESSMENT, today - timedelta(days=40), "Ready")

    version = build_framework(units=1, outcomes=2)
    framework_services.set_target_qualification(counsellor, case, version)
    outcome_ids = [outcome.id for outcome in version.units[0].outcomes]
    interview = interview_services.schedule_interview(
        counsellor,
        case,
        teacher=teacher,
        starts_at=utcnow() - timedelta(hours=2),
        duration_minutes=60,
        place=mark("interview", "place"),
        video_link=f"https://video.example/{mark('interview', 'video_link')}",
        interpreter_language="ar",
        interpreter_name=mark("interview", "interpreter_name"),
        interpreter_email=f"{mark('interview', 'interpreter_email')}@tulkit.example",
        as_of=utcnow() - timedelta(days=7),
    )  # held: its findings can be recorded
    db.session.flush()
    interview_services.record_interview(
        teacher,
        interview,
        interview.version,
        findings={oid: (Verification.VERIFIED, mark("interview_finding", "note")) for oid in outcome_ids},
        next_steps={"placement": True, "training": False, "certify_units": [], "note": mark("interview", "next_steps")},
    )
    calendar_token = interview_services.issue_calendar_token(teacher)
    assessment_services.map_evidence(
        counsellor, case, outcome_id=outcome_ids[0], entry_id=entry.id, file_id=evidence.id, note="Mapped"
    )
    assessment_services.map_evidence(counsellor, case, outcome_id=outcome_ids[0], entry_id=shared.id, note="Mapped")

    placement = placement_services.create_placement(
        counsellor,
        case,
        workplace=hotel,
        tutor=tutor,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=10),
        units=list(version.units),
        tasks=mark("placement", "tasks"),
    )
    assessment = assessment_services.open_assessment(counsellor, placement, teacher=teacher, counsellor=counsellor)
    for rater in (counsellor, teacher, tutor):
        sheet = assessment_access.assessor_of(rater, assessment)
        assessment_services.save_ratings(
            rater,
            assessment,
            {
                oid: {
                    "level": "2",
                    "justification": mark("rating", "justification"),
                    "sources": [EvidenceSource.OBSERVATION.value],
                    "entry_ids": [],
                }
                for oid in outcome_ids
            },
            expected_version=sheet.version,
            submit=True,
            declaration=(False, None),
        )
    statement, _token = statement_services.request_statement(
        counsellor,
        case,
        name=mark("referee_statement", "referee_name"),
        organisation=mark("referee_statement", "referee_organisation"),
        country="FI",
        email=f"{mark('referee_statement', 'referee_email')}@example.org",
        language="ar",
        tasks=[mark("statement_item", "task")],
        outcome_ids=outcome_ids[:1],
        deadline=today + timedelta(days=7),
    )
    statement_services.submit_statement(
        statement,
        answers={item.id: True for item in statement.items},
        acquaintance=Acquaintance.SUPERVISED,
        period=mark("referee_statement", "period"),
        comment=mark("referee_statement", "comment"),
    )
    statement_services.verify_statement(
        teacher, statement, method=VerificationMethod.PHONE, note=mark("referee_statement", "verification_note")
    )
    db.session.commit()
    ids = {
        "case_id": case.id,
        "statement_id": statement.id,
        "client_id": client.id,
        "entry_id": entry.id,
        "file_id": evidence.id,
        "interview_id": interview.id,
        "placement_id": placement.id,
        "assessment_id": assessment.id,
        "version_id": version.id,
        "unit_id": version.units[0].id,
        "outcome_id": outcome_ids[0],
        "portfolio_id": db.session.scalar(select(Portfolio.id).where(Portfolio.case_id == case.id)),
    }
    extra = {"teacher": [f"/calendar/{calendar_token}.ics"]}  # the teacher's private feed
    return mark, people, ids, extra


def _seeded_urls(app, ids) -> list[str]:
    """Every GET route whose arguments the seeded records fill (the rest take other records: users, courses...)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or not set(rule.arguments) <= set(ids):
            continue
        urls.append(rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1])
    return urls


def _pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(data)
        return subprocess.run(  # noqa: S603
            ["pdftotext", str(path), "-"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def _text(name: str, media_type: str, data: bytes) -> str:
    """What a person reading the download sees (ZIP members read by their own type)."""
    if "pdf" in media_type or name.endswith(".pdf") or data.startswith(b"%PDF"):
        return _pdf_text(data)
    if "spreadsheetml" in media_type or name.endswith(".xlsx"):
        return _xlsx_text(data)
    if "zip" in media_type or name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(f"{member} {_text(member, '', archive.read(member))}" for member in archive.namelist())
    return data.decode("utf-8", errors="replace")


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)', html)]


def crawl(http, start: list[str]) -> dict[str, str]:
    """Open the start addresses and every same-site link from them; answer {url: what the user saw}."""
    seen: dict[str, str] = {}
    queue = list(dict.fromkeys(start))
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen or any(part in url for part in NEVER_FOLLOW):
            continue
        response = http.get(url)
        data, media_type = response.get_data(), response.mimetype or ""
        disposition = response.headers.get("Content-Disposition", "")
        response.close()
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
        if response.status_code != 200:
            seen[url] = ""
            continue
        name = re.search(r'filename="?([^";]+)', disposition)
        seen[url] = _text(name.group(1) if name else url.split("?")[0], media_type, data)
        if media_type == "text/html":
            queue.extend(link for link in _links(seen[url]) if link not in seen)
    return seen


@pytest.mark.parametrize("role", ["workplace_tutor", "teacher", "project_manager"])
def test_a_role_sees_no_field_outside_its_field_set(app, make_user, make_organisation, role):
    mark, people, ids, extra = _seed(make_user, make_organisation)
    http = app.test_client()
    user = people[role]
    log_in(http, user)
    with app.test_request_context():
        allowed = {kind: fields.seen_by(user, kind) for kind in fields.field_sets()}
    pages = crawl(http, ["/", *_seeded_urls(app, ids), *extra.get(role, [])])
    leaks, found = [], set()
    for url, text in pages.items():
        for marker in re.findall(r"qx\d{3}mark", text.lower()):
            kind, name = mark.fields[marker]
            found.add((kind, name))
            if name not in allowed[kind]:
                leaks.append(f"{url}: {kind}.{name}")
    assert not leaks, f"{role} sees fields outside their field set:\n" + "\n".join(sorted(set(leaks)))
    # the crawl reached the role's work: what it needs is there
    needed = {
        "workplace_tutor": {
            ("client", "last_name"),
            ("placement", "tasks"),
            ("shared_portfolio_entry", "title"),
            ("rating", "justification"),
        },
        "teacher": {
            ("client", "last_name"),
            ("client", "phone"),
            ("interview", "place"),
            ("portfolio_entry", "title"),
            ("shared_guidance_entry", "note"),
            ("interview_finding", "note"),
            ("referee_statement", "comment"),
            ("statement_item", "task"),
        },
        "project_manager": {("client", "last_name")},
    }[role]
    assert found >= needed, f"{role} did not reach {sorted(needed - found)} ({len(pages)} pages)"
