"""The ESF report over a small hand-counted population (ESF+ rules, project from 1 January 2025).

Period 2025H2 = 1 July – 31 December 2025. The people, with what each should count as:

- Aino, woman, 35, unemployed long-term, ISCED 3: 1.7.2025 → 31.12.2025 employed. H2 entrant and leaver.
- Bashir, man, 25, inactive not in education, ISCED 1: 10.3.2025 → 30.6.2025 job searching, re-entered
  1.9.2025 → 1.1.2026 in education. H1 entrant; one person, who leaves in 2026H1 only.
- Carita, woman, 60, employed and self-employed, ISCED 6: entered 31.12.2025 (the last day), open.
- Daniel, man, 40, labour-market status missing: entered 1.8.2025. Left out.
- Eeva, gender not stated, unemployed, ISCED 2: entered 1.10.2025. Left out.
- Farah, other gender, 17, inactive in education, ISCED 2: 15.7.2025 → 30.11.2025 job searching.
- Gustav, man, 45, employed, ISCED 4: 15.1.2025 → 30.6.2025 employed; followed up 20.12.2025 employed, a better
  situation recorded. His follow-up falls due in H2 (30.12.2025).
- Hilja, woman, 50, unemployed, ISCED 3: 1.2.2025 → 31.5.2025 inactive; followed up 1.12.2025, situation unknown
  (no answer). Due in H2.
- Iida, woman, 55, inactive, ISCED 0: 2.2.2025 → 30.4.2025 unknown; never reached. Due in H2.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from cases import services as case_services
from cases.models import Answer, Client, ClientType, Gender, LabourMarketResult, LabourStatus
from isok.audit import AuditEntry
from isok.extensions import db
from isok.network import services as network_services
from isok.network.models import HalfYear, RuleSet
from isok.reports import services
from isok.reports.models import BetterSituation, Participation
from tests.reports.conftest import participation_of

H1, H2, NEXT = HalfYear(2025, 1), HalfYear(2025, 2), HalfYear(2026, 1)
AS_OF = date(2026, 2, 15)


def cells(report, table, row):
    return report.table(table).row(row).cells


def gendered(total, women=0, men=0, other=0):
    return {"total": total, "women": women, "men": men, "other": other}


# --- participation records -----------------------------------------------------------------------------------------


def test_one_record_per_person_keeps_the_first_entry_and_the_final_exit(population):
    bashir = participation_of(population["bashir"])
    assert (bashir.entry_date, bashir.case_count, bashir.age_at_entry) == (date(2025, 3, 10), 2, 25)
    assert (bashir.exit_date, bashir.exit_labour_status, bashir.exit_in_education) == (
        date(2026, 1, 1),
        LabourMarketResult.NEITHER,
        True,
    )
    assert db.session.scalar(select(func.count(Participation.id))) == 9


def test_sync_is_idempotent_and_follows_changes_to_cases(population):
    assert services.sync_participations() == 0
    carita = population["carita"]
    case_services.record_exit(
        None, carita.cases[0], exit_date=date(2026, 1, 20), labour_status=LabourMarketResult.SELF_EMPLOYED
    )
    assert services.sync_participations() == 1
    assert participation_of(carita).exit_labour_status is LabourMarketResult.SELF_EMPLOYED
    assert services.sync_participations() == 0


def test_an_open_re_entry_means_the_person_has_not_left(population, person):
    returning = person(
        "Ritva",
        entries=[(date(2025, 2, 1), date(2025, 3, 1), LabourMarketResult.JOB_SEARCHING, {"in_education": True})],
    )
    case_services.open_case(
        None,
        returning,
        organisation=returning.cases[0].organisation,
        client_type=returning.cases[0].client_type,
        entry_date=date(2025, 8, 1),
    )
    services.sync_participations()
    record = participation_of(returning)
    assert (record.entry_date, record.exit_date, record.exit_labour_status, record.exit_in_education) == (
        date(2025, 2, 1),
        None,
        None,
        False,
    )


# --- the period report, cell by cell -------------------------------------------------------------------------------


def test_labour_status_table_of_the_period(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "labour_status", "unemployed") == gendered(1, women=1)
    assert cells(report, "labour_status", "long_term_unemployed") == gendered(1, women=1)
    assert cells(report, "labour_status", "inactive") == gendered(1, other=1)
    assert cells(report, "labour_status", "inactive_not_in_education") == gendered(0)
    assert cells(report, "labour_status", "employed") == gendered(1, women=1)
    assert cells(report, "labour_status", "self_employed") == gendered(1, women=1)
    assert cells(report, "labour_status", "total") == gendered(3, women=2, other=1)
    assert report.table("labour_status").row("unemployed").code == "EECO02"


def test_age_and_education_tables_of_the_period(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert [row.key for row in report.table("age").rows] == ["under_18", "age_18_29", "age_55_plus"]
    assert cells(report, "age", "under_18") == gendered(1, other=1)
    assert cells(report, "age", "age_18_29") == gendered(0)
    assert cells(report, "age", "age_55_plus") == gendered(1, women=1)
    assert [row.key for row in report.table("education").rows] == ["isced_0_2", "isced_3_4", "isced_5_8", "all"]
    assert cells(report, "education", "isced_0_2") == gendered(1, other=1)
    assert cells(report, "education", "isced_3_4") == gendered(1, women=1)
    assert cells(report, "education", "isced_5_8") == gendered(1, women=1)
    assert cells(report, "education", "all") == gendered(3, women=2, other=1)


def test_characteristics_count_declined_and_not_asked_apart(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "characteristics", "third_country_national") == gendered(1, women=1)
    assert cells(report, "characteristics", "third_country_national_not_asked") == gendered(2, women=1, other=1)
    assert cells(report, "characteristics", "disability") == gendered(0)
    assert cells(report, "characteristics", "disability_declined") == gendered(1, women=1)
    assert cells(report, "characteristics", "minority_declined") == gendered(0)  # Bashir entered in H1
    assert cells(report, "characteristics", "minority_not_asked") == gendered(3, women=2, other=1)


def test_immediate_results_count_leavers_at_the_period_edges(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "immediate_results", "leavers") == gendered(2, women=1, other=1)
    assert cells(report, "immediate_results", "job_searching") == gendered(1, other=1)
    assert cells(report, "immediate_results", "education_or_training") == gendered(0)
    assert cells(report, "immediate_results", "qualification") == gendered(1, women=1)
    assert cells(report, "immediate_results", "employed") == gendered(1, women=1)
    assert all(check["ok"] for check in report.checks)
    # Bashir's re-entry moved his exit to 1 January 2026: he leaves in 2026H1, in education.
    following = services.compute_report(NEXT, "period", as_of=AS_OF)
    assert cells(following, "immediate_results", "leavers") == gendered(1, men=1)
    assert cells(following, "immediate_results", "education_or_training") == gendered(1, men=1)
    earlier = services.compute_report(H1, "period", as_of=AS_OF)
    assert cells(earlier, "immediate_results", "leavers") == gendered(3, women=2, men=1)  # Gustav, Hilja, Iida


def test_six_month_results_of_the_follow_ups_due(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "six_month_results", "due") == gendered(3, women=2, men=1)
    assert cells(report, "six_month_results", "followed_up") == gendered(2, women=1, men=1)
    assert cells(report, "six_month_results", "responded") == gendered(1, men=1)
    assert cells(report, "six_month_results", "employed_6m") == gendered(1, men=1)
    assert cells(report, "six_month_results", "better_situation") == gendered(1, men=1)
    assert cells(report, "six_month_results", "response_rate") == {
        "total": 33.3,
        "women": 0.0,
        "men": 100.0,
        "other": None,
    }


def test_follow_ups_not_yet_due_on_the_report_date_are_left_for_later(population):
    report = services.compute_report(H2, "period", as_of=date(2025, 11, 1))
    assert cells(report, "six_month_results", "due") == gendered(1, women=1)  # only Iida's, due 30 October


def test_people_with_missing_core_data_are_left_out_and_listed(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "data_quality", "excluded") == gendered(2, men=1)
    assert cells(report, "data_quality", "missing_gender") == gendered(1)
    assert cells(report, "data_quality", "missing_labour_status") == gendered(1, men=1)
    assert cells(report, "data_quality", "missing_isced") == gendered(0)
    listed = db.session.scalars(
        services.records_behind(H2, "period", "data_quality", "excluded", "total", as_of=AS_OF)
    ).all()
    assert [p.client.first_name for p in listed] == ["Daniel", "Eeva"]
    assert services.missing_core_data(listed[0]) == ["Labour-market status at entry missing"]


def test_cumulative_figures_come_from_the_records_not_from_adding_periods(population):
    report = services.compute_report(H2, "cumulative", as_of=AS_OF)
    assert report.since == date(2025, 1, 1)
    assert cells(report, "labour_status", "total") == gendered(7, women=4, men=2, other=1)
    assert cells(report, "labour_status", "inactive") == gendered(3, women=1, men=1, other=1)
    assert cells(report, "labour_status", "inactive_not_in_education") == gendered(2, women=1, men=1)
    assert cells(report, "immediate_results", "leavers") == gendered(5, women=3, other=1, men=1)
    assert cells(report, "immediate_results", "employed") == gendered(2, women=1, men=1)
    # Bashir left twice but is one person, counted once, at his final exit (in 2026H1).
    assert cells(report, "immediate_results", "job_searching") == gendered(1, other=1)
    assert cells(report, "six_month_results", "due") == gendered(3, women=2, men=1)
    assert report.timeline == [
        {"period": "2025H1", "entrants": 4, "leavers": 3},
        {"period": "2025H2", "entrants": 3, "leavers": 2},
    ]


def test_targets_compare_with_cumulative_values_whichever_report_is_asked(population):
    network_services.set_target(None, "clients_started_validation", 20)
    cumulative = services.compute_report(H2, "cumulative", as_of=AS_OF)
    period = services.compute_report(H2, "period", as_of=AS_OF)
    # Nine people entered by the end of 2025; the two with missing core data count nowhere: 35 % of 20.
    expected = {"target": 20, "value": 7, "percent": 35}
    assert cells(cumulative, "targets", "clients_started_validation") == expected
    assert cells(period, "targets", "clients_started_validation") == expected


def test_other_rule_sets_band_ages_and_education_their_own_way(population):
    older = services.compute_report(H2, "cumulative", rule_set=RuleSet.ESF_2014_2020, as_of=AS_OF)
    assert [row.key for row in older.table("age").rows] == ["under_25", "over_54", "over_54_jobless"]
    assert cells(older, "age", "under_25") == gendered(1, other=1)  # Farah 17; Bashir is 25
    assert cells(older, "age", "over_54") == gendered(2, women=2)  # Carita 60, Iida 55
    assert cells(older, "age", "over_54_jobless") == gendered(1, women=1)  # Iida, inactive not in education
    assert cells(older, "education", "isced_0") == gendered(1, women=1)
    assert cells(older, "education", "isced_1_2") == gendered(2, men=1, other=1)
    assert cells(older, "immediate_results", "job_searching") == gendered(1, other=1)  # Farah was inactive
    assert older.table("labour_status").row("inactive_not_in_education").code == "CO04"
    oldest = services.compute_report(H2, "cumulative", rule_set=RuleSet.ESF_2007_2013, as_of=AS_OF)
    assert [row.key for row in oldest.table("education").rows] == [
        "isced_0",
        "isced_1_2",
        "isced_3",
        "isced_4",
        "isced_5_6",
        "all",
    ]
    assert cells(oldest, "age", "age_55_64") == gendered(2, women=2)


def test_drill_down_lists_the_people_behind_a_cell(population):
    query = services.records_behind(H2, "period", "labour_status", "unemployed", "women", as_of=AS_OF)
    assert [p.client.first_name for p in db.session.scalars(query)] == ["Aino"]
    query = services.records_behind(H2, "cumulative", "labour_status", "inactive", "total", as_of=AS_OF)
    assert [p.client.first_name for p in db.session.scalars(query)] == ["Iida", "Bashir", "Farah"]
    assert services.records_behind(H2, "period", "labour_status", "castles", "total") is None
    assert services.records_behind(H2, "period", "labour_status", "total", "nobody") is None


# --- project figures ----------------------------------------------------------------------------------------------


def test_project_figures_count_cases_and_stages(population):
    report = services.compute_report(H2, "period", as_of=AS_OF)
    # Cases opened in H2: Aino, Bashir (re-entry), Carita, Farah; Daniel's and Eeva's too, but their core data are
    # missing, so they count nowhere, as in the ESF tables.
    assert cells(report, "project", "validation_started") == gendered(4, women=2, men=1, other=1)
    assert cells(report, "project", "stage_identification")["total"] == 4
    # Cases closed in H2: Aino's and Farah's.
    assert cells(report, "project", "stage_closed") == gendered(2, women=1, other=1)


def test_a_case_counts_in_a_stage_once_from_the_day_it_first_reached_it(population, person):
    mover = person("Mover", entries=[(date(2025, 8, 1), None, None)])

    def stages(period):
        report = services.compute_report(period, "period", as_of=AS_OF)
        return {stage: cells(report, "project", f"stage_{stage}")["total"] for stage in ("documentation", "assessment")}

    before = {period: stages(period) for period in (H2, NEXT)}
    case = mover.cases[0]
    for stage, on in (
        ("documentation", date(2025, 9, 1)),
        ("assessment", date(2025, 10, 1)),
        ("documentation", date(2026, 1, 15)),  # back, and forward again: reached in 2025H2 all the same
        ("assessment", date(2026, 2, 1)),
    ):
        case_services.move_stage(None, case, stage, on, "Next step")
        db.session.commit()
    assert stages(H2) == {stage: n + 1 for stage, n in before[H2].items()}
    assert stages(NEXT) == before[NEXT]


def test_project_clients_are_the_participants_of_the_esf_tables(population, person):
    person("Short", gender=Gender.MALE, client_type=ClientType.SHORT_TERM, entries=[(date(2025, 9, 9), None, None)])
    person(
        "Unknown",
        gender=Gender.MALE,
        client_type=ClientType.SHORT_TERM,
        isced_level=None,
        entries=[(date(2025, 9, 9), None, None)],
    )
    services.sync_participations()
    for scope in ("period", "cumulative"):
        report = services.compute_report(H2, scope, as_of=AS_OF)
        started = cells(report, "project", "clients_started")
        assert started == cells(report, "labour_status", "total")
        assert {
            column: cells(report, "project", "clients_long_term")[column]
            + cells(report, "project", "clients_short_term")[column]
            for column in started
        } == started
        excluded = cells(report, "data_quality", "excluded")
        assert {
            column: cells(report, "data_quality", "excluded_long_term")[column]
            + cells(report, "data_quality", "excluded_short_term")[column]
            for column in excluded
        } == excluded
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "project", "clients_short_term") == gendered(1, men=1)
    assert cells(report, "data_quality", "excluded_short_term") == gendered(1, men=1)  # Unknown, ISCED missing
    assert cells(report, "data_quality", "excluded_long_term") == gendered(2, men=1)  # Daniel, Eeva
    query = services.records_behind(H2, "period", "project", "clients_short_term", "total", as_of=AS_OF)
    assert [p.client.first_name for p in db.session.scalars(query)] == ["Short"]
    assert cells(report, "project", "units_recognised") == {"total": 0}  # the assessment package is not merged


# --- submission, freezing and corrections -------------------------------------------------------------------------


def test_submitting_freezes_the_tables_and_the_entry_data(population, manager):
    submitted = services.submit_report(manager, H2, as_of=AS_OF)
    db.session.commit()
    assert submitted.period_figures["labour_status"]["total"]["total"] == 3
    assert submitted.cumulative_figures["labour_status"]["total"]["total"] == 7
    aino = population["aino"]
    record = participation_of(aino)
    assert record.entry_frozen and record.entry_frozen_in == "2025H2"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "esf_report_submitted"))

    case_services.update_client(None, aino, **_client_fields(aino, isced_level=6))
    services.sync_participations()
    assert participation_of(aino).isced_level == 3  # frozen
    assert services.entry_differences(participation_of(aino)) == {"isced_level": (3, 6)}
    with pytest.raises(services.ReportError):
        services.submit_report(manager, H2, as_of=AS_OF)


def test_a_correction_report_shows_new_minus_frozen(population, manager, person):
    submitted = services.submit_report(manager, H2, as_of=AS_OF)
    aino = participation_of(population["aino"])
    services.correct_participation(manager, aino, reason="The diploma was tertiary after all.", isced_level=6)
    person("Late", entries=[(date(2025, 11, 1), None, None)])  # an entry form that arrived late
    services.sync_participations()
    db.session.commit()
    corrections = services.correction_report(submitted, as_of=AS_OF)
    deltas = {(c["table"], c["row"]): c["delta"] for c in corrections["period"]}
    assert ("education", "isced_3_4") not in deltas  # Aino out, the late woman (ISCED 3) in: no change
    assert deltas[("education", "isced_5_8")] == gendered(1, women=1)
    assert deltas[("labour_status", "total")] == gendered(1, women=1)
    services.correct_participation(manager, aino, reason="Back to the form as signed.", isced_level=3)
    corrections = services.correction_report(submitted, as_of=AS_OF)
    deltas = {(c["table"], c["row"]): c["delta"] for c in corrections["period"]}
    assert ("education", "isced_5_8") not in deltas
    assert deltas[("education", "isced_3_4")] == gendered(1, women=1)
    assert len(aino.corrections) == 2 and aino.corrections[0].changes == {"isced_level": [3, 6]}


def test_a_decrease_shows_as_a_negative_correction(population, manager):
    submitted = services.submit_report(manager, H2, as_of=AS_OF)
    services.record_results(
        manager,
        participation_of(population["aino"]),
        version=None,
        qualification_gained=False,
        responded=None,
        better_situation=None,
    )
    corrections = services.correction_report(submitted, as_of=AS_OF)
    deltas = {(c["table"], c["row"]): c["delta"] for c in corrections["period"]}
    assert deltas == {("immediate_results", "qualification"): gendered(-1, women=-1)}


def test_corrections_need_frozen_data_and_a_reason(population, manager):
    aino = participation_of(population["aino"])
    with pytest.raises(services.ReportError, match="not frozen"):
        services.correct_participation(manager, aino, reason="typo", isced_level=6)
    services.submit_report(manager, H2, as_of=AS_OF)
    with pytest.raises(services.ReportError) as error:
        services.correct_participation(manager, aino, reason="  ", isced_level=6)
    assert error.value.field == "reason"
    with pytest.raises(services.ReportError) as error:
        services.correct_participation(manager, aino, reason="wrong flag", self_employed=True)
    assert error.value.field == "self_employed"


def test_periods_are_submitted_only_once_they_have_ended(population, manager):
    with pytest.raises(services.ReportError, match="ended"):
        services.submit_report(manager, NEXT, as_of=date(2026, 6, 30))


def test_better_situation_only_for_people_employed_at_entry(population, manager):
    with pytest.raises(services.ReportError) as error:
        services.record_results(
            manager,
            participation_of(population["hilja"]),
            qualification_gained=False,
            responded=True,
            better_situation=BetterSituation.PROMOTION,
        )
    assert error.value.field == "better_situation"


def test_an_answer_recorded_by_the_manager_overrides_the_case(population, manager):
    services.record_results(
        manager, participation_of(population["iida"]), qualification_gained=False, responded=True, better_situation=None
    )
    report = services.compute_report(H2, "period", as_of=AS_OF)
    assert cells(report, "six_month_results", "responded") == gendered(2, women=1, men=1)


def _client_fields(client: Client, **changes) -> dict:
    fields = {name: getattr(client, name) for name in case_services.CLIENT_FIELDS}
    fields.update(changes)
    return {
        name: (value.value if isinstance(value, Answer | Gender | LabourStatus) else value)
        for name, value in fields.items()
    }


def test_a_report_before_any_entry_and_without_project_settings_is_empty(app, person):
    person("Early", entries=[(date(2025, 9, 1), None, None)])
    services.sync_participations()
    report = services.compute_report(H1, "cumulative", as_of=AS_OF)
    assert report.since is None and report.timeline == []
    assert cells(report, "labour_status", "total") == gendered(0)
