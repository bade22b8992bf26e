"""Results six months after leaving (table 6) are counted in the half-year in which the six months end, the day
the follow-up falls due (README, "Six-month results"), whenever the follow-up is recorded."""

from datetime import date

from cases import services as case_services
from isok.extensions import db
from isok.network.models import HalfYear
from isok.reports import services
from tests.reports.conftest import EMPLOYED, participation_of
from tests.reports.test_services import cells, gendered

H2, NEXT = HalfYear(2025, 2), HalfYear(2026, 1)


def _six_months(period, as_of, scope="period"):
    return {
        row.key: row.cells
        for row in services.compute_report(period, scope, as_of=as_of).table("six_month_results").rows
    }


def test_a_follow_up_recorded_late_counts_in_the_half_year_it_fell_due(project, person, manager):
    late = person("Late", entries=[(date(2025, 3, 1), date(2025, 6, 30), EMPLOYED)])  # due 30 December 2025
    services.sync_participations()
    services.submit_report(manager, H2, as_of=date(2026, 1, 15))  # submitted before anyone called
    case_services.record_follow_up(None, late.cases[0], on=date(2026, 2, 10), labour_status=EMPLOYED)
    db.session.commit()
    services.sync_participations()
    assert participation_of(late).follow_up_due == date(2025, 12, 30)
    figures = _six_months(H2, date(2026, 3, 1))
    assert figures["due"] == figures["responded"] == figures["employed_6m"] == gendered(1, women=1)
    assert _six_months(NEXT, date(2026, 3, 1))["due"] == gendered(0)
    # The submitted 2025H2 report had the leaver due but unanswered: the answer shows in its correction report.
    deltas = {
        change["row"]: change["delta"]
        for change in services.correction_report(services.submitted_report(H2), as_of=date(2026, 3, 1))["period"]
    }
    assert deltas["employed_6m"] == deltas["responded"] == gendered(1, women=1)
    assert "due" not in deltas


def test_a_follow_up_never_recorded_counts_as_due_and_unanswered(project, person):
    person("Silent", entries=[(date(2025, 2, 1), date(2025, 5, 15), EMPLOYED)])  # due 15 November 2025
    person(
        "Answered", entries=[(date(2025, 2, 1), date(2025, 5, 15), EMPLOYED)], follow_up=(date(2025, 11, 20), EMPLOYED)
    )
    services.sync_participations()
    figures = _six_months(H2, date(2026, 1, 10))
    assert figures["due"] == gendered(2, women=2)
    assert figures["followed_up"] == figures["responded"] == figures["employed_6m"] == gendered(1, women=1)
    assert figures["response_rate"]["total"] == 50.0
    # Before the six months end nobody is due: the report of the date leaves them for later.
    assert _six_months(H2, date(2025, 11, 1))["due"] == gendered(0)


def test_a_re_entry_before_the_six_months_end_moves_the_follow_up_to_the_final_exit(project, person):
    back = person("Back", entries=[(date(2025, 1, 10), date(2025, 3, 31), EMPLOYED)])  # first due 30 September
    case_services.open_case(
        None,
        back,
        organisation=back.cases[0].organisation,
        client_type=back.cases[0].client_type,
        entry_date=date(2025, 6, 15),
    )  # re-entered in June, before the six months ran out
    db.session.commit()
    services.sync_participations()
    record = participation_of(back)
    assert (record.exit_date, record.follow_up_due) == (None, None)
    assert _six_months(H2, date(2026, 1, 10))["due"] == gendered(0)  # the first exit's six months count nowhere
    case_services.record_exit(None, back.cases[-1], exit_date=date(2025, 10, 31), labour_status=EMPLOYED)
    db.session.commit()
    services.sync_participations()
    assert participation_of(back).follow_up_due == date(2026, 4, 30)
    assert _six_months(H2, date(2026, 6, 1))["due"] == gendered(0)
    assert _six_months(NEXT, date(2026, 6, 1))["due"] == gendered(1, women=1)
    cumulative = services.compute_report(NEXT, "cumulative", as_of=date(2026, 6, 1))
    assert cells(cumulative, "six_month_results", "due") == gendered(1, women=1)  # one person, one follow-up
