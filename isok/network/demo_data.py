"""Demo data for the network: a project running 2025–2027 with its partners, events and reports (its trainings are
courses of the catalogue, see isok/catalogue/demo_data.py).

Idempotent: each record is looked up before it is made, and everything goes through the services (audited).
"""

from datetime import date

from sqlalchemy import select

from isok import demo
from isok.accounts.models import CompanySize, OrganisationType
from isok.extensions import db
from isok.network import queries, services
from isok.network.models import (
    DisseminationEvent,
    HalfYear,
    Narrative,
    Partnership,
    RuleSet,
    SteeringMeeting,
    Target,
)

BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id(digits: str) -> str:
    """Complete seven digits into a business ID with its modulo-11 check digit (Y-tunnus rule)."""
    remainder = sum(int(d) * w for d, w in zip(digits, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        raise ValueError(f"{digits} has no valid check digit")
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


MAJOR, SME = CompanySize.MAJOR, CompanySize.SME
COMPANY, PUBLIC, OTHER = OrganisationType.COMPANY, OrganisationType.PUBLIC_BODY, OrganisationType.OTHER

# name, kind, size, seven digits of the business ID, municipality
NEW_ORGANISATIONS = [
    ("Savon Rakennustekniikka Oy", COMPANY, MAJOR, "2814573", "Kuopio"),
    ("Pohjois-Savon Hoivapalvelut Oy", COMPANY, MAJOR, "3051962", "Kuopio"),
    ("Kallaveden Logistiikka Oy", COMPANY, MAJOR, "1946738", "Siilinjärvi"),
    ("Järvi-Suomen Kauppa Oy", COMPANY, MAJOR, "0865214", "Mikkeli"),
    ("Karjalan Metalli Oy", COMPANY, MAJOR, "2190487", "Joensuu"),
    ("Itäinen Teollisuuspalvelu Oy", COMPANY, MAJOR, "3318640", "Varkaus"),
    ("Savon Kiinteistöhuolto Oy", COMPANY, MAJOR, "1672093", "Kuopio"),
    ("Mikkelin Elintarviketehdas Oy", COMPANY, MAJOR, "2049536", "Mikkeli"),
    ("Kuopion Ravintolapalvelut Oy", COMPANY, SME, "2956171", "Kuopio"),
    ("Joensuun Autokorjaamo Oy", COMPANY, SME, "0938412", "Joensuu"),
    ("Pohjois-Savon TE-palvelut", PUBLIC, None, None, "Kuopio"),
]

# organisation, first cooperation, role, agreement
PARTNERS = [
    ("Savonia Vocational College", date(2025, 1, 8), "Coordinator; teachers and assessment", date(2025, 1, 8)),
    ("Kuopio Guidance Centre", date(2025, 1, 20), "Guidance and identification of competences", date(2025, 2, 3)),
    ("Hotel Kallavesi Oy", date(2025, 2, 11), "Placements in hospitality", None),
    ("Itä-Suomen Kiinteistöpalvelut Oy", date(2025, 3, 4), "Placements in property services", date(2025, 4, 1)),
    ("Joensuu Adult Education Centre", date(2025, 4, 15), "Counsellor and teacher training", date(2025, 5, 2)),
    ("Savon Rakennustekniikka Oy", date(2025, 5, 27), "Placements in construction", None),
    ("Monikulttuurinen yhdistys ry", date(2025, 6, 9), "Outreach to immigrant communities", None),
    ("Pohjois-Savon Hoivapalvelut Oy", date(2025, 8, 19), "Placements in care work", date(2025, 9, 1)),
    ("Pohjois-Savon TE-palvelut", date(2025, 9, 3), "Referrals of clients; steering committee", None),
    ("Kallaveden Logistiikka Oy", date(2025, 10, 14), "Placements in warehousing", None),
    ("Kuopion Ravintolapalvelut Oy", date(2025, 11, 25), "Placements in kitchens", None),
    ("Järvi-Suomen Kauppa Oy", date(2026, 1, 13), "Placements in retail", date(2026, 2, 2)),
    ("Karjalan Metalli Oy", date(2026, 3, 10), "Workplace assessment in welding", None),
    ("Joensuun Autokorjaamo Oy", date(2026, 4, 21), "Placements in vehicle repair", None),
    ("Itäinen Teollisuuspalvelu Oy", date(2026, 6, 2), "Workplace tutors' training", None),
    ("Savon Kiinteistöhuolto Oy", date(2026, 8, 25), "Placements in property maintenance", None),
    ("Mikkelin Elintarviketehdas Oy", date(2026, 11, 3), "Placements in food production", None),
]

TARGETS = {
    "clients_started_validation": 300,
    "training_participants": 70,
    "training_organisations": 4,
    "partners_major_companies": 10,
    "partners_other_organisations": 4,
    "dissemination_attendees": 620,
}

EVENTS = [
    (
        "Launch seminar: immigrants' skills into view",
        date(2025, 2, 14),
        "Kuopio, Musiikkikeskus",
        "Employers, education providers, municipalities",
        85,
    ),
    (
        "Employer breakfast: recruiting skilled immigrants",
        date(2025, 5, 20),
        "Kuopio, Hotel Kallavesi",
        "Employers",
        40,
    ),
    ("Information session at Joensuu main library", date(2025, 10, 8), "Joensuu", "Immigrants and their families", 55),
    ("Validation day at Savonia", date(2026, 1, 22), "Kuopio, Savonia", "Teachers, counsellors, students", 120),
    ("Regional guidance network seminar", date(2026, 4, 16), "Mikkeli", "Guidance professionals", 70),
    (
        "Presentation at the Nordic validation conference",
        date(2026, 6, 10),
        "Helsinki",
        "Validation practitioners and researchers",
        95,
    ),
    ("Employer panel on workplace assessment", date(2026, 10, 28), "Kuopio", "Employers and workplace tutors", 48),
]

STEERING = "\n".join(
    [
        "Pekka Projektipäällikkö, Savonia Vocational College (secretary)",
        "Leena Ohjaaja, Kuopio Guidance Centre",
        "Raija Savolainen, Pohjois-Savon TE-palvelut",
        "Hamid Karimi, Monikulttuurinen yhdistys ry",
        "Kalle Rautio, Savon Rakennustekniikka Oy",
    ]
)
MEETINGS = [
    (date(2025, 2, 5), "The project plan and the schedule of the first training were approved."),
    (
        date(2025, 6, 12),
        "Placement agreements to be sought from at least five more major companies by the end of the year.",
    ),
    (
        date(2025, 11, 20),
        "Short-term client path shortened to four guidance meetings; interpreter budget moved from travel.",
    ),
    (date(2026, 3, 18), "A second teacher training on workplace assessment was added for autumn 2026."),
    (date(2026, 9, 24), "Dissemination to employers to be strengthened: two employer events before the end of 2026."),
]

NARRATIVES = {
    "2025H1": {
        "progress": "The project started on schedule. Partnerships with the guidance centre, the vocational "
        "college and the first companies were agreed, and 58 clients started validation.",
        "qualitative_results": "The portfolio template was tested with the first clients; counsellors found the "
        "plain-language version easier to use with interpreters.",
        "deviations": "Recruiting major companies was slower than planned. Corrective action: employer breakfast "
        "in May and personal visits by the project manager.",
        "equality": "Guidance is offered in the client's language with an interpreter; women with small children "
        "were offered meetings during day-care hours.",
        "dissemination": "Launch seminar (85 attendees) and an employer breakfast (40).",
    },
    "2025H2": {
        "progress": "Teacher training on competence-based interviews held in Joensuu. Four new partners.",
        "qualitative_results": "Interview model with the vocational teacher and the counsellor together proved "
        "useful in identifying competences not shown by documents.",
        "deviations": "Client intake in Joensuu lagged; the short-term path was shortened (steering committee "
        "20 November).",
        "equality": "Gender balance of clients monitored; more outreach through the immigrant association.",
        "dissemination": "Information session at Joensuu main library (55 attendees).",
    },
    "2026H1": {
        "progress": "Portfolio guidance training held; partner network reached 15 organisations.",
        "qualitative_results": "Companies report that workplace assessment with a tutor and a teacher fits their "
        "daily work; several clients were offered jobs after their placement.",
        "deviations": "None significant. Employer dissemination to be strengthened in the autumn.",
        "equality": "Accessibility of the materials improved; certificates now also in the client's language.",
        "dissemination": "Validation day (120), regional seminar (70) and a conference presentation (95).",
    },
}


def load(admin) -> None:
    if queries.project_settings() is None:
        services.save_settings(
            admin,
            name="ISOK – immigrants' skills into view",
            code="S30947",
            starts_on=date(2025, 1, 1),
            ends_on=date(2027, 12, 31),
            rule_set=RuleSet.ESF_PLUS_2021_2027,
            suppression_threshold=5,
        )
    for indicator, value in TARGETS.items():
        if db.session.scalar(select(Target).where(Target.indicator == indicator)) is None:
            services.set_target(admin, indicator, value)
    for name, kind, size, digits, municipality in NEW_ORGANISATIONS:
        if demo.organisation(name) is None:
            services.register_organisation(
                admin,
                name=name,
                type=kind,
                size_class=size,
                business_id=business_id(digits) if digits else None,
                municipality=municipality,
            )
    for name, first, role, agreement in PARTNERS:
        organisation = demo.organisation(name)
        if db.session.scalar(select(Partnership).where(Partnership.organisation_id == organisation.id)) is None:
            services.add_partner(admin, organisation, first_cooperation_on=first, role=role, agreement_on=agreement)
    for title, held_on, place, audience, headcount in EVENTS:
        if db.session.scalar(select(DisseminationEvent).where(DisseminationEvent.title == title)) is None:
            services.create_event(
                admin, title=title, held_on=held_on, place=place, audience=audience, headcount=headcount
            )
    for held_on, decisions in MEETINGS:
        if db.session.scalar(select(SteeringMeeting).where(SteeringMeeting.held_on == held_on)) is None:
            services.create_meeting(admin, held_on=held_on, attendees=STEERING, decisions=decisions)
    for code, sections in NARRATIVES.items():
        period = HalfYear.parse(code)
        if (
            db.session.scalar(select(Narrative).where(Narrative.year == period.year, Narrative.half == period.half))
            is None
        ):
            services.create_narrative(admin, period, **sections)
