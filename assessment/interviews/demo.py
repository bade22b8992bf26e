"""Demo data: target qualifications on the cases past identification, recorded and upcoming interviews."""

from datetime import timedelta

from sqlalchemy import select

from assessment.frameworks import services as frameworks
from assessment.frameworks.models import CaseQualification
from assessment.interviews import services
from assessment.interviews.models import Interview, Verification
from cases.models import Case, Stage
from isok import demo
from isok.database import utcnow
from isok.extensions import db

PAST_IDENTIFICATION = (Stage.DOCUMENTATION, Stage.ASSESSMENT, Stage.CERTIFICATION, Stage.CLOSED)
CATERING_WORDS = ("catering", "restaurant", "kitchen", "cook", "food", "ravintola", "keittiö", "kokki", "ruoka")


def load_demo(admin):
    """Target qualifications on cases past identification; a recorded and an upcoming interview on some of them."""
    versions = {v.framework.code: v for v in frameworks.published_versions()}
    teacher = demo.account("teacher@example.org")
    cases = db.session.scalars(select(Case).where(Case.stage.in_(PAST_IDENTIFICATION)).order_by(Case.id)).all()
    if not versions or teacher is None or not cases:
        return
    catering, cleaning = versions.get("fi-vq-restaurant-catering"), versions.get("fi-vq-cleaning-property")
    for case in cases:
        if frameworks.target_qualification(case) is None:
            wanted = catering if any(w in (case.target or "").lower() for w in CATERING_WORDS) else cleaning
            frameworks.set_target_qualification(admin, case, wanted or catering or cleaning)
    if db.session.scalar(select(Interview.id).limit(1)) is not None:
        return
    now = utcnow().replace(hour=7, minute=0, second=0, microsecond=0)  # 9 in the morning in Finland (winter)
    client_user = demo.account("client@example.org")
    assessed = [case for case in cases if case.stage in (Stage.ASSESSMENT, Stage.CERTIFICATION, Stage.CLOSED)]
    for n, case in enumerate(assessed[:6]):
        _demo_recorded_interview(admin, teacher, case, now - timedelta(days=10 + n))
    upcoming = [case for case in cases if case.stage != Stage.CLOSED]
    own = [case for case in upcoming if client_user and case.client.user_id == client_user.id]
    for n, case in enumerate((own + [c for c in upcoming if c not in own])[:3]):
        services.schedule_interview(
            admin,
            case,
            teacher=teacher,
            starts_at=now + timedelta(days=2 + n, hours=n),
            duration_minutes=60,
            place="Savonia, Microkatu 1, Kuopio, room 2.14",
            language="fi",
            interpreter_language=case.client.mother_tongue or None,
        )


def _demo_recorded_interview(admin, teacher, case, starts_at):
    interview = services.schedule_interview(
        admin,
        case,
        teacher=teacher,
        starts_at=starts_at,
        duration_minutes=90,
        place="Savonia, Microkatu 1, Kuopio",
        language="fi",
        interpreter_language=case.client.mother_tongue or None,
        as_of=starts_at - timedelta(days=7),
    )
    version = db.session.scalar(select(CaseQualification).where(CaseQualification.case_id == case.id)).version
    first, *rest = version.units
    results = [
        Verification.VERIFIED,
        Verification.VERIFIED,
        Verification.PARTLY,
        Verification.VERIFIED,
        Verification.NOT_VERIFIED,
    ]
    findings = {
        outcome.id: (result, "Demo: discussed with examples from earlier work.")
        for outcome, result in zip(first.outcomes, results, strict=False)
    }
    services.record_interview(
        teacher,
        interview,
        interview.version,
        findings=findings,
        next_steps={
            "placement": True,
            "training": bool(rest),
            "certify_units": [],
            "note": "Demo: a placement in a staff restaurant to show the partly verified outcomes.",
        },
    )
    return interview
