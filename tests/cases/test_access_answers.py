"""A page asks "may this user open this case" of the database once, and a write makes it ask again."""

import re

from cases import access
from cases.models import Case
from isok.accounts.models import Role
from isok.extensions import db
from tests.conftest import log_in
from tests.statements import recorded_statements

# The case page's own question: only the case's id, for this id, where the user may see it (SQLite or psycopg style).
VISIBILITY_CHECK = re.compile(r'SELECT "case"\.id\s+FROM "case"\s+WHERE "case"\.id = (\?|%\(\w+\)s)')


def _visibility_checks(statements: list[str]) -> int:
    return sum(1 for statement in statements if VISIBILITY_CHECK.match(statement))


def test_the_case_page_asks_whether_the_case_may_be_opened_once(client, counsellor, make_case):
    case = make_case()
    log_in(client, counsellor)
    client.get(f"/cases/{case.id}")
    with recorded_statements() as statements:
        assert client.get(f"/cases/{case.id}").status_code == 200
    assert _visibility_checks(statements) == 1


def test_a_write_in_the_request_makes_the_answer_asked_again(app, counsellor, make_case, make_user, make_organisation):
    case = make_case()
    elsewhere = make_user(Role.COUNSELLOR, organisation=make_organisation("Joensuu Guidance Centre"))
    with app.test_request_context("/"):
        assert access.can_view_case(counsellor, case)
        assert not access.can_view_case(elsewhere, case)
        moved = db.session.get(Case, case.id)
        moved.organisation_id, moved.counsellor_id = elsewhere.organisation_id, elsewhere.id  # not yet flushed
        assert access.can_view_case(elsewhere, case)
        assert not access.can_view_case(counsellor, case)
        db.session.rollback()
        assert access.can_view_case(counsellor, case)
        assert not access.can_view_case(elsewhere, case)
