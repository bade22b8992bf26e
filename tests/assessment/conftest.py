"""Factories for the assessment tests, shared by its four parts."""

import json
from datetime import date, timedelta
from itertools import count
from types import SimpleNamespace

import pytest

from assessment.assessments import services as assessment_services
from assessment.frameworks import services as framework_services
from assessment.frameworks.models import (
    AssessmentCriterion,
    AssessmentScale,
    CaseQualification,
    Framework,
    FrameworkUnit,
    FrameworkVersion,
    LearningOutcome,
    ScaleLevel,
    VersionStatus,
)
from assessment.frameworks.services import SAMPLE_FRAMEWORKS_DIR
from assessment.interviews import services as interview_services
from assessment.placements import services as placement_services
from cases.models import Case, Client, ClientType, Stage
from isok.accounts.models import OrganisationType, Role
from isok.database import utcnow
from isok.extensions import db

# --- frameworks, cases with a target qualification, interviews -------------------------------------------------
# Factories for frameworks, cases with a target qualification, and interviews, built through the services.

_sequence = count(1)


def framework_document(code="TEST-Q", scale="fi-vocational-1-5", units=2, outcomes=3) -> dict:
    """A small valid framework document."""
    return {
        "code": code,
        "name": {"fi": "Testitutkinto", "sv": "Testexamen", "en": "Test qualification"},
        "scale": scale,
        "units": [
            {
                "code": f"U{u}",
                "name": {"fi": f"Osa {u}", "en": f"Unit {u}"},
                "credits": 10 * u,
                "outcomes": [
                    {
                        "code": f"U{u}.{o}",
                        "text": {"fi": f"osaa asian {u}.{o}", "en": f"can do {u}.{o}"},
                        "criteria": {"1": {"en": "with guidance"}, "3": {"en": "independently"}},
                    }
                    for o in range(1, outcomes + 1)
                ],
            }
            for u in range(1, units + 1)
        ],
    }


def sample_text(name="catering.json") -> str:
    return (SAMPLE_FRAMEWORKS_DIR / name).read_text(encoding="utf-8")


