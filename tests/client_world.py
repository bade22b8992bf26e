"""A client with everything: records in every feature, written through the services (and the login through HTTP),
with the client's identifiers typed into every free text, as staff and clients do. The erasure scan and the
export-completeness test both start from it."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy import select

from assessment.assessments import access as assessment_access
from assessment.assessments import services as assessment_services
from assessment.assessments.models import EvidenceSource, OutcomeResult
from assessment.frameworks import services as framework_services
from assessment.interviews import services as interview_services
from assessment.interviews.models import Verification
from assessment.placements import services as placement_services
from assessment.statements import services as statement_services
from assessment.statements.models import Acquaintance
from cases import services as case_services
from cases.models import Case, Client, ClientType, ConsentPurpose, GuidanceKind, Stage
from certificates import services as certificate_services
from certificates.models import Certificate
from isok.accounts import services as account_services
from isok.accounts.models import OrganisationType, Role, User
from isok.catalogue import services as catalogue_services
from isok.database import utcnow
from isok.extensions import db
from isok.i18n import CLIENT_LOCALES
from isok.network import services as network_services
from isok.pdf import html_to_pdf
from isok.reports import services as report_services
from isok.reports.models import Participation
from portfolio import services as portfolio_services
from portfolio.models import Section
from portfolio.questionnaire import QUESTIONS
from tests.assessment.conftest import build_framework
from tests.catalogue.conftest import course_fields
from tests.certificates.helpers import give_test_seal
from tests.conftest import PASSWORD, log_in

FIRST, LAST = "Zeynep", "Qorqmazova"
EMAIL = "zeynep.qorqmazova@example.net"
PHONE = "+358 40 123 9876"
BIRTH = date(1987, 11, 23)
ADDRESS = "203.0.113.77"  # where the client logs in from (TEST-NET-3)
BROWSER = "QorqmazovaPhone/1.0"
CERTIFICATE_LANGUAGES = ["fi", "en", "ar"]


def identifiers() -> dict[str, set[str]]:
    """What must not survive erasure, in every form it is written in: the date of birth as the certificate and
    every page print it, in each language."""
    birth = {BIRTH.isoformat(), f"{BIRTH.day}.{BIRTH.month}.{BIRTH.year}", f"{BIRTH.day:02d}.{BIRTH.month:02d}."}
    birth |= {
        format_date(BIRTH, form, locale=locale)
        for locale in CLIENT_LOCALES
        for form in ("short", "medium", "long", "full")
    }
    return {
        "name": {FIRST, LAST},
        "email": {EMAIL},
        "phone": {PHONE, PHONE.replace(" ", "")},
        "birth date": birth,
        "address": {ADDRESS},
        "browser": {BROWSER},
    }


@dataclass
class World:
    client: Client
    case: Case
    user: User
    admin: User
    manager: User
    certificate: Certificate


def _person_pdf() -> bytes:
    return html_to_pdf(
        f"<h1>Curriculum vitae: {FIRST} {LAST}</h1><p>Born {BIRTH:%d.%m.%Y}</p><p>{EMAIL} · {PHONE}</p>", variant=None
    )


def build(http, make_user, make_organisation) -> World:
    """Build the client's whole journey; `http` is the test client, used for what only a request does."""
    college = make_organisation(
        name="Savonia Vocational College",
        type=OrganisationType.EDUCATION_PROVIDER,
        municipality="Kuopio",
        business_id="0172195-0",
    )
    give_test_seal(college)
    hotel = make_organisation(name="Hotel Kallavesi Oy", type=OrganisationType.COMPANY)
    counsellor = make_user(Role.COUNSELLOR, organisation=college, name="Leena Ohjaaja")
    colleague = make_user(Role.COUNSELLOR, organisation=college, name="Hanna Neuvoja")
    teacher = make_user(Role.TEACHER, organisation=college, name="Matti Opettaja")
    tutor = make_user(Role.WORKPLACE_TUTOR, organisation=hotel, name="Sari Ohjaaja")
    admin = make_user(Role.ADMIN, organisation=college, name="Aino Admin")
    manager = make_user(Role.PROJECT_MANAGER, organisation=college, name="Pekka Päällikkö")
    today = case_services.today()

    # The client, their case, consents, guidance and their own login.
    client = case_services.register_client(
        counsellor,
        college,
        first_name=FIRST,
        last_name=LAST,
        birth_date=BIRTH,
        email=EMAIL,
        phone=PHONE,
        gender="female",
        preferred_language="ar",
        mother_tongue="ar",
        country_of_birth="SY",
        municipality="Kuopio",
        labour_status="unemployed",
        isced_level=3,
    )
    case = case_services.open_case(
        counsellor,
        client,
        organisation=college,
        client_type=ClientType.LONG_TERM,
        entry_date=today - timedelta(days=90),
        counsellor=counsellor,
        target="Cook",
        notes=f"{FIRST} prefers mornings; call {PHONE}",
    )
    case_services.record_consent(
        counsellor,
        client,
        purpose=ConsentPurpose.SHARE_WITH_WORKPLACE,
        given_on=today - timedelta(days=89),
        information_language="ar",
        workplace=f"The restaurant of {LAST}'s uncle",
    )
    case_services.add_guidance_entry(
        counsellor,
        case,
        on=today - timedelta(days=88),
        kind=GuidanceKind.PHONE,
        note=f"Called {FIRST} {LAST} at {PHONE}, born {BIRTH:%d.%m.%Y}",
    )
    case_services.schedule_appointment(
        counsellor,
        case,
        starts_at=utcnow() + timedelta(days=20),
        kind=GuidanceKind.INDIVIDUAL_GUIDANCE,
        place=f"Write to {EMAIL} first",
    )

    # A course of the network's catalogue the counsellor enrols the client on.
    network_services.add_partner(None, college, first_cooperation_on=today - timedelta(days=400))
    course = catalogue_services.create_course(teacher, publish=True, **course_fields(college))
    catalogue_services.enrol(
        counsellor,
        course,
        catalogue_services.Person(name=f"{FIRST} {LAST}", email=EMAIL, client=client),
        catalogue_services.Payer(contact="Leena Ohjaaja", email="billing@college.example", reference="Gap course"),
        accept_terms=True,
    )
    case_services.reassign(counsellor, case, colleague, f"{FIRST} asked for a woman counsellor")
    case_services.reassign(colleague, case, counsellor, f"Back: {LAST} moved")
    user = account_services.create_user(
        admin, email=EMAIL, name=f"{FIRST} {LAST}", roles={Role.CLIENT}, password=PASSWORD, locale="ar"
    )
    case_services.link_user(counsellor, client, user)
    account_services.issue_password_link(admin, user)
    db.session.commit()

    # The portfolio, written by the client: entries, a file that names them, one entry deleted again.
    entry = portfolio_services.add_entry(
        user,
        case,
        Section.WORK,
        f"Cook at the {LAST} family restaurant",
        {"employer": f"{FIRST}'s father", "country": "SY", "tasks": f"{FIRST} cooked for 80 guests a day"},
        "en",
    )
    [evidence] = portfolio_services.add_evidence(
        user, entry, [portfolio_services.Upload(f"{FIRST}_{LAST}_CV.pdf", io.BytesIO(_person_pdf()))]
    )
    dropped = portfolio_services.add_entry(user, case, Section.GOALS, f"{FIRST}'s first goal", {}, "en")
    portfolio_services.delete_entry(user, dropped)
    question = next(iter(QUESTIONS))
    portfolio_services.save_questionnaire(
        user, case, {question: f"I am {FIRST} {LAST}, born {BIRTH:%d.%m.%Y}"}, "en", None
    )
    portfolio_services.comment(counsellor, entry, f"{FIRST}, add the years")
    portfolio_services.submit(user, case)
    portfolio_services.review(counsellor, case, accept=False, note=f"{FIRST}: add the diploma")
    case_services.move_stage(
        counsellor, case, Stage.DOCUMENTATION, today - timedelta(days=60), f"{FIRST} has her papers"
    )
    case_services.move_stage(counsellor, case, Stage.ASSESSMENT, today - timedelta(days=40), f"{LAST} is ready")
    db.session.commit()

    # The target qualification, the interview, the evidence map.
    version = build_framework(units=1, outcomes=2)
    framework_services.set_target_qualification(counsellor, case, version)
    outcome_ids = [outcome.id for outcome in version.units[0].outcomes]
    assessment_services.save_self_assessment(
        user,
        case,
        {outcome_ids[0]: {"level": "2", "note": f"{FIRST} cooked at {LAST}'s uncle's", "entry_ids": [entry.id]}},
        language="ar",
    )
    interview = interview_services.schedule_interview(
        counsellor,
        case,
        teacher=teacher,
        starts_at=utcnow() - timedelta(hours=2),
        duration_minutes=60,
        place=f"At {FIRST} {LAST}'s home",
        video_link=None,
        as_of=utcnow() - timedelta(days=7),
    )
    db.session.flush()
    interview_services.record_interview(
        teacher,
        interview,
        interview.version,
        findings={oid: (Verification.VERIFIED, f"{FIRST} showed it at once") for oid in outcome_ids},
        next_steps={"placement": True, "training": False, "certify_units": [], "note": f"{LAST} to a placement"},
    )
    interview_services.issue_calendar_token(user)
    assessment_services.map_evidence(
        counsellor,
        case,
        outcome_id=outcome_ids[0],
        entry_id=entry.id,
        file_id=evidence.id,
        note=f"{FIRST}'s CV proves it",
    )
    db.session.commit()

    # The placement and its tripartite assessment, signed off, reopened and signed off again.
    placement = placement_services.create_placement(
        counsellor,
        case,
        workplace=hotel,
        tutor=tutor,
        start_date=today - timedelta(days=30),
        end_date=today - timedelta(days=1),
        units=list(version.units),
        tasks=f"{FIRST} {LAST} on breakfast",
    )
    placement_services.issue_tutor_link(counsellor, placement)
    # A former employer confirms her work: a third-party statement, answered.
    statement, _token = statement_services.request_statement(
        counsellor,
        case,
        name="Ayşe Demir",
        organisation="Lokanta Istanbul",
        country="TR",
        email="ayse@example.com",
        language="en",
        tasks=[f"{FIRST} {LAST} cooked the lunch"],
        outcome_ids=outcome_ids[:1],
        deadline=today + timedelta(days=7),
    )
    statement_services.submit_statement(
        statement,
        answers={item.id: True for item in statement.items},
        acquaintance=Acquaintance.SUPERVISED,
        period="2015–2019",
        comment=f"{FIRST} {LAST} was our best cook",
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
                    "justification": f"{FIRST} {LAST} worked on her own",
                    "sources": [EvidenceSource.OBSERVATION.value, EvidenceSource.PORTFOLIO.value],
                    "entry_ids": [entry.id],
                }
                for oid in outcome_ids
            },
            expected_version=sheet.version,
            submit=True,
            declaration=(False, None),
        )
    for round_ in ("first", "again"):
        assessment_services.reconcile(
            teacher,
            assessment,
            outcome_values={
                oid: {
                    "level": "2",
                    "result": OutcomeResult.RECOGNISED.value,
                    "rationale": f"{FIRST} agreed ({round_})",
                    "gap_what": "",
                    "gap_where": "",
                }
                for oid in outcome_ids
            },
            unit_values={unit.id: {"level": "2", "rationale": f"{LAST} shown at work"} for unit in version.units},
            participant_ids=[counsellor.id, teacher.id, tutor.id],
            expected_version=assessment.version,
        )
        if round_ == "first":
            assessment_services.judge_evidence(
                teacher,
                assessment,
                {
                    oid: {piece.key: {"valid", "authentic", "current"} for piece in pieces}
                    for oid, pieces in assessment_services.evidence_pieces(assessment).items()
                },
            )
        assessment_services.sign_off(
            teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
        )
        assessment_services.confirm(counsellor, assessment, expected_version=assessment.version)
        if round_ == "first":
            assessment_services.reopen(
                teacher, assessment, reason=f"{FIRST} {LAST}'s unit was mixed up", expected_version=assessment.version
            )
    db.session.commit()

    # The certificate (sealed PDF in the file store), a queued bulk issue, the ESF record and its results.
    certificate = certificate_services.issue_certificate(counsellor, case, CERTIFICATE_LANGUAGES)
    # The client's appeal of the decision, reviewed by another teacher: the decision stands.
    appeal = assessment_services.request_appeal(
        user, assessment, reason=f"{FIRST} {LAST} cooked for years", language="ar"
    )
    reviewer = make_user(Role.TEACHER, organisation=college)
    assessment_services.assign_reviewer(counsellor, appeal, reviewer)
    assessment_services.review_appeal(
        reviewer,
        appeal,
        changed=False,
        note=f"{FIRST}'s evidence was weighed",
        outcome_values={},
        expected_version=appeal.version,
    )
    certificate_services.start_bulk_issue(counsellor, [case], ["fi"], "fi")
    report_services.sync_participations()
    participation = db.session.scalar(select(Participation).where(Participation.client_id == client.id))
    report_services.record_results(
        manager, participation, qualification_gained=True, responded=None, better_situation=None
    )
    db.session.commit()

    # What only requests do: the client logs in twice from their phone, staff open the record.
    phone = {"environ_base": {"REMOTE_ADDR": ADDRESS}, "headers": {"User-Agent": BROWSER}}
    for _ in range(2):
        response = http.post("/login", data={"email": EMAIL, "password": PASSWORD}, **phone)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if response.headers["Location"].endswith("/login/enrol"):  # asked once: a client may do without
            assert http.post("/login/skip", **phone).status_code == 302
        assert http.get("/", **phone).status_code == 200
        http.post("/logout", **phone)
    log_in(http, admin)
    assert http.get(f"/clients/{client.id}").status_code == 200
    return World(client=client, case=case, user=user, admin=admin, manager=manager, certificate=certificate)
