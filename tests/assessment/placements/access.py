"""Access to the placement and assessment routes: own objects, foreign objects (another organisation's case) and
missing ones. Foreign and missing answer 404; a role without the function answers 403."""

from datetime import date, timedelta
from types import SimpleNamespace

from assessment.assessments import services as evidence_services
from assessment.frameworks.models import CaseQualification
from assessment.placements import services as placement_services
from isok.accounts.models import Role
from isok.accounts.services import create_user
from isok.extensions import db
from portfolio.models import PortfolioEntry, Section
from tests.access import FORBIDDEN, MISSING_ID, NOT_FOUND, OK, SIGNED_IN, Access, client_case, expect
from tests.assessment.conftest import build_assessment, build_framework, decide, submit_ratings

# VIEW_ASSESSMENTS: project managers count results and read no placement, rating or evidence map (403).
VIEWERS = ("admin", "counsellor", "teacher", "workplace_tutor")
STAFF_VIEWERS = ("admin", "counsellor", "teacher")
MANAGERS = ("admin", "counsellor")
ASSESSORS = ("counsellor", "teacher", "workplace_tutor")
MAPPERS = ("admin", "counsellor", "teacher")
EVERYONE_404 = expect(anonymous=NOT_FOUND, other=NOT_FOUND)


def _side(world, users, organisation):
    side = build_assessment(users["counsellor"], users["teacher"], users["workplace_tutor"], organisation, organisation)
    entry = PortfolioEntry(case_id=side.case.id, section=Section.WORK, title="Line cook", language="fi")
    db.session.add(entry)
    db.session.flush()
    side.evidence_link_id = evidence_services.map_evidence(
        users["counsellor"], side.case, outcome_id=side.version.units[0].outcomes[0].id, entry_id=entry.id
    ).id
    side.tutor_link, _token = placement_services.issue_tutor_link(users["counsellor"], side.placement)
    _link, side.token = placement_services.issue_tutor_link(users["counsellor"], side.placement)
    return side


def _decided(world):
    """A signed-off assessment of the signed-in client's case, with their appeal reviewed by a teacher who is no
    matrix role (assessors and reviewer are extra people, so no matrix role reaches more than before)."""
    users, case = world.users, client_case(world)
    extra = {
        role: create_user(
            None,
            email=f"appeal-{role.value}@home.example",
            name=f"Appeal {role.value}",
            roles={role},
            organisation=world.org,
        )
        for role in (Role.TEACHER, Role.WORKPLACE_TUTOR)
    }
    reviewer = create_user(
        None, email="appeal-reviewer@home.example", name="Appeal reviewer", roles={Role.TEACHER}, organisation=world.org
    )
    qualification = placement_services.case_qualification(case)  # another package may have set it already
    version = qualification.version if qualification else build_framework()
    if qualification is None:
        db.session.add(CaseQualification(case_id=case.id, version_id=version.id))
    placement = placement_services.create_placement(
        users["counsellor"],
        case,
        workplace=world.org,
        tutor=extra[Role.WORKPLACE_TUTOR],
        start_date=date.today() - timedelta(days=30),
        end_date=date.today() - timedelta(days=1),
        tasks="Kitchen work",
        units=list(version.units),
    )
    assessment = evidence_services.open_assessment(
        users["counsellor"], placement, teacher=extra[Role.TEACHER], counsellor=users["counsellor"]
    )
    level = next(lv["code"] for lv in evidence_services.scale_levels(assessment) if lv["passing"])
    for user in (users["counsellor"], extra[Role.TEACHER], extra[Role.WORKPLACE_TUTOR]):
        submit_ratings(user, assessment, level=level)
    decide(extra[Role.TEACHER], assessment, level=level)
    evidence_services.sign_off(
        extra[Role.TEACHER], assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
    )
    appeal = evidence_services.request_appeal(users["client"], assessment, reason="Please look again", language="fi")
    evidence_services.assign_reviewer(users["counsellor"], appeal, reviewer)
    evidence_services.review_appeal(
        reviewer, appeal, changed=False, note="The decision stands", outcome_values={}, expected_version=appeal.version
    )  # closed: the case's certificate may be issued
    return SimpleNamespace(assessment=assessment)


def build_world(world):
    world.ap = SimpleNamespace(
        own=_side(world, world.users, world.org), foreign=_side(world, world.other_users, world.other_org)
    )
    world.ap.decided = _decided(world)


def _case(which):
    return lambda w, r: {"case_id": MISSING_ID if which == "missing" else getattr(w.ap, which).case.id}


