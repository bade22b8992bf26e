"""Addresses that name nothing answer 404, however large their numbers; HEAD answers as GET does."""

import random
import re

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from isok.accounts.models import Role
from isok.routing import MAX_ID, BoundedIntegerConverter
from tests.access import ANONYMOUS, OK, ROLES
from tests.conftest import log_in
from tests.test_permission_matrix import DECLARED, build_world

PAST_64_BITS = (2**64, 10**30)
PAST_32_BITS = (2**31, 2**63 - 1)


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if ints:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method, ints


def _url(app, rule, values):
    with app.test_request_context():
        return url_for(rule.endpoint, **{**dict.fromkeys(rule.arguments, "x"), **values})


def test_the_id_pattern_matches_exactly_the_numbers_a_database_holds():
    pattern = re.compile(BoundedIntegerConverter.regex + r"\Z")
    rng = random.Random(7)
    numbers = [0, 1, 9, 10, MAX_ID - 1, MAX_ID, MAX_ID + 1, 10**18, 10**19, 2**64, *PAST_64_BITS]
    numbers += [rng.randrange(10 ** rng.randrange(1, 21)) for _ in range(2000)]
    numbers += [MAX_ID + rng.randrange(-MAX_ID, 10**12) for _ in range(2000)]
    assert [n for n in numbers if bool(pattern.match(str(n))) != (n <= MAX_ID)] == []


@pytest.mark.parametrize("number", PAST_32_BITS + PAST_64_BITS)
def test_ids_past_what_an_id_column_holds_answer_404_on_every_route(app, client, make_user, number):
    log_in(client, make_user(Role.ADMIN))
    wrong = []
    for rule, method, ints in _int_rules(app):
        url = _url(app, rule, dict.fromkeys(ints, number))
        status = client.open(url, method=method).status_code
        if status != 404:
            wrong.append(f"{method} {url}: {status}")
    assert wrong == [], "\n".join(wrong)


def test_the_largest_id_a_database_holds_is_looked_up_and_not_found(app, client, make_user):
    log_in(client, make_user(Role.ADMIN))
    statuses = {}
    for rule, method, ints in _int_rules(app):
        if method == "GET":
            url = _url(app, rule, dict.fromkeys(ints, MAX_ID))
            statuses[url] = client.get(url).status_code  # an error inside would fail the test here
    assert statuses and set(statuses.values()) <= {403, 404}


@pytest.mark.parametrize("path", ["/cases", "/certificates", "/admin/audit"])
def test_page_numbers_past_what_a_database_counts_answer_404(client, make_user, path):
    log_in(client, make_user(Role.ADMIN))
    assert client.get(f"{path}?page=3").status_code == 200  # an empty page past the last is still a page
    for page in (2**64, 2**62, 10**30):
        assert client.get(f"{path}?page={page}").status_code == 404


def test_every_page_answers_head_as_it_answers_get(app):
    """HEAD is what link checkers and monitors send: the same status and headers as GET, without the body."""
    world = build_world()
    wrong = []
    for entry in DECLARED:
        if entry.method != "GET":
            continue
        role = next((r for r in ROLES if entry.expected[r] == OK), ANONYMOUS)
        client = app.test_client()
        if role != ANONYMOUS:
            log_in(client, world.users[role])
        with app.test_request_context():
            url = url_for(entry.endpoint, **entry.params(world, role))
        got, head = client.get(url), client.head(url)
        got.close()
        head.close()  # a download's file stays open until its response is closed
        if (head.status_code, head.headers.get("Content-Type")) != (
            got.status_code,
            got.headers.get("Content-Type"),
        ) or head.data:
            wrong.append(f"HEAD {url} as {role}: {head.status_code}, GET: {got.status_code}")
    assert wrong == [], "\n".join(wrong)