@pytest.fixture
def client(app):
    """A client whose browser asks for English, so pages read as the source strings whatever the catalogues say."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def scales(app):
    framework_services.load_scales(None)
    db.session.commit()


@pytest.fixture
def make_version(scales, make_user):
    """A framework version from a document (published unless told otherwise)."""

    def make(doc=None, publish=True, actor=None):
        actor = actor or make_user(Role.ADMIN)
        version = framework_services.import_framework(actor, json.dumps(doc or framework_document()))
        if publish:
            framework_services.publish_version(actor, version)
        db.session.commit()
        return version

    return make


@pytest.fixture
def make_case(app, make_organisation, make_user):
    """A case (built on the models: the cases package's services live in another branch) in a given organisation,
    optionally with a target qualification."""

    def make(
        organisation=None, counsellor=None, version=None, client_user=None, stage=Stage.ASSESSMENT, first_name="Amina"
    ):
        organisation = organisation or make_organisation()
        client = Client(
            first_name=first_name, last_name=f"Client{next(_sequence)}", user_id=client_user.id if client_user else None
        )
        case = Case(
            client=client,
            organisation_id=organisation.id,
            counsellor_id=counsellor.id if counsellor else None,
            client_type=ClientType.LONG_TERM,
            stage=stage,
            entry_date=date.today(),
        )
        db.session.add(case)
        db.session.flush()
        if version is not None:
            framework_services.set_target_qualification(None, case, version)
        db.session.commit()
        return case

    return make


@pytest.fixture
def make_interview(app):
    """Book an interview; past start times are booked as if a week earlier."""

    def make(case, teacher, starts_in=timedelta(days=3), duration=60, actor=None, **fields):
        starts_at = (utcnow() + starts_in).replace(microsecond=0)
        interview = interview_services.schedule_interview(
            actor,
            case,
            teacher=teacher,
            starts_at=starts_at,
            duration_minutes=duration,
            place=fields.pop("place", "Room 1"),
            as_of=starts_at - timedelta(days=7),
            **fields,
        )
        db.session.commit()
        return interview

    return make


# --- placements and assessments --------------------------------------------------------------------------------
# Factories for placements and assessments: frameworks are built directly with the models (the framework
# services live in another branch); everything of this package is built through its services.

_n = count(1)
LEVELS = [("0", "Not yet shown", False), ("1", "Partly shown", False), ("2", "Good", True), ("3", "Excellent", True)]


def build_framework(units=2, outcomes=2):
    """A published framework version with a 0–3 scale (2 and 3 pass), `units` units of `outcomes` outcomes (or of
    as many outcomes as each item of a tuple says)."""
    sizes = outcomes if isinstance(outcomes, tuple) else (outcomes,) * units
    n = next(_n)
    scale = AssessmentScale(
        code=f"scale-{n}",
        name={"en": "Four levels", "fi": "Neljä tasoa"},
        levels=[
            ScaleLevel(code=code, label={"en": label, "fi": f"{label} (fi)"}, rank=rank, passing=passing)
            for rank, (code, label, passing) in enumerate(LEVELS)
        ],
    )
    framework = Framework(code=f"fw-{n}")
    version = FrameworkVersion(
        framework=framework,
        number=1,
        status=VersionStatus.PUBLISHED,
        scale=scale,
        name={"en": f"Cook {n}", "fi": f"Kokki {n}"},
        source="OPH-1234-2026",
    )
    for u in range(units):
        unit = FrameworkUnit(
            code=f"U{u + 1}", name={"en": f"Unit {u + 1}", "fi": f"Osa {u + 1}"}, credits=25, position=u
        )
        for o in range(sizes[u]):
            unit.outcomes.append(
                LearningOutcome(
                    code=f"U{u + 1}.{o + 1}",
                    text={"en": f"Outcome {u + 1}.{o + 1}", "fi": f"Tavoite {u + 1}.{o + 1}"},
                    position=o,
                    criteria=[AssessmentCriterion(level_code="2", text={"en": "Works on their own"})],
                )
            )
        version.units.append(unit)
    db.session.add(version)
    db.session.flush()
    return version


def build_case(organisation, counsellor, version=None):
    client = Client(first_name="Amina", last_name=f"Hassan {next(_n)}")
    case = Case(
        client=client,
        organisation_id=organisation.id,
        counsellor_id=counsellor.id,
        client_type=ClientType.LONG_TERM,
        stage=Stage.ASSESSMENT,
        entry_date=date(2026, 1, 10),
    )
    db.session.add(case)
    db.session.flush()
    if version is not None:
        db.session.add(CaseQualification(case_id=case.id, version_id=version.id))
        db.session.flush()
    return case


def build_assessment(counsellor, teacher, tutor, workplace, organisation, units=2, outcomes=2):
    version = build_framework(units, outcomes)
    case = build_case(organisation, counsellor, version)
    placement = placement_services.create_placement(
        counsellor,
        case,
        workplace=workplace,
        tutor=tutor,
        start_date=date.today() - timedelta(days=30),
        end_date=date.today() - timedelta(days=1),
        tasks="Kitchen work",
        units=list(version.units),
    )
    assessment = assessment_services.open_assessment(counsellor, placement, teacher=teacher, counsellor=counsellor)
    return SimpleNamespace(
        version=version,
        case=case,
        placement=placement,
        assessment=assessment,
        counsellor=counsellor,
        teacher=teacher,
        tutor=tutor,
        workplace=workplace,
    )


def outcome_ids(assessment):
    return list(assessment_services.snapshot_outcomes(assessment))


def unit_ids(assessment):
    return [unit["id"] for unit in assessment_services.snapshot_units(assessment)]


def submit_ratings(user, assessment, level="2", sources=("portfolio",), **per_outcome):
    """Declare no conflict and submit `level` for every outcome (per_outcome: {"o<id>": level} overrides)."""
    values = {
        oid: {
            "level": per_outcome.get(f"o{oid}", level),
            "justification": "Seen at work",
            "sources": list(sources),
            "entry_ids": [],
        }
        for oid in outcome_ids(assessment)
    }
    assessor = next(a for a in assessment.active_assessors() if a.user_id == user.id)
    return assessment_services.save_ratings(
        user, assessment, values, expected_version=assessor.version, submit=True, declaration=(False, None)
    )


def decide(user, assessment, level="2", result="recognised", **fields):
    outcomes = {
        oid: {
            "level": level,
            "result": result,
            "rationale": "Agreed",
            "gap_what": fields.get("gap_what", ""),
            "gap_where": fields.get("gap_where", ""),
        }
        for oid in outcome_ids(assessment)
    }
    units = {uid: {"level": level, "rationale": "Shown at the workplace"} for uid in unit_ids(assessment)}
    assessment_services.reconcile(
        user,
        assessment,
        outcome_values=outcomes,
        unit_values=units,
        participant_ids=[a.user_id for a in assessment.active_assessors()],
        expected_version=assessment.version,
    )


@pytest.fixture
def people(make_user, make_organisation):
    home = make_organisation(name=f"Guidance {next(_n)}", type=OrganisationType.PUBLIC_BODY)
    college = make_organisation(name=f"College {next(_n)}")
    hotel = make_organisation(name=f"Hotel {next(_n)} Oy", type=OrganisationType.COMPANY)
    return SimpleNamespace(
        home=home,
        college=college,
        hotel=hotel,
        counsellor=make_user(Role.COUNSELLOR, organisation=home),
        teacher=make_user(Role.TEACHER, organisation=college),
        tutor=make_user(Role.WORKPLACE_TUTOR, organisation=hotel),
        other_teacher=make_user(Role.TEACHER, organisation=college),
        other_tutor=make_user(Role.WORKPLACE_TUTOR, organisation=hotel),
        manager=make_user(Role.PROJECT_MANAGER, organisation=college),
    )


@pytest.fixture
def setup(people):
    """An open assessment of a two-unit placement, committed."""
    world = build_assessment(people.counsellor, people.teacher, people.tutor, people.hotel, people.home)
    db.session.commit()
    return world


@pytest.fixture
def reconciled(setup):
    for user in (setup.counsellor, setup.teacher, setup.tutor):
        submit_ratings(user, setup.assessment)
    decide(setup.teacher, setup.assessment)
    db.session.commit()
    return setup
