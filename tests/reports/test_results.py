"""Results upon leaving are a set (research §1.5 rule 4): only job searching and employment exclude each other, the
last of them within 28 days winning; education or training and a qualification are counted beside either.

Every person is built through the case services, as a counsellor records them; the figures are the rules' own.
"""

import random
from datetime import date, timedelta

from cases import services as case_services
from certificates import content
from certificates import services as certificate_services
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db
from isok.network.models import HalfYear
from isok.reports import services
from tests.certificates.helpers import give_test_seal
from tests.certificates.samples import results as signed_off_results
from tests.reports.conftest import EMPLOYED, JOB_SEARCHING, NEITHER, SELF_EMPLOYED, participation_of
from tests.reports.test_services import gendered

H2 = HalfYear(2025, 2)
AS_OF = date(2026, 2, 15)
FEMALE, MALE, OTHER = "female", "male", "other"


def _immediate(report):
    return {row.key: row.cells for row in report.table("immediate_results").rows}


def test_results_that_go_together_are_each_counted(project, person):
    person("Amal", entries=[(date(2025, 7, 1), date(2025, 9, 30), EMPLOYED, {"in_education": True})])
    person(
        "Bereket",
        gender=MALE,
        entries=[(date(2025, 7, 1), date(2025, 10, 31), JOB_SEARCHING, {"in_education": True, "qualification": True})],
    )
    # Looking for work after leaving, then a job on day 20: the counsellor records the later event over the first.
    chen = person("Chen", entries=[(date(2025, 7, 1), date(2025, 11, 3), JOB_SEARCHING)])
    case_services.record_exit(None, chen.cases[0], exit_date=date(2025, 11, 3), labour_status=EMPLOYED)
    # Employed at once, but looking for work again by day 28: job searching counts.
    dina = person("Dina", entries=[(date(2025, 7, 1), date(2025, 12, 1), EMPLOYED)])
    case_services.record_exit(None, dina.cases[0], exit_date=date(2025, 12, 1), labour_status=JOB_SEARCHING)
    person("Eero", gender=MALE, entries=[(date(2025, 7, 1), date(2025, 12, 10), None, {"in_education": True})])
    person("Fatima", gender=OTHER, entries=[(date(2025, 7, 1), date(2025, 12, 31), NEITHER, {"qualification": True})])
    db.session.commit()
    services.sync_participations()
    figures = _immediate(services.compute_report(H2, "period", as_of=AS_OF))
    assert figures["leavers"] == gendered(6, women=3, men=2, other=1)
    assert figures["job_searching"] == gendered(2, women=1, men=1)  # Dina, Bereket
    assert figures["education_or_training"] == gendered(3, women=1, men=2)  # Amal, Bereket, Eero
    assert figures["qualification"] == gendered(2, men=1, other=1)  # Bereket, Fatima
    assert figures["employed"] == gendered(2, women=2)  # Amal, Chen
    # The results add up to more than the leavers, as results that go together do.
    assert sum(figures[key]["total"] for key in ("job_searching", "education_or_training", "employed")) == 7


def test_a_re_entry_replaces_the_earlier_results_with_the_final_exits(project, person):
    returning = person(
        "Ritva",
        entries=[
            (date(2025, 2, 1), date(2025, 4, 1), EMPLOYED, {"in_education": True, "qualification": True}),
            (date(2025, 8, 1), date(2025, 10, 1), JOB_SEARCHING),
        ],
    )
    services.sync_participations()
    record = participation_of(returning)
    assert (record.exit_date, record.exit_labour_status, record.exit_in_education, record.exit_qualification) == (
        date(2025, 10, 1),
        JOB_SEARCHING,
        False,
        False,
    )
    figures = _immediate(services.compute_report(H2, "cumulative", as_of=AS_OF))
    assert figures["leavers"]["total"] == 1 and figures["job_searching"]["total"] == 1
    assert figures["employed"]["total"] == figures["education_or_training"]["total"] == 0


def test_a_certificate_within_four_weeks_of_exit_is_a_qualification_gained(
    app, project, person, monkeypatch, make_user
):
    monkeypatch.setattr(content, "results_for", lambda case: signed_off_results())
    today = utcnow().date()
    recent = person("Recent", entries=[(today - timedelta(days=60), today - timedelta(days=10), EMPLOYED)])
    early = person("Early", entries=[(today - timedelta(days=90), today - timedelta(days=40), EMPLOYED)])
    counsellor = make_user(Role.COUNSELLOR, organisation=recent.cases[0].organisation)  # an education provider
    give_test_seal(counsellor.organisation)
    for client in (recent, early):
        certificate_services.issue_certificate(counsellor, client.cases[0], ["fi", "en"])
    db.session.commit()
    services.sync_participations()
    assert participation_of(recent).qualification_certified
    assert not participation_of(early).qualification_certified  # issued 40 days after the exit
    period = HalfYear.containing(today)
    figures = _immediate(services.compute_report(period, "cumulative", as_of=today))
    assert figures["qualification"]["total"] == 1 and figures["employed"]["total"] == 2


def test_each_indicator_counts_from_the_set_over_many_leavers(project, person):
    """Sixty leavers with random result sets: every figure equals a count made straight from what was recorded."""
    rng = random.Random(15)
    recorded = []
    for n in range(60):
        gender = rng.choice([FEMALE, FEMALE, MALE, MALE, OTHER])
        entry = date(2025, 1, 2) + timedelta(days=rng.randint(0, 300))
        leaving = entry + timedelta(days=rng.randint(10, 60))
        results = (
            rng.choice([EMPLOYED, SELF_EMPLOYED, JOB_SEARCHING, NEITHER, None]),
            rng.random() < 0.5,
            rng.random() < 0.3,
        )
        person(
            f"Leaver{n}",
            gender=gender,
            entries=[(entry, leaving, results[0], {"in_education": results[1], "qualification": results[2]})],
        )
        recorded.append((gender, results))
    services.sync_participations()
    figures = _immediate(services.compute_report(H2, "cumulative", as_of=AS_OF))

    def expected(test):
        by_gender = {
            column: sum(1 for g, r in recorded if g == gender and test(r))
            for column, gender in (("women", FEMALE), ("men", MALE), ("other", OTHER))
        }
        return {"total": sum(by_gender.values()), **by_gender}

    assert figures["leavers"] == expected(lambda r: True)
    assert figures["job_searching"] == expected(lambda r: r[0] is JOB_SEARCHING)
    assert figures["employed"] == expected(lambda r: r[0] in (EMPLOYED, SELF_EMPLOYED))
    assert figures["education_or_training"] == expected(lambda r: r[1])
    assert figures["qualification"] == expected(lambda r: r[2])
    # One situation per leaver could count at most the leavers neither working nor looking for work as in training.
    one_situation_at_most = 60 - figures["job_searching"]["total"] - figures["employed"]["total"]
    assert figures["education_or_training"]["total"] > one_situation_at_most
