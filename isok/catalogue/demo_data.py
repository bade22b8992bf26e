"""Demo data for the catalogue: the network's rules, the programme's trainings with their participants, and a living
catalogue around today (courses past, running and coming, full ones with a waiting list, a draft, a cancelled one),
with enrolments of staff, of outside organisations and of clients into the courses that close their gap.

Idempotent: a course is looked up by its Finnish title before it is made; everything goes through the services.
"""

from datetime import date, time, timedelta

from flask_login import AnonymousUserMixin
from sqlalchemy import select

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion, VersionStatus
from cases.models import Case
from isok import demo
from isok.catalogue import queries, services
from isok.catalogue.models import Completion, Course, Enrolment, EnrolmentStatus
from isok.catalogue.services import Payer, Person, SessionInput
from isok.extensions import db
from isok.network.demo_data import business_id

RULES = {
    "pricing": {
        "fi": "Verkoston jäsenet tarjoavat toisilleen kursseja yhteisin hinnoin: ohjaajien ja opettajien koulutukset "
        "ovat jäsenille maksuttomia, muut kurssit hinnoitellaan osallistujaa, opintopistettä tai kurssia kohden. "
        "Verkoston ulkopuolisille organisaatioille hinta on enintään kaksinkertainen jäsenhintaan nähden.",
        "sv": "Nätverkets medlemmar erbjuder varandra kurser till gemensamma priser: utbildningar för handledare och "
        "lärare är avgiftsfria för medlemmar, övriga kurser prissätts per deltagare, studiepoäng eller kurs. "
        "För organisationer utanför nätverket är priset högst det dubbla medlemspriset.",
        "en": "The network's members offer each other courses at common prices: trainings for counsellors and "
        "teachers are free for members, other courses are priced per participant, per credit or per course. "
        "For organisations outside the network the price is at most twice the member price.",
    },
    "cancellation": {
        "fi": "Ilmoittautumisen voi perua maksutta 14 päivää ennen kurssin alkua. Myöhemmin perutusta paikasta "
        "laskutetaan 50 % hinnasta. Jonosta perumisesta ei laskuteta. Jos järjestäjä peruu kurssin, "
        "mitään ei laskuteta.",
        "sv": "Anmälan kan avbokas avgiftsfritt fram till 14 dagar före kursstart. För en senare avbokad plats "
        "faktureras 50 % av priset. Avbokning från kön är avgiftsfri. Om arrangören ställer in kursen "
        "faktureras ingenting.",
        "en": "An enrolment can be cancelled free of charge up to 14 days before the course starts. A seat "
        "cancelled later is charged at 50 % of the price. Leaving the waiting list is free. If the provider "
        "cancels the course, nothing is charged.",
    },
    "responsibilities": {
        "fi": "Kurssin järjestäjä vastaa sisällöstä, opettajista, tiloista ja suoritusten kirjaamisesta. Maksava "
        "organisaatio vastaa maksusitoumuksesta ja osallistujan tiedoista. Hankkeen projektipäällikkö ylläpitää "
        "näitä sääntöjä ja verkoston laskutusyhteenvetoa.",
        "sv": "Kursarrangören ansvarar för innehållet, lärarna, lokalerna och registreringen av prestationer. Den "
        "betalande organisationen ansvarar för betalningsförbindelsen och deltagarens uppgifter. Projektchefen "
        "underhåller dessa regler och nätverkets faktureringssammandrag.",
        "en": "The provider is responsible for the content, the teachers, the premises and recording completion. "
        "The paying organisation is responsible for the payment commitment and the participant's details. "
        "The project manager keeps these rules and the network's billing statement.",
    },
}

