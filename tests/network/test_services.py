from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from isok import demo
from isok.accounts.models import CompanySize, Organisation, OrganisationType
from isok.accounts.services import valid_business_id
from isok.audit import AuditEntry
from isok.extensions import db
from isok.network import demo_data, queries, services
from isok.network.models import (
    HalfYear,
    PartnerKind,
    Partnership,
    ProjectSettings,
    RuleSet,
)
from isok.network.services import NetworkError
from tests import factories

TOMORROW = date.today() + timedelta(days=1)


def actions():
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def refused(field):
    """Assert a NetworkError naming `field`."""
    return pytest.raises(NetworkError, check=lambda error: error.field == field)


# --- partners --------------------------------------------------------------------------------------------------


def test_registering_a_new_partner_creates_the_organisation_and_the_partnership_and_audits_both(app, manager):
    organisation = services.register_organisation(
        manager,
        name="Savon Rakennus Oy",
        type="company",
        size_class="major",
        business_id="2814573-8",
        municipality="Kuopio",
    )
    services.add_partner(manager, organisation, first_cooperation_on=date(2025, 5, 27), role="Placements")
    db.session.commit()
    partnership = db.session.scalar(select(Partnership))
    assert partnership.organisation.size_class is CompanySize.MAJOR
    assert actions()[-2:] == ["organisation_created", "partnership_created"]


def test_first_cooperation_in_the_future_is_refused(app, make_organisation):
    with refused("first_cooperation_on"):
        services.add_partner(None, make_organisation(), first_cooperation_on=TOMORROW)


def test_an_organisation_is_a_partner_only_once(app, make_partner):
    partnership = make_partner()
    with refused("organisation_id"):
        services.add_partner(None, partnership.organisation, first_cooperation_on=date(2025, 6, 1))


def test_unknown_organisation_kind_is_refused_on_the_kind(app):
    with refused("type") as error:
        services.register_organisation(None, name="Castle Ltd", type="castle")
    assert "company" in str(error.value)


def test_a_company_needs_its_size(app):
    with refused("size_class"):
        services.register_organisation(None, name="Sizeless Oy", type="company")


def test_an_invalid_business_id_is_refused_on_its_field(app):
    with refused("business_id"):
        services.register_organisation(None, name="Typo Oy", type="company", size_class="sme", business_id="1234567-8")


def test_a_stale_edit_of_a_partnership_is_refused(app, make_partner):
    partnership = make_partner()
    loaded_at = partnership.version
    services.update_partnership(
        None,
        partnership,
        version=loaded_at,
        first_cooperation_on=date(2025, 4, 1),
        role="Placements",
        agreement_on=None,
        notes=None,
    )
    db.session.commit()
    with refused(None):
        services.update_partnership(
            None,
            partnership,
            version=loaded_at,
            first_cooperation_on=date(2025, 4, 2),
            role="Other",
            agreement_on=None,
            notes=None,
        )


def test_removing_a_partnership_keeps_the_organisation(app, make_partner):
    partnership = make_partner()
    organisation_id = partnership.organisation_id
    services.remove_partnership(None, partnership)
    db.session.commit()
    assert db.session.get(Organisation, organisation_id) is not None
    assert actions()[-1] == "partnership_removed"


def test_partners_count_once_in_the_period_of_their_first_cooperation(app, make_partner, make_organisation):
    make_partner(first_cooperation_on=date(2025, 3, 1))
    make_partner(first_cooperation_on=date(2025, 9, 1), size_class=CompanySize.SME)
    make_partner(first_cooperation_on=date(2025, 10, 1), type=OrganisationType.PUBLIC_BODY, size_class=None)
    make_partner(first_cooperation_on=date(2026, 2, 1), type=OrganisationType.OTHER, size_class=None)
    second_half = HalfYear(2025, 2)
    counts = queries.partners_by_kind(second_half.starts_on, second_half.ends_on)
    assert counts[PartnerKind.MAJOR_COMPANY] == 0
    assert counts[PartnerKind.SME] == 1 and counts[PartnerKind.PUBLIC_BODY] == 1
    cumulative = queries.partners_by_kind(until=date(2026, 6, 30))
    assert queries.companies(cumulative) == 2 and queries.other_organisations(cumulative) == 2


# --- dissemination, steering, narratives -----------------------------------------------------------------------


def test_a_negative_headcount_is_refused(app):
    with refused("headcount"):
        services.create_event(None, title="Seminar", held_on=date(2025, 2, 14), headcount=-1)


def test_a_future_event_may_be_planned_but_not_given_a_headcount(app):
    services.create_event(None, title="Planned", held_on=TOMORROW, headcount=0)
    with refused("held_on"):
        services.create_event(None, title="Counted", held_on=TOMORROW, headcount=10)


def test_dissemination_totals_count_events_and_heads_in_the_period(app):
    services.create_event(None, title="A", held_on=date(2025, 2, 14), headcount=85)
    services.create_event(None, title="B", held_on=date(2025, 5, 20), headcount=40)
    services.create_event(None, title="C", held_on=date(2025, 10, 8), headcount=55)
    assert queries.dissemination_totals(date(2025, 1, 1), date(2025, 6, 30)) == (2, 125)
    assert queries.dissemination_totals() == (3, 180)


