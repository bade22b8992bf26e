import pytest

from tests.benchmarks.conftest import report, time_it

pytestmark = pytest.mark.benchmark


def test_dashboard_against_the_floor(floors):
    client = floors["client"]
    dashboard_ms = time_it(lambda: client.get("/"), repeat=100)
    report("dashboard (counsellor)", dashboard_ms, "one query + template", floors["query_ms"])


def test_login_page_against_the_floor(floors):
    anonymous = floors["client"].application.test_client()
    login_ms = time_it(lambda: anonymous.get("/login"), repeat=100)
    report("login page (anonymous)", login_ms, "one query + template", floors["query_ms"])