# title, organisation, first day, last day, place (the programme's trainings, as the project held them)
TRAININGS = [
    ("Validation basics for counsellors", "Savonia Vocational College", date(2025, 3, 10), date(2025, 3, 12), "Kuopio"),
    (
        "Competence-based interviews for vocational teachers",
        "Joensuu Adult Education Centre",
        date(2025, 9, 15),
        date(2025, 9, 16),
        "Joensuu",
    ),
    ("Portfolio guidance in plain Finnish", "Savonia Vocational College", date(2026, 2, 2), date(2026, 2, 4), "Kuopio"),
    (
        "Assessing competence at the workplace",
        "Joensuu Adult Education Centre",
        date(2026, 10, 5),
        date(2026, 10, 6),
        "Joensuu",
    ),
]
TRAINEE_ORGANISATIONS = [
    "Savonia Vocational College",
    "Kuopio Guidance Centre",
    "Joensuu Adult Education Centre",
    "Monikulttuurinen yhdistys ry",
    "Pohjois-Savon TE-palvelut",
]
# name, gender, role
TRAINEES = [
    ("Anna Korhonen", "female", "counsellor"),
    ("Mikko Virtanen", "male", "teacher"),
    ("Helena Mäkinen", "female", "teacher"),
    ("Juha Nieminen", "male", "counsellor"),
    ("Sanna Hämäläinen", "female", "counsellor"),
    ("Timo Laine", "male", "teacher"),
    ("Riikka Heikkinen", "female", "teacher"),
    ("Ahmed Yusuf", "male", "counsellor"),
    ("Katja Koskinen", "female", "other"),
    ("Olli Järvinen", "male", "teacher"),
    ("Nadia Rahimi", "female", "counsellor"),
    ("Pirjo Lehtonen", "female", "teacher"),
    ("Jari Saarinen", "male", "teacher"),
    ("Elina Salminen", "female", "counsellor"),
    ("Ville Heinonen", "male", "other"),
    ("Marja Niemi", "female", "teacher"),
    ("Oksana Melnyk", "female", "counsellor"),
    ("Antti Kinnunen", "male", "teacher"),
    ("Tiina Turunen", "female", "teacher"),
    ("Samuel Okafor", "male", "counsellor"),
    ("Laura Salo", "female", "teacher"),
    ("Kari Rantanen", "male", "teacher"),
    ("Minna Karjalainen", "female", "counsellor"),
    ("Eero Lindholm", "male", "teacher"),
    ("Saara Pitkänen", "female", "other"),
    ("Hannu Tuominen", "male", "teacher"),
]

SAVONIA, JOENSUU = "Savonia Vocational College", "Joensuu Adult Education Centre"
GUIDANCE, ASSOCIATION = "Kuopio Guidance Centre", "Monikulttuurinen yhdistys ry"

# Courses around today: (titles fi/sv/en, organisation, field, mode, place, languages, first session in days
# from today, session days, seats, pricing rule, member €, outside €, credits, units taught, extra)
COURSES = [
    (
        {"fi": "Suomea työelämään A2", "sv": "Finska för arbetslivet A2", "en": "Finnish for working life A2"},
        JOENSUU,
        "00",
        "blended",
        "Joensuu, Koskikatu 9",
        ["fi", "en"],
        21,
        [0, 7, 14, 21, 28, 35],
        16,
        "free_for_members",
        0,
        180,
        None,
        [],
        {"audience": "Adult immigrants who work or look for work in Finland"},
    ),
    (
        {
            "fi": "Hygieniaosaaminen ja omavalvonta",
            "sv": "Hygienkompetens och egenkontroll",
            "en": "Food hygiene and self-monitoring",
        },
        SAVONIA,
        "10",
        "place",
        "Kuopio, Microkatu 1",
        ["fi"],
        12,
        [0, 1],
        12,
        "per_participant",
        60,
        120,
        2,
        ["RC-FS"],
        {"graded": True},
    ),
    (
        {
            "fi": "Asiakaspalvelu ja tarjoilu – täydentävä jakso",
            "sv": "Kundservice och servering – kompletterande del",
            "en": "Customer service and serving – bridging studies",
        },
        SAVONIA,
        "10",
        "place",
        "Kuopio, Microkatu 1",
        ["fi", "en"],
        30,
        [0, 1, 2, 7, 8],
        14,
        "per_credit",
        15,
        30,
        5,
        ["RC-CS"],
        {"graded": True},
    ),
    (
        {
            "fi": "Koneellinen puhdistus käytännössä",
            "sv": "Maskinell rengöring i praktiken",
            "en": "Machine cleaning in practice",
        },
        JOENSUU,
        "10",
        "place",
        "Joensuu, Teollisuuskatu 3",
        ["fi"],
        18,
        [0, 1],
        3,
        "per_course",
        400,
        900,
        3,
        ["CP-MC"],
        {"full": True},
    ),
    (
        {"fi": "Siivouspalvelut – verkkokurssi", "sv": "Städtjänster – nätkurs", "en": "Cleaning services online"},
        SAVONIA,
        "10",
        "online",
        None,
        ["fi", "sv", "en"],
        9,
        [0, 14, 28],
        40,
        "free_for_members",
        0,
        90,
        4,
        ["CP-CS"],
        {},
    ),
    (
        {
            "fi": "Osaamisen tunnistaminen ohjauksessa",
            "sv": "Att identifiera kompetens i vägledningen",
            "en": "Identifying competences in guidance",
        },
        GUIDANCE,
        "01",
        "online",
        None,
        ["fi", "sv"],
        25,
        [0, 7],
        30,
        "free_for_members",
        0,
        0,
        None,
        [],
        {"members_only": True},
    ),
    (
        {"fi": "Ruotsia hoitotyöhön", "sv": "Svenska för vårdarbete", "en": "Swedish for care work"},
        SAVONIA,
        "09",
        "blended",
        "Kuopio, Microkatu 1",
        ["sv"],
        40,
        [0, 7, 14],
        15,
        "per_participant",
        80,
        160,
        None,
        [],
        {"text_language": "sv"},
    ),
    (
        {
            "fi": "Työturvallisuus rakennustyömaalla",
            "sv": "Arbetssäkerhet på byggarbetsplatsen",
            "en": "Safety on the construction site",
        },
        JOENSUU,
        "07",
        "place",
        "Joensuu, Teollisuuskatu 3",
        ["fi", "ru", "uk"],
        -60,
        [0, 1],
        20,
        "per_participant",
        90,
        150,
        None,
        [],
        {"past": True},
    ),
    (
        {"fi": "Monikielinen asiakaspalvelu", "sv": "Flerspråkig kundservice", "en": "Multilingual customer service"},
        ASSOCIATION,
        "04",
        "place",
        "Mikkeli, Porrassalmenkatu 20",
        ["fi", "ar", "so"],
        50,
        [0],
        25,
        "free_for_members",
        0,
        40,
        None,
        [],
        {"draft": True},
    ),
    (
        {"fi": "Excel-perusteet", "sv": "Grunderna i Excel", "en": "Excel basics"},
        JOENSUU,
        "06",
        "online",
        None,
        ["fi"],
        15,
        [0, 7],
        20,
        "per_course",
        300,
        600,
        None,
        [],
        {"cancelled": "Too few enrolments; the course will be offered again in the spring."},
    ),
]

