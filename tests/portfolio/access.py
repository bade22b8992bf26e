"""Who may use the portfolio routes. Project managers and workplace tutors never open a portfolio (403: a tutor
sees only the items a client's consent shares with their workplace, on the placement's page); teachers read
portfolios of cases they can view and cannot change them (403); a client reaches only their own case; foreign and
missing objects answer 404."""

import io

from isok.extensions import db
from portfolio import services
from portfolio.models import Section
from tests.access import FORBIDDEN, MISSING_ID, NOT_FOUND, OK, Access, client_case, expect
from tests.portfolio.conftest import pdf_bytes

READERS = ("admin", "counsellor", "teacher", "client")
EDITORS = ("admin", "counsellor", "client")
REVIEWERS = ("admin", "counsellor")

# Own case: readers in; the home teacher interviews this client, but reads no draft (404): the portfolio opens to
# teachers once the client submits it for review (tests/portfolio/test_need_to_know.py).
OWN_READ = expect(READERS, teacher=NOT_FOUND)
OWN_EDIT = expect(EDITORS)
OWN_REVIEW = expect(REVIEWERS)
# Someone else's case: only the administrator sees it.
FOREIGN_READ = expect(READERS, other=FORBIDDEN, ok=NOT_FOUND, admin=OK)
FOREIGN_EDIT = expect(EDITORS, ok=NOT_FOUND, admin=OK)
FOREIGN_REVIEW = expect(REVIEWERS, ok=NOT_FOUND, admin=OK)
MISSING_READ = expect(READERS, ok=NOT_FOUND)
MISSING_EDIT = expect(EDITORS, ok=NOT_FOUND)
MISSING_REVIEW = expect(REVIEWERS, ok=NOT_FOUND)


def build_world(world):
    world.pf_case = client_case(world, "own")
    world.pf_foreign_case = client_case(world, "foreign")
    for prefix, case, actor in (
        ("pf", world.pf_case, world.users["counsellor"]),
        ("pf_foreign", world.pf_foreign_case, world.other_users["counsellor"]),
    ):
        entry = services.add_entry(actor, case, Section.WORK, "Cook", {"country": "SY"}, "ar")
        spare = services.add_entry(actor, case, Section.GOALS, "Chef", {"kind": "work"}, "ar")
        [file, spare_file] = services.add_evidence(
            actor,
            entry,
            [services.Upload("a.pdf", io.BytesIO(pdf_bytes())), services.Upload("b.txt", io.BytesIO(b"note"))],
        )
        setattr(world, f"{prefix}_entry", entry)
        setattr(world, f"{prefix}_spare_entry", spare)
        setattr(world, f"{prefix}_file", file)
        setattr(world, f"{prefix}_spare_file", spare_file)
    db.session.flush()


def _case(kind):
    return {
        "own": lambda w, r: {"case_id": w.pf_case.id},
        "foreign": lambda w, r: {"case_id": w.pf_foreign_case.id},
        "missing": lambda w, r: {"case_id": MISSING_ID},
    }[kind]


def _entry(kind, spare=False):
    prefix = {"own": "pf", "foreign": "pf_foreign"}.get(kind)
    name = f"{prefix}_spare_entry" if spare else f"{prefix}_entry"
    return lambda w, r: {"entry_id": getattr(w, name).id if prefix else MISSING_ID}


def _file(kind, spare=False):
    prefix = {"own": "pf", "foreign": "pf_foreign"}.get(kind)
    name = f"{prefix}_spare_file" if spare else f"{prefix}_file"
    return lambda w, r: {"file_id": getattr(w, name).id if prefix else MISSING_ID}


READ = {"own": OWN_READ, "foreign": FOREIGN_READ, "missing": MISSING_READ}
EDIT = {"own": OWN_EDIT, "foreign": FOREIGN_EDIT, "missing": MISSING_EDIT}
REVIEW = {"own": OWN_REVIEW, "foreign": FOREIGN_REVIEW, "missing": MISSING_REVIEW}
KINDS = ("own", "foreign", "missing")

ROUTES = [
    *(Access("portfolio.overview", "GET", READ[k], params=_case(k), variant=k) for k in KINDS),
    *(Access("portfolio.questionnaire", "GET", READ[k], params=_case(k), variant=k) for k in KINDS),
    *(Access("portfolio.summary", "GET", READ[k], params=_case(k), variant=k) for k in KINDS),
    *(Access("portfolio.summary_pdf", "GET", READ[k], params=_case(k), variant=k) for k in KINDS),
    *(Access("portfolio.evidence_zip", "GET", READ[k], params=_case(k), variant=k) for k in KINDS),
    *(Access("portfolio.entry", "GET", READ[k], params=_entry(k), variant=k) for k in KINDS),
    *(Access("portfolio.download", "GET", READ[k], params=_file(k), variant=k) for k in KINDS),
    *(
        Access(
            "portfolio.new_entry",
            method,
            EDIT[k],
            variant=k,
            params=lambda w, r, k=k: {**_case(k)(w, r), "section": "work"},
        )
        for k in KINDS
        for method in ("GET", "POST")
    ),
    Access(
        "portfolio.new_entry",
        "GET",
        expect(EDITORS, ok=NOT_FOUND),
        variant="unknown section",
        params=lambda w, r: {"case_id": w.pf_case.id, "section": "hobbies"},
    ),
    *(
        Access("portfolio.edit_entry", method, EDIT[k], params=_entry(k), variant=k)
        for k in KINDS
        for method in ("GET", "POST")
    ),
    *(
        Access(
            "portfolio.save_questionnaire",
            "POST",
            EDIT[k],
            params=_case(k),
            variant=k,
            data=lambda w, r: {"expectations_work": "Chef", "language": "en"},
        )
        for k in KINDS
    ),
    *(Access("portfolio.upload", "POST", EDIT[k], params=_entry(k), variant=k) for k in KINDS),
    *(
        Access(
            "portfolio.comment", "POST", REVIEW[k], params=_entry(k), variant=k, data=lambda w, r: {"text": "Add dates"}
        )
        for k in KINDS
    ),
    # Changes of state and removals last, on objects kept for them.
    *(Access("portfolio.delete_file", "POST", EDIT[k], params=_file(k, spare=True), variant=k) for k in KINDS),
    *(Access("portfolio.delete_entry", "POST", EDIT[k], params=_entry(k, spare=True), variant=k) for k in KINDS),
    *(Access("portfolio.submit", "POST", EDIT[k], params=_case(k), variant=k) for k in KINDS),
    *(
        Access(
            "portfolio.review", "POST", REVIEW[k], params=_case(k), variant=k, data=lambda w, r: {"decision": "accept"}
        )
        for k in KINDS
    ),
]