def _placement(which):
    return lambda w, r: {"placement_id": MISSING_ID if which == "missing" else getattr(w.ap, which).placement.id}


def _assessment(which):
    return lambda w, r: {"assessment_id": MISSING_ID if which == "missing" else getattr(w.ap, which).assessment.id}


def _object_routes(endpoint, method, params, own_ok, *, foreign_ok=(), hidden=(), data=None):
    """own: `own_ok` roles OK; foreign: `foreign_ok` OK and other capable roles 404; missing: 404 when capable.

    `hidden` roles hold the function but never see these objects: 404 everywhere.
    """
    capable = set(own_ok) | set(foreign_ok) | set(hidden)
    data = data or (lambda w, r: {})

    def table(ok_roles):
        return expect(ok_roles, **{role: NOT_FOUND for role in capable if role not in ok_roles})

    return [
        Access(endpoint, method, table(own_ok), params=params("own"), data=data, variant="own"),
        Access(endpoint, method, table(foreign_ok), params=params("foreign"), data=data, variant="foreign"),
        Access(endpoint, method, table(()), params=params("missing"), data=data, variant="missing"),
    ]


def _link_token(which):
    return lambda w, r: {"token": getattr(w.ap, which).token if which != "unknown" else "not-a-real-token"}


ROUTES = [
    Access("assessment.placements", "GET", expect(VIEWERS)),
    # placements
    *_object_routes("assessment.new_placement", "GET", _case, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.new_placement", "POST", _case, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.placement", "GET", _placement, VIEWERS, foreign_ok=("admin",)),
    *_object_routes("assessment.edit_placement", "GET", _placement, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.edit_placement", "POST", _placement, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.invite_tutor", "POST", _placement, MANAGERS, foreign_ok=("admin",)),
    Access(
        "assessment.revoke_tutor_link",
        "POST",
        expect(MANAGERS),
        params=lambda w, r: {"placement_id": w.ap.own.placement.id, "link_id": w.ap.own.tutor_link.id},
        variant="own",
    ),
    Access(
        "assessment.revoke_tutor_link",
        "POST",
        expect(["admin"], counsellor=NOT_FOUND),
        params=lambda w, r: {"placement_id": w.ap.foreign.placement.id, "link_id": w.ap.foreign.tutor_link.id},
        variant="foreign",
    ),
    Access(
        "assessment.revoke_tutor_link",
        "POST",
        expect(other=FORBIDDEN, admin=NOT_FOUND, counsellor=NOT_FOUND),
        params=lambda w, r: {"placement_id": w.ap.own.placement.id, "link_id": w.ap.foreign.tutor_link.id},
        variant="link of another placement",
    ),
    # the personal link: anyone holding a valid link gets its landing page, nothing else
    Access(
        "assessment.link_landing",
        "GET",
        expect(SIGNED_IN, anonymous=OK),
        params=_link_token("own"),
        variant="valid token",
    ),
    Access("assessment.link_landing", "GET", EVERYONE_404, params=_link_token("unknown"), variant="unknown token"),
    Access("assessment.link_password", "POST", EVERYONE_404, params=_link_token("unknown"), variant="unknown token"),
    Access(
        "assessment.link_password",
        "POST",
        expect(SIGNED_IN, anonymous=OK),
        params=_link_token("own"),
        variant="valid token, no password given",
    ),
    Access("assessment.link_start", "POST", EVERYONE_404, params=_link_token("unknown"), variant="unknown token"),
    Access(
        "assessment.link_start",
        "POST",
        expect(SIGNED_IN, anonymous=OK),
        params=_link_token("own"),
        variant="valid token",
    ),
    Access("assessment.link_end", "POST", expect(SIGNED_IN, anonymous=OK)),
    Access("assessment.link_assess", "GET", EVERYONE_404, variant="no link session"),
    Access("assessment.link_assess", "POST", EVERYONE_404, variant="no link session"),
    # the case's assessment pages: staff who reach the case, not the tutor
    *_object_routes(
        "assessment.case_overview", "GET", _case, STAFF_VIEWERS, foreign_ok=("admin",), hidden=("workplace_tutor",)
    ),
    *_object_routes(
        "assessment.evidence_map", "GET", _case, STAFF_VIEWERS, foreign_ok=("admin",), hidden=("workplace_tutor",)
    ),
    Access(
        "assessment.evidence_map",
        "POST",
        expect(MAPPERS, workplace_tutor=NOT_FOUND),
        params=_case("own"),
        variant="own",
    ),
    Access(
        "assessment.evidence_map",
        "POST",
        expect(["admin"], counsellor=NOT_FOUND, teacher=NOT_FOUND, workplace_tutor=NOT_FOUND),
        params=_case("foreign"),
        variant="foreign",
    ),
    Access(
        "assessment.evidence_map",
        "POST",
        expect(other=NOT_FOUND, client=FORBIDDEN, project_manager=FORBIDDEN),
        params=_case("missing"),
        variant="missing",
    ),
    Access(
        "assessment.unmap_evidence",
        "POST",
        expect(MAPPERS),
        params=lambda w, r: {"case_id": w.ap.own.case.id, "link_id": w.ap.own.evidence_link_id},
        variant="own",
    ),
    Access(
        "assessment.unmap_evidence",
        "POST",
        expect(["admin"], counsellor=NOT_FOUND, teacher=NOT_FOUND),
        params=lambda w, r: {"case_id": w.ap.foreign.case.id, "link_id": w.ap.foreign.evidence_link_id},
        variant="foreign",
    ),
    Access(
        "assessment.unmap_evidence",
        "POST",
        expect(other=FORBIDDEN, admin=NOT_FOUND, counsellor=NOT_FOUND, teacher=NOT_FOUND),
        params=lambda w, r: {"case_id": w.ap.own.case.id, "link_id": w.ap.foreign.evidence_link_id},
        variant="link of another case",
    ),
    # the one-screen mapping: staff who map evidence on cases they reach (a tutor lacks the function)
    *[
        Access("assessment.map_items", method, expected, params=_case(variant), variant=variant)
        for method in ("GET", "POST")
        for variant, expected in (
            ("own", expect(MAPPERS)),
            ("foreign", expect(["admin"], counsellor=NOT_FOUND, teacher=NOT_FOUND)),
            ("missing", expect(MAPPERS, ok=NOT_FOUND)),
        )
    ],
    *_object_routes(
        "assessment.triangulation", "GET", _case, STAFF_VIEWERS, foreign_ok=("admin",), hidden=("workplace_tutor",)
    ),
    # assessments
    *_object_routes("assessment.open_assessment", "GET", _placement, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.open_assessment", "POST", _placement, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.detail", "GET", _assessment, VIEWERS, foreign_ok=("admin",)),
    *_object_routes("assessment.declare_conflict", "POST", _assessment, ASSESSORS),
    *_object_routes("assessment.replace_assessor", "POST", _assessment, MANAGERS, foreign_ok=("admin",)),
    *_object_routes("assessment.rate", "GET", _assessment, ASSESSORS),
    *_object_routes("assessment.rate", "POST", _assessment, ASSESSORS),
    Access("assessment.sign_off", "POST", expect(["teacher"]), params=_assessment("own"), variant="own"),
    Access(
        "assessment.sign_off",
        "POST",
        expect(other=FORBIDDEN, **{r: NOT_FOUND for r in ASSESSORS}),
        params=_assessment("foreign"),
        variant="foreign",
    ),
    Access(
        "assessment.sign_off",
        "POST",
        expect(other=FORBIDDEN, **{r: NOT_FOUND for r in ASSESSORS}),
        params=_assessment("missing"),
        variant="missing",
    ),
    Access("assessment.confirm", "POST", expect(["counsellor"]), params=_assessment("own"), variant="own"),
    Access(
        "assessment.confirm",
        "POST",
        expect(other=FORBIDDEN, **{r: NOT_FOUND for r in ASSESSORS}),
        params=_assessment("foreign"),
        variant="foreign",
    ),
    Access("assessment.reopen", "POST", expect(["counsellor", "teacher"]), params=_assessment("own"), variant="own"),
    Access(
        "assessment.reopen",
        "POST",
        expect(other=FORBIDDEN, **{r: NOT_FOUND for r in ASSESSORS}),
        params=_assessment("foreign"),
        variant="foreign",
    ),
    *_object_routes("assessment.reconcile", "GET", _assessment, VIEWERS, foreign_ok=("admin",)),
    Access("assessment.reconcile", "POST", expect(["counsellor", "teacher"]), params=_assessment("own"), variant="own"),
    Access(
        "assessment.reconcile",
        "POST",
        expect(["admin", "project_manager"], ok=FORBIDDEN, other=FORBIDDEN, **{r: NOT_FOUND for r in ASSESSORS}),
        params=_assessment("foreign"),
        variant="foreign",
    ),
    Access(
        "assessment.reconcile",
        "POST",
        expect(other=FORBIDDEN, **{r: NOT_FOUND for r in VIEWERS}),
        params=_assessment("missing"),
        variant="missing",
    ),
    *_object_routes(
        "assessment.gap_plan", "GET", _assessment, STAFF_VIEWERS, foreign_ok=("admin",), hidden=("workplace_tutor",)
    ),
    *_object_routes("assessment.hand_gap_plan", "POST", _assessment, MANAGERS, foreign_ok=("admin",)),
    # the rules of evidence: staff who see the assessment read them; its teacher marks them
    *_object_routes(
        "assessment.evidence_rules",
        "GET",
        _assessment,
        STAFF_VIEWERS,
        foreign_ok=("admin",),
        hidden=("workplace_tutor",),
    ),
    Access(
        "assessment.evidence_rules",
        "POST",
        expect(["teacher"], workplace_tutor=NOT_FOUND),
        params=_assessment("own"),
        variant="own",
    ),
    Access(
        "assessment.evidence_rules",
        "POST",
        expect(**{r: NOT_FOUND for r in ASSESSORS}),
        params=_assessment("foreign"),
        variant="foreign",
    ),
    Access(
        "assessment.evidence_rules",
        "POST",
        expect(**{r: NOT_FOUND for r in VIEWERS}),
        params=_assessment("missing"),
        variant="missing",
    ),
    # the client's self-assessment, on their own case only
    *[
        Access(
            "assessment.self_assessment",
            method,
            expect(["client"]),
            params=lambda w, r: {"case_id": client_case(w).id},
            variant="own case",
        )
        for method in ("GET", "POST")
    ],
    *[
        Access("assessment.self_assessment", method, expect(client=NOT_FOUND), params=params, variant=variant)
        for method in ("GET", "POST")
        for variant, params in (
            ("another client's case", lambda w, r: {"case_id": client_case(w, "foreign").id}),
            ("missing", lambda w, r: {"case_id": MISSING_ID}),
        )
    ],
    # the client proposes evidence for their own case only
    *[
        Access(
            "assessment.my_evidence",
            method,
            expect(["client"]),
            params=lambda w, r: {"case_id": client_case(w).id},
            variant="own case",
        )
        for method in ("GET", "POST")
    ],
    *[
        Access("assessment.my_evidence", method, expect(client=NOT_FOUND), params=params, variant=variant)
        for method in ("GET", "POST")
        for variant, params in (
            ("another client's case", lambda w, r: {"case_id": client_case(w, "foreign").id}),
            ("missing", lambda w, r: {"case_id": MISSING_ID}),
        )
    ],
    # appeals: the client asks on their own page; the counsellor names the reviewer, who alone records the review
    *[
        Access("assessment.appeal", method, expect(["client"]), params=_assessment("decided"), variant="own decision")
        for method in ("GET", "POST")
    ],
    *[
        Access("assessment.appeal", method, expect(client=NOT_FOUND), params=_assessment(which), variant=which)
        for method in ("GET", "POST")
        for which in ("foreign", "missing")
    ],
    Access(
        "assessment.assign_appeal_reviewer", "POST", expect(MANAGERS), params=_assessment("decided"), variant="appealed"
    ),
    Access(
        "assessment.assign_appeal_reviewer",
        "POST",
        expect(admin=NOT_FOUND, counsellor=NOT_FOUND),
        params=_assessment("own"),
        variant="no appeal",
    ),
    *[
        Access(
            "assessment.review_appeal",
            method,
            expect(**{r: NOT_FOUND for r in ASSESSORS}),
            params=_assessment("decided"),
            variant="reviewed by another teacher",
        )
        for method in ("GET", "POST")
    ],
]

# The tutor's own placement does not open its case: no case page, client record, portfolio or interviews (403),
# whatever the other roles see of that case (a teacher reads no draft portfolio: 404).
_PLACEMENT_CASE = {"case_id": lambda w: w.ap.own.case.id, "client_id": lambda w: w.ap.own.case.client_id}
ROUTES += [
    Access(
        endpoint,
        "GET",
        expect(
            ["admin", "project_manager", "counsellor", "teacher"],
            ok=OK,
            other=FORBIDDEN,
            client=FORBIDDEN if endpoint.startswith("cases.") else NOT_FOUND,
            **({"project_manager": FORBIDDEN, "teacher": NOT_FOUND} if endpoint.startswith("portfolio.") else {}),
        ),
        params=lambda w, r, key=key: {key: _PLACEMENT_CASE[key](w)},
        variant="the tutor's placement's case",
    )
    for endpoint, key in (
        ("cases.detail", "case_id"),
        ("cases.client", "client_id"),
        ("portfolio.overview", "case_id"),
        ("portfolio.summary", "case_id"),
    )
]