OUTSIDE = [  # outside organisations that enrol people: name, seven digits of the business ID, contact
    ("Etelä-Savon koulutuskeskus Oy", "2345670", "Riitta Laukkanen"),
    ("Varkauden kansalaisopisto", "0179212", "Tuomas Ahonen"),
]


def _unit_ids(codes: list[str]) -> list[int]:
    return list(
        db.session.scalars(
            select(FrameworkUnit.id)
            .join(FrameworkVersion)
            .where(FrameworkUnit.code.in_(codes), FrameworkVersion.status == VersionStatus.PUBLISHED)
        )
    )


def _existing(title: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.search_text.contains(title.casefold())).limit(1))


def load(admin) -> None:
    if services.current_rules() is None:
        services.save_rules(
            admin,
            pricing=RULES["pricing"],
            cancellation=RULES["cancellation"],
            responsibilities=RULES["responsibilities"],
            free_cancellation_days=14,
            late_cancellation_percent=50,
        )
    _load_trainings(admin)
    _load_catalogue(admin)


def _course(
    admin,
    titles: dict,
    organisation: str,
    field: str,
    mode: str,
    place: str | None,
    languages: list,
    sessions: list[SessionInput],
    seats: int,
    rule: str,
    member: int,
    outside: int,
    credits: int | None,
    units: list[str],
    *,
    opens_on: date,
    closes_on: date,
    programme: bool = False,
    **extra,
) -> Course:
    return services.create_course(
        admin,
        publish=not extra.get("draft"),
        organisation=demo.organisation(organisation),
        title=titles,
        description={code: f"{text}: {DESCRIPTION[code]}" for code, text in titles.items()},
        audience={"en": extra.get("audience", "Staff of the network's organisations and their clients")},
        prerequisites={},
        text_language=extra.get("text_language", "fi"),
        field=field,
        level=4,
        credits=credits,
        mode=mode,
        place=place,
        seats=seats,
        enrolment_opens_on=opens_on,
        enrolment_closes_on=closes_on,
        sessions=sessions,
        languages=languages,
        open_to="members" if extra.get("members_only") else "everyone",
        programme=programme,
        graded=extra.get("graded", False),
        pricing_rule=rule,
        member_fee=member,
        outside_fee=outside,
        contact_name="Kurssisihteeri",
        contact_email=f"courses@{_domain(organisation)}",
        contact_phone="+358 44 123 4567",
        unit_ids=_unit_ids(units),
    )


DESCRIPTION = {
    "fi": "kurssi verkoston yhteisessä tarjonnassa.",
    "sv": "en kurs i nätverkets gemensamma utbud.",
    "en": "a course in the network's shared offer.",
}


def _domain(organisation: str) -> str:
    return "".join(ch for ch in organisation.lower() if ch.isalnum())[:20] + ".example"