def test_a_meeting_needs_attendees_and_a_date_that_has_passed(app):
    with refused("attendees"):
        services.create_meeting(None, held_on=date(2025, 2, 5), attendees="  ")
    with refused("held_on"):
        services.create_meeting(None, held_on=TOMORROW, attendees="Pekka")
    meeting = services.create_meeting(None, held_on=date(2025, 2, 5), attendees="Pekka, Savonia\n\nLeena, KGC\n")
    assert meeting.attendee_list == ["Pekka, Savonia", "Leena, KGC"]


def test_each_period_has_one_narrative_within_the_project(app, project):
    services.create_narrative(None, HalfYear(2025, 1), progress="Started.")
    with refused("period"):
        services.create_narrative(None, HalfYear(2025, 1), progress="Again.")
    with refused("period"):
        services.create_narrative(None, HalfYear(2024, 2), progress="Before the project.")


def test_a_stale_narrative_edit_is_refused_and_a_current_one_is_audited(app, manager, project):
    narrative = services.create_narrative(manager, HalfYear(2025, 2), progress="Draft.")
    db.session.commit()
    loaded_at = narrative.version
    services.update_narrative(manager, narrative, version=loaded_at, progress="Final.", equality="Interpreters.")
    db.session.commit()
    with refused(None):
        services.update_narrative(manager, narrative, version=loaded_at, progress="Overwrite.")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "narrative_updated"))
    assert entry.changes["progress"] == ["Draft.", "Final."]


def test_half_years_parse_and_bound_their_dates():
    period = HalfYear.parse("2025h2")
    assert (period.starts_on, period.ends_on, period.next().code) == (date(2025, 7, 1), date(2025, 12, 31), "2026H1")
    assert HalfYear.containing(date(2026, 6, 30)) == HalfYear(2026, 1)
    with pytest.raises(ValueError):
        HalfYear.parse("2025H3")


# --- settings and targets --------------------------------------------------------------------------------------


def test_settings_are_one_row_created_then_updated_and_audited(app, manager, project):
    services.save_settings(
        manager,
        name="ISOK",
        code="S30947",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        rule_set="esf_2014_2020",
        suppression_threshold=3,
        version=project.version,
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ProjectSettings)) == 1
    settings = queries.project_settings()
    assert (settings.rule_set, settings.suppression_threshold) == (RuleSet.ESF_2014_2020, 3)
    assert actions()[-2:] == ["project_settings_created", "project_settings_updated"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": date(2024, 12, 31)}, "ends_on"),
        ({"suppression_threshold": 0}, "suppression_threshold"),
        ({"rule_set": "esf_1994_1999"}, "rule_set"),
        ({"name": " "}, "name"),
    ],
)
def test_settings_refuse_bad_values(app, change, field):
    values = {
        "name": "ISOK",
        "code": None,
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
        "rule_set": "esf_plus_2021_2027",
        "suppression_threshold": 5,
        **change,
    }
    with refused(field):
        services.save_settings(None, **values)


def test_a_target_is_set_once_per_indicator_and_can_be_changed(app):
    services.set_target(None, "training_participants", 70)
    services.set_target(None, "training_participants", 75)
    assert queries.targets() == {"training_participants": 75}
    with refused("indicator"):
        services.set_target(None, "happiness", 10)
    with refused("target_value"):
        services.set_target(None, "training_participants", -1)


def test_target_progress_compares_targets_with_realised_values(app, project, make_partner, make_organisation):
    services.set_target(None, "partners_major_companies", 10)
    services.set_target(None, "clients_started_validation", 300)
    for _ in range(3):
        make_partner()
    organisation = make_organisation()
    client = factories.new_client(organisation, first_name="Amina", last_name="Hassan")
    factories.new_case(organisation, client=client, entry_date=date(2025, 3, 1))
    db.session.commit()
    progress = {p.indicator: p for p in queries.target_progress()}
    assert (progress["partners_major_companies"].actual, progress["partners_major_companies"].percent) == (3, 30)
    assert progress["clients_started_validation"].actual == 1
    assert list(progress) == ["clients_started_validation", "partners_major_companies"]


# --- demo data -------------------------------------------------------------------------------------------------


def test_demo_business_ids_pass_the_check_digit_rule():
    ids = [demo_data.business_id(digits) for *_rest, digits, _m in demo_data.NEW_ORGANISATIONS if digits]
    assert ids and all(valid_business_id(value) for value in ids)
    with pytest.raises(ValueError):
        demo_data.business_id("1000008")  # remainder 1: no valid check digit exists


def test_demo_data_loads_once_with_the_project_and_its_network(app):
    demo.load()
    demo.load()
    db.session.commit()
    settings = queries.project_settings()
    assert (settings.starts_on, settings.ends_on, settings.rule_set) == (
        date(2025, 1, 1),
        date(2027, 12, 31),
        RuleSet.ESF_PLUS_2021_2027,
    )
    partners = db.session.scalars(select(Partnership)).all()
    assert len(partners) >= 14
    assert min(p.first_cooperation_on for p in partners) >= date(2025, 1, 1)
    assert max(p.first_cooperation_on for p in partners) <= date(2026, 11, 30)
    trained = queries.indicator_values()
    assert trained["training_participants"] > 0 and trained["training_organisations"] >= 3  # the catalogue's
    assert queries.dissemination_totals()[0] >= 6
    assert queries.targets()["clients_started_validation"] == 300
    for period in (HalfYear(2025, 1), HalfYear(2025, 2), HalfYear(2026, 1)):
        assert queries.narrative(period.year, period.half) is not None
