"""Demo clients and cases: a living caseload at Kuopio Guidance Centre, entered from January 2025 until now."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from cases import services
from cases.models import (
    Answer,
    Client,
    ClientType,
    ConsentPurpose,
    Gender,
    GuidanceKind,
    LabourMarketResult,
    LabourStatus,
    Stage,
)
from isok import demo
from isok.accounts import services as account_services
from isok.accounts.models import Role
from isok.extensions import db

ORGANISATION = "Kuopio Guidance Centre"
SECOND_COUNSELLOR = ("hanna.neuvoja@example.org", "Hanna Neuvoja")
FIRST_ENTRY = date(2025, 1, 7)

# (country, mother tongue, women's names, men's names, family names)
ORIGINS = [
    (
        "SO",
        "so",
        ["Faadumo", "Hodan", "Sahra", "Ifrah"],
        ["Abdirahman", "Mohamed", "Hassan", "Ahmed"],
        ["Warsame", "Abdi", "Farah", "Jama", "Osman"],
    ),
    ("IQ", "ar", ["Zainab", "Noor", "Rania"], ["Ali", "Mustafa", "Haider"], ["Al-Saadi", "Kareem", "Jaber"]),
    ("AF", "fa", ["Mariam", "Fereshta", "Zahra"], ["Ahmad", "Rahmatullah", "Sayed"], ["Ahmadi", "Hosseini", "Rahimi"]),
    ("SY", "ar", ["Rasha", "Lina", "Hiba"], ["Omar", "Khaled", "Yusuf"], ["Haddad", "Al-Khatib", "Darwish"]),
    ("RU", "ru", ["Olga", "Natalia", "Irina"], ["Dmitri", "Sergei", "Aleksei"], ["Ivanova", "Smirnov", "Kuznetsov"]),
    ("UA", "uk", ["Oksana", "Kateryna", "Iryna"], ["Andrii", "Taras", "Mykola"], ["Shevchenko", "Kovalenko", "Bondar"]),
    (
        "ER",
        "ti",
        ["Senait", "Helen", "Mebrat"],
        ["Yonas", "Tesfay", "Dawit"],
        ["Tesfamariam", "Ghebremedhin", "Kidane"],
    ),
    ("IR", "fa", ["Shirin", "Parisa", "Leila"], ["Reza", "Amir", "Behzad"], ["Karimi", "Mohammadi", "Tehrani"]),
]
TARGETS = [
    "Catering and hospitality (restaurant and catering services)",
    "Cleaning and property services",
    "Social and health care (practical nurse)",
    "Logistics (warehouse work)",
    "Construction (building work)",
    "Business and administration",
    "Hairdressing",
    "Information and communications technology",
    "Early childhood education and care",
    "Vehicle technology (car mechanic)",
]
NOTES = [
    "Went through the client's work history in the home country; strong experience in the kitchen of a hotel.",
    "Discussed which documents can prove the earlier studies; the client will ask relatives for copies.",
    "Planned the portfolio together; photos of earlier work will be added next week.",
    "Talked about Finnish language courses alongside the validation.",
    "The client is motivated; the workplace placement was discussed and agreed in principle.",
    "Checked the units that could be certified directly after the interview.",
]
STAGES_BEFORE = {
    Stage.IDENTIFICATION: [],
    Stage.DOCUMENTATION: [Stage.DOCUMENTATION],
    Stage.ASSESSMENT: [Stage.DOCUMENTATION, Stage.ASSESSMENT],
    Stage.CERTIFICATION: [Stage.DOCUMENTATION, Stage.ASSESSMENT, Stage.CERTIFICATION],
}
REASONS = {
    Stage.DOCUMENTATION: "Competences identified; starting the portfolio.",
    Stage.ASSESSMENT: "Portfolio complete; the teacher's interview is agreed.",
    Stage.CERTIFICATION: "Assessment signed off; preparing the certificate.",
}
# How many cases sit in each stage now (the closed ones carry exits and follow-ups).
PLAN = (
    [Stage.IDENTIFICATION] * 8
    + [Stage.DOCUMENTATION] * 8
    + [Stage.ASSESSMENT] * 8
    + [Stage.CERTIFICATION] * 6
    + [Stage.CLOSED] * 11
)


def load(admin) -> None:
    """Create the demo caseload once (it is there if Amina Hassan's client record is)."""
    client_user = demo.account("client@example.org")
    if client_user is None or db.session.scalar(select(Client).where(Client.user_id == client_user.id)):
        return
    organisation = demo.organisation(ORGANISATION)
    counsellor = demo.account("counsellor@example.org")
    second = demo.account(SECOND_COUNSELLOR[0]) or account_services.create_user(
        admin, email=SECOND_COUNSELLOR[0], name=SECOND_COUNSELLOR[1], roles={Role.COUNSELLOR}, organisation=organisation
    )
    rng = random.Random(2026)
    today = services.today()
    _amina(admin, organisation, counsellor, client_user, today)
    span = (today - FIRST_ENTRY).days
    for index, stage in enumerate(PLAN):
        country, tongue, women, men, families = ORIGINS[index % len(ORIGINS)]
        gender = Gender.FEMALE if index % 2 == 0 else Gender.MALE
        first = rng.choice(women if gender is Gender.FEMALE else men)
        last = rng.choice(families)
        # Closed cases entered early; open ones are spread over the whole period.
        share = rng.uniform(0, 0.55) if stage is Stage.CLOSED else rng.uniform(0.05, 0.97)
        entry = FIRST_ENTRY + timedelta(days=int(span * share))
        client = services.register_client(
            admin,
            organisation,
            first_name=first,
            last_name=last,
            gender=gender,
            birth_date=date(rng.randint(1968, 2002), rng.randint(1, 12), rng.randint(1, 28)),
            country_of_birth=country,
            citizenship=country,
            mother_tongue=tongue,
            languages=[
                {"code": "fi", "level": rng.choice(["A1", "A2", "B1"])},
                {"code": "en", "level": rng.choice(["A2", "B1"])},
            ],
            arrival_year=rng.randint(2012, 2024),
            municipality=rng.choice(["Kuopio", "Siilinjärvi", "Varkaus"]),
            phone=f"+358 40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            email=f"{first}.{last}.{index}@example.net".lower().replace("-", ""),
            labour_status=rng.choice([LabourStatus.UNEMPLOYED] * 3 + [LabourStatus.INACTIVE, LabourStatus.EMPLOYED]),
            isced_level=rng.choice([1, 2, 3, 3, 4, 6]),
            education_country=country,
            third_country_national=Answer.NO if country == "UA" and index % 3 == 0 else Answer.YES,
            foreign_background=Answer.YES,
            disability=rng.choice([Answer.NO, Answer.NO, Answer.DECLINED]),
            minority=rng.choice([Answer.NO, Answer.DECLINED, Answer.NOT_ASKED]),
        )
        long_term = stage in (Stage.ASSESSMENT, Stage.CERTIFICATION) or index % 3 != 0
        case = services.open_case(
            admin,
            client,
            organisation=organisation,
            entry_date=entry,
            client_type=ClientType.LONG_TERM if long_term else ClientType.SHORT_TERM,
            counsellor=second if index % 6 == 5 else counsellor,
            target=rng.choice(TARGETS),
        )
        _journey(admin, case, stage, entry, today, rng, index)


def _amina(admin, organisation, counsellor, client_user, today) -> None:
    client = services.register_client(
        admin,
        organisation,
        first_name="Amina",
        last_name="Hassan",
        gender=Gender.FEMALE,
        birth_date=date(1988, 4, 12),
        country_of_birth="SY",
        citizenship="SY",
        mother_tongue="ar",
        languages=[{"code": "fi", "level": "A2"}, {"code": "en", "level": "B1"}],
        arrival_year=2019,
        municipality="Kuopio",
        phone="+358 40 555 0101",
        email="amina.hassan@example.net",
        preferred_language="ar",
        certificate_language="ar",
        labour_status=LabourStatus.UNEMPLOYED,
        long_term_unemployed=True,
        isced_level=3,
        education_country="SY",
        third_country_national=Answer.YES,
        foreign_background=Answer.YES,
        disability=Answer.DECLINED,
    )
    services.link_user(admin, client, client_user)
    entry = date(2026, 9, 8)
    case = services.open_case(
        admin,
        client,
        organisation=organisation,
        client_type=ClientType.LONG_TERM,
        entry_date=entry,
        counsellor=counsellor,
        target="Catering and hospitality (restaurant and catering services)",
    )
    services.record_consent(admin, client, purpose=ConsentPurpose.VALIDATION, given_on=entry, information_language="ar")
    services.record_consent(admin, client, purpose=ConsentPurpose.STATISTICS, given_on=entry, information_language="ar")
    services.add_guidance_entry(
        admin,
        case,
        on=entry,
        kind=GuidanceKind.INDIVIDUAL_GUIDANCE,
        duration_minutes=90,
        interpreter_language="ar",
        note="First meeting: cooking for large groups in Aleppo.",
    )
    services.move_stage(admin, case, Stage.DOCUMENTATION, date(2026, 10, 6), REASONS[Stage.DOCUMENTATION])
    services.add_guidance_entry(
        admin,
        case,
        on=date(2026, 10, 6),
        kind=GuidanceKind.INDIVIDUAL_GUIDANCE,
        duration_minutes=60,
        shareable=True,
        note="Add photos of your dishes and the letter from the restaurant to your portfolio.",
    )
    services.move_stage(admin, case, Stage.ASSESSMENT, date(2026, 10, 27), REASONS[Stage.ASSESSMENT])
    for days, kind, place in (
        (3, GuidanceKind.INDIVIDUAL_GUIDANCE, "Kuopio Guidance Centre, room 2"),
        (17, GuidanceKind.PHONE, None),
    ):
        starts = datetime.combine(today + timedelta(days=days), time(8, 30), tzinfo=UTC)
        services.schedule_appointment(admin, case, starts_at=starts, kind=kind, place=place)
    case.last_activity_at = datetime.combine(date(2026, 10, 6), time(10), tzinfo=UTC)


# Results at exit, drawn at random: a labour-market status and whether the client went on to education or training.
EXIT_RESULTS = [
    (LabourMarketResult.EMPLOYED, False),
    (LabourMarketResult.EMPLOYED, False),
    (LabourMarketResult.NEITHER, True),
    (LabourMarketResult.JOB_SEARCHING, False),
    (LabourMarketResult.SELF_EMPLOYED, False),
]


def _journey(admin, case, stage: Stage, entry: date, today: date, rng: random.Random, index: int) -> None:
    """Walk the case to its stage with dated moves, log meetings and consents, and close some with exits."""
    client = case.client
    services.record_consent(
        admin, client, purpose=ConsentPurpose.VALIDATION, given_on=entry, information_language=client.mother_tongue
    )
    if index % 4 != 3:
        services.record_consent(
            admin, client, purpose=ConsentPurpose.STATISTICS, given_on=entry, information_language=client.mother_tongue
        )
    room = max((today - entry).days, 1)
    steps = STAGES_BEFORE.get(
        stage, STAGES_BEFORE[Stage.CERTIFICATION] if case.client_type is ClientType.LONG_TERM else [Stage.DOCUMENTATION]
    )
    closing = stage is Stage.CLOSED
    dates = sorted(entry + timedelta(days=rng.randint(1, max(room * 2 // 3, 1))) for _ in steps)
    last = entry
    services.add_guidance_entry(
        admin,
        case,
        on=entry,
        kind=GuidanceKind.INDIVIDUAL_GUIDANCE,
        duration_minutes=rng.choice([45, 60, 90]),
        note=NOTES[0],
        interpreter_language=client.mother_tongue if index % 3 == 0 else None,
    )
    for step, on in zip(steps, dates, strict=True):
        on = max(on, last)
        services.move_stage(admin, case, step, on, REASONS[step])
        if step is Stage.ASSESSMENT:
            services.record_consent(
                admin,
                client,
                purpose=ConsentPurpose.SHARE_WITH_WORKPLACE,
                given_on=on,
                information_language=client.mother_tongue,
                workplace="Hotel Kallavesi Oy",
            )
        services.add_guidance_entry(
            admin,
            case,
            on=on,
            kind=rng.choice(list(GuidanceKind)),
            duration_minutes=rng.choice([15, 30, 60]),
            note=rng.choice(NOTES),
            shareable=index % 5 == 0,
        )
        last = on
    if closing:
        exit_date = min(last + timedelta(days=rng.randint(20, 120)), today)
        if index % 11 == 0:
            exit_date = today - timedelta(days=180) + timedelta(days=4)  # its follow-up falls due this week
        exit_date = max(exit_date, last)
        status, in_education = rng.choice(EXIT_RESULTS)
        # Results that go together: some job seekers and some of the employed are also in training.
        in_education = (
            in_education
            or (status is LabourMarketResult.JOB_SEARCHING and index % 2 == 0)
            or (status is LabourMarketResult.EMPLOYED and index % 5 == 0)
        )
        shortened = Answer.YES if in_education else Answer.NO
        services.record_exit(
            admin,
            case,
            exit_date=exit_date,
            labour_status=status,
            in_education=in_education,
            qualification=index % 7 == 0,
            study_path_shortened=shortened,
            study_months_saved=rng.choice([3, 6, 12]) if shortened is Answer.YES else None,
        )
        last = exit_date
        if case.follow_up_due <= today and index % 3 != 0:
            later = rng.choice(
                [
                    LabourMarketResult.EMPLOYED,
                    LabourMarketResult.SELF_EMPLOYED,
                    LabourMarketResult.JOB_SEARCHING,
                    status,
                ]
            )
            services.record_follow_up(
                admin,
                case,
                on=case.follow_up_due,
                labour_status=later,
                in_education=later is LabourMarketResult.NEITHER and in_education,
            )
            last = case.follow_up_due
    # The demo's history happened over time: activity dates follow the dated events, some now a month quiet.
    case.last_activity_at = datetime.combine(last, time(10), tzinfo=UTC)