def _load_trainings(admin) -> None:
    """Four trainings of about a dozen people each; some people attend two, the last one is still running."""
    for number, (title, organiser, starts_on, ends_on, place) in enumerate(TRAININGS):
        if _existing(title) is not None:
            continue
        course = _course(
            admin,
            {"en": title},
            organiser,
            "01",
            "place",
            place,
            ["fi"],
            [SessionInput(starts_on, ends_on)],
            20,
            "free_for_members",
            0,
            0,
            None,
            [],
            opens_on=starts_on - timedelta(days=60),
            closes_on=starts_on - timedelta(days=7),
            programme=True,
            text_language="en",
            members_only=True,
            audience="Counsellors and vocational teachers of the network",
        )
        for index in range(number * 6, number * 6 + 13):
            person = index % len(TRAINEES)
            name, gender, role = TRAINEES[person]
            completed = ends_on if index % 7 != 3 and ends_on < date(2026, 10, 1) else None
            organisation = demo.organisation(TRAINEE_ORGANISATIONS[person % len(TRAINEE_ORGANISATIONS)])
            services.record_participant(
                admin,
                course,
                Person(name=name, organisation=organisation, role=role, gender=gender),
                completion=Completion.COMPLETED if completed else None,
                completed_on=completed,
            )


def _load_catalogue(admin) -> None:
    today = services.today()
    staff = [demo.account(email) for email in ("counsellor@example.org", "teacher@example.org", "manager@example.org")]
    for (
        titles,
        organisation,
        field,
        mode,
        place,
        languages,
        start,
        days,
        seats,
        rule,
        member,
        outside,
        credits,
        units,
        extra,
    ) in COURSES:
        if _existing(titles["fi"]) is not None:
            continue
        first = today + timedelta(days=start)
        sessions = [SessionInput(first + timedelta(days=d), start_time=time(9), end_time=time(15, 30)) for d in days]
        opens_on = first - timedelta(days=90)
        course = _course(
            admin,
            titles,
            organisation,
            field,
            mode,
            place,
            languages,
            sessions,
            seats,
            rule,
            member,
            outside,
            credits,
            units,
            opens_on=opens_on,
            closes_on=first - timedelta(days=2),
            **extra,
        )
        if extra.get("draft"):
            continue
        on = opens_on + timedelta(days=5)
        people = 5 if extra.get("full") else 3
        for n, user in enumerate(staff[:people]):
            if user is not None and user.organisation is not None:
                services.enrol(
                    user,
                    course,
                    Person(name=user.name, email=user.email, user=user),
                    Payer(
                        contact=user.name,
                        email=user.email,
                        business_id=business_id("1234567") if not user.organisation.business_id else None,
                        reference=f"DEMO-{n + 1}",
                    ),
                    accept_terms=True,
                    on=on,
                )
        for name, digits, contact in OUTSIDE[: 2 if people > 3 else 1]:
            if course.open_to.value == "members":
                break
            services.enrol(
                AnonymousUserMixin(),
                course,
                Person(
                    name=f"{contact.split()[0]} Osallistuja",
                    email="participant@outside.example",
                    organisation_name=name,
                ),
                Payer(
                    name=name,
                    business_id=business_id(digits),
                    contact=contact,
                    email="billing@outside.example",
                    reference="PO-2026-17",
                ),
                accept_terms=True,
                on=on,
            )
        if extra.get("past"):
            for enrolment in queries.course_enrolments(course.id):
                if enrolment.status is EnrolmentStatus.CONFIRMED:
                    services.record_completion(
                        admin, enrolment, completion=Completion.COMPLETED, completed_on=course.ends_on
                    )
        if extra.get("cancelled"):
            services.cancel_course(admin, course, extra["cancelled"])
    _enrol_gap_clients(admin, today)


def _enrol_gap_clients(admin, today: date) -> None:
    """The counsellor enrols a client whose gap plan the bridging course closes."""
    counsellor = demo.account("counsellor@example.org")
    course = _existing("Asiakaspalvelu ja tarjoilu – täydentävä jakso")
    if (
        counsellor is None
        or course is None
        or db.session.scalar(
            select(Enrolment.id).where(Enrolment.course_id == course.id, Enrolment.client_id.is_not(None))
        )
    ):
        return
    case = db.session.scalar(
        select(Case).where(Case.organisation_id == counsellor.organisation_id).order_by(Case.id).limit(1)
    )
    if case is None or case.client.erased_at is not None:
        return
    client = case.client
    services.enrol(
        counsellor,
        course,
        Person(name=f"{client.first_name} {client.last_name}", client=client),
        Payer(
            contact=counsellor.name,
            email=counsellor.email,
            business_id=business_id("1234567"),
            reference=f"Case {case.id}",
        ),
        accept_terms=True,
        on=course.enrolment_opens_on + timedelta(days=5),
    )
