"""Access to third-party statements: the staff of the case read them (project managers and tutors never), its
counsellor asks and revokes, a teacher of the case verifies, the client reads their own; the referee's link opens
its form to whoever holds it, and an unknown link answers 404."""

from datetime import timedelta
from types import SimpleNamespace

from assessment.statements import services
from assessment.statements.models import Acquaintance
from isok.database import utcnow
from tests.access import MISSING_ID, NOT_FOUND, OK, SIGNED_IN, Access, client_case, expect

READERS = ("admin", "counsellor", "teacher")
MANAGERS = ("admin", "counsellor")


def _ask(counsellor, case, *, answered=False):
    statement, token = services.request_statement(
        counsellor,
        case,
        name="Referee",
        organisation="Former employer",
        country="FI",
        email="referee@example.com",
        language="fi",
        tasks=["Cooking"],
        outcome_ids=[],
        deadline=utcnow().date() + timedelta(days=7),
    )
    if answered:
        services.submit_statement(
            statement,
            answers={item.id: True for item in statement.items},
            acquaintance=Acquaintance.SUPERVISED,
            period="2020",
            comment=None,
        )
    return SimpleNamespace(id=statement.id, token=token)


def build_world(world):
    own, foreign = world.ap.own, world.ap.foreign
    world.st = SimpleNamespace(
        waiting=_ask(world.users["counsellor"], own.case),
        revocable=_ask(world.users["counsellor"], own.case),  # its own: revoking it closes no other route's link
        answered=_ask(world.users["counsellor"], own.case, answered=True),
        foreign=_ask(world.other_users["counsellor"], foreign.case, answered=True),
        clients=_ask(world.users["admin"], client_case(world), answered=True),
    )


def _case(which):
    return lambda w, r: {"case_id": MISSING_ID if which == "missing" else getattr(w.ap, which).case.id}


def _statement(which):
    return lambda w, r: {"statement_id": MISSING_ID if which == "missing" else getattr(w.st, which).id}


def _token(which):
    return lambda w, r: {"token": getattr(w.st, which).token if which != "unknown" else "not-a-real-token"}


ROUTES = [
    *[
        Access("assessment.request_statement", method, expect(MANAGERS), params=_case("own"), variant="own")
        for method in ("GET", "POST")
    ],
    *[
        Access(
            "assessment.request_statement",
            method,
            expect(["admin"], counsellor=NOT_FOUND),
            params=_case("foreign"),
            variant="foreign",
        )
        for method in ("GET", "POST")
    ],
    *[
        Access(
            "assessment.request_statement",
            method,
            expect(admin=NOT_FOUND, counsellor=NOT_FOUND),
            params=_case("missing"),
            variant="missing",
        )
        for method in ("GET", "POST")
    ],
    Access(
        "assessment.statement", "GET", expect(READERS, client=NOT_FOUND), params=_statement("answered"), variant="own"
    ),
    Access(
        "assessment.statement",
        "GET",
        expect(["admin"], counsellor=NOT_FOUND, teacher=NOT_FOUND, client=NOT_FOUND),
        params=_statement("foreign"),
        variant="foreign",
    ),
    Access(
        "assessment.statement",
        "GET",
        expect(**{role: NOT_FOUND for role in (*READERS, "client")}),
        params=_statement("missing"),
        variant="missing",
    ),
    Access(
        "assessment.statement",
        "GET",
        expect([*READERS, "client"]),
        params=_statement("clients"),
        variant="the client's own",
    ),
    Access("assessment.revoke_statement", "POST", expect(MANAGERS), params=_statement("revocable"), variant="own"),
    Access(
        "assessment.revoke_statement",
        "POST",
        expect(["admin"], counsellor=NOT_FOUND),
        params=_statement("foreign"),
        variant="foreign",
    ),
    Access("assessment.verify_statement", "POST", expect(["teacher"]), params=_statement("answered"), variant="own"),
    Access(
        "assessment.verify_statement",
        "POST",
        expect(teacher=NOT_FOUND),
        params=_statement("foreign"),
        variant="foreign",
    ),
    # the referee's link: whoever holds a working link gets its form, signed in or not
    *[
        Access(
            "assessment.referee_answer",
            method,
            expect(SIGNED_IN, anonymous=OK),
            params=_token("waiting"),
            variant="valid token",
        )
        for method in ("GET", "POST")
    ],
    *[
        Access(
            "assessment.referee_answer",
            method,
            expect(other=NOT_FOUND, anonymous=NOT_FOUND),
            params=_token("unknown"),
            variant="unknown token",
        )
        for method in ("GET", "POST")
    ],
]
