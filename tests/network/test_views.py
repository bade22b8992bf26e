import io
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import func, select

from isok.accounts.models import CompanySize, Organisation, OrganisationType, Role
from isok.audit import AuditEntry
from isok.extensions import db
from isok.network import services
from isok.network.models import DisseminationEvent, Narrative, Partnership

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def text(response):
    return response.get_data(as_text=True)


# --- partners --------------------------------------------------------------------------------------------------

NEW_COMPANY = {
    "organisation_id": "0",
    "name": "Savon Rakennus Oy",
    "type": "company",
    "size_class": "major",
    "business_id": "2814573-8",
    "municipality": "Kuopio",
    "first_cooperation_on": "2025-05-27",
    "role": "Placements in construction",
}


def test_a_project_manager_registers_a_new_partner_organisation(client, login, manager):
    login(manager)
    response = client.post("/network/partners/new", data=NEW_COMPANY)
    assert response.status_code == 302
    partnership = db.session.scalar(select(Partnership))
    assert partnership.organisation.name == "Savon Rakennus Oy"
    assert partnership.organisation.size_class is CompanySize.MAJOR
    assert partnership.first_cooperation_on == date(2025, 5, 27)
    listing = text(client.get("/network/partners"))
    assert "Savon Rakennus Oy" in listing and "Major companies" in listing


def test_a_registered_organisation_can_become_a_partner(client, login, manager, make_organisation):
    organisation = make_organisation(name="Kuopio Guidance Centre", type=OrganisationType.PUBLIC_BODY)
    login(manager)
    response = client.post(
        "/network/partners/new", data={"organisation_id": organisation.id, "first_cooperation_on": "2025-01-20"}
    )
    assert response.status_code == 302
    assert count(Organisation) == 1  # nothing new was registered
    assert db.session.scalar(select(Partnership.organisation_id)) == organisation.id


def test_a_future_first_cooperation_is_shown_on_the_field_and_the_input_is_kept(client, login, manager):
    login(manager)
    response = client.post("/network/partners/new", data={**NEW_COMPANY, "first_cooperation_on": TOMORROW})
    assert response.status_code == 400
    page = text(response)
    assert "This date is in the future" in page and 'id="first_cooperation_on-error"' in page
    assert 'value="Savon Rakennus Oy"' in page and 'value="2814573-8"' in page
    assert count(Partnership) == 0 and count(Organisation) == 0  # the organisation was not half-saved


def test_an_unknown_organisation_kind_is_explained_on_the_kind(client, login, manager):
    login(manager)
    response = client.post("/network/partners/new", data={**NEW_COMPANY, "type": "castle"})
    assert response.status_code == 400
    assert "Unknown organisation kind" in text(response) and 'id="type-error"' in text(response)


def test_a_stale_partner_edit_is_refused_without_losing_the_input(client, login, manager, make_partner):
    partnership = make_partner()
    login(manager)
    fields = {"first_cooperation_on": "2025-04-01", "role": "Mine", "version": partnership.version}
    services.update_partnership(
        None,
        partnership,
        version=partnership.version,
        first_cooperation_on=date(2025, 3, 2),
        role="Theirs",
        agreement_on=None,
        notes=None,
    )
    db.session.commit()
    response = client.post(f"/network/partners/{partnership.id}", data=fields)
    assert response.status_code == 400
    assert "Someone else saved this record" in text(response) and 'value="Mine"' in text(response)
    assert db.session.get(Partnership, partnership.id).role == "Theirs"


def test_a_partner_form_sent_without_its_version_is_refused_as_stale(client, login, manager, make_partner):
    """A form that does not say which version it was loaded at cannot show that nobody saved meanwhile."""
    partnership = make_partner()
    login(manager)
    response = client.post(
        f"/network/partners/{partnership.id}", data={"first_cooperation_on": "2025-04-01", "role": "Mine"}
    )
    assert response.status_code == 400
    assert "Someone else saved this record" in text(response) and 'value="Mine"' in text(response)
    assert db.session.get(Partnership, partnership.id).role != "Mine"


def test_removing_a_partner_is_audited(client, login, manager, make_partner):
    partnership = make_partner()
    login(manager)
    assert client.post(f"/network/partners/{partnership.id}/remove").status_code == 302
    assert count(Partnership) == 0
    assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "partnership_removed")) == (
        manager.id
    )


# --- events, meetings, narratives ------------------------------------------------------------------------------


def test_a_project_manager_records_a_dissemination_event(client, login, manager):
    login(manager)
    response = client.post(
        "/network/events/new",
        data={
            "title": "Launch seminar",
            "held_on": "2025-02-14",
            "place": "Kuopio",
            "audience": "Employers",
            "headcount": "85",
        },
    )
    assert response.status_code == 302
    page = text(client.get("/network/events"))
    assert "Launch seminar" in page and "85 attendees" in page


def test_a_negative_headcount_is_refused_with_the_input_kept(client, login, manager):
    login(manager)
    response = client.post(
        "/network/events/new", data={"title": "Launch seminar", "held_on": "2025-02-14", "headcount": "-3"}
    )
    assert response.status_code == 400
    assert "The headcount cannot be negative." in text(response) and 'value="Launch seminar"' in text(response)
    assert count(DisseminationEvent) == 0


def test_a_steering_meeting_lists_its_attendees_and_decisions(client, login, manager):
    login(manager)
    response = client.post(
        "/network/meetings/new",
        data={"held_on": "2025-02-05", "attendees": "Pekka, Savonia\nLeena, KGC", "decisions": "Plan approved."},
    )
    assert response.status_code == 302
    page = text(client.get("/network/meetings"))
    assert "<li>Leena, KGC</li>" in page and "Plan approved." in page


def test_narratives_are_listed_per_period_and_written_once(client, login, manager, project):
    login(manager)
    listing = text(client.get("/network/narratives"))
    assert "2025H1" in listing and "2026H2" in listing and "2027H1" not in listing  # up to the current period
    sections = {"progress": "On schedule.", "equality": "Interpreters in every meeting."}
    assert client.post("/network/narratives/new", data={"period": "2025H1", **sections}).status_code == 302
    again = client.post("/network/narratives/new", data={"period": "2025H1", **sections})
    assert again.status_code == 400 and "already has a narrative" in text(again)
    narrative = db.session.scalar(select(Narrative))
    edit = client.post(
        f"/network/narratives/{narrative.id}", data={"progress": "Ahead of schedule.", "version": narrative.version}
    )
    assert edit.status_code == 302
    assert db.session.get(Narrative, narrative.id).progress == "Ahead of schedule."
    assert client.post(f"/network/narratives/{narrative.id}/remove").status_code == 302
    assert count(Narrative) == 0


# --- settings, overview, dashboard -----------------------------------------------------------------------------


def test_settings_are_saved_and_bad_dates_are_refused(client, login, manager):
    login(manager)
    fields = {
        "name": "ISOK",
        "code": "S30947",
        "starts_on": "2025-01-01",
        "ends_on": "2027-12-31",
        "rule_set": "esf_2007_2013",
        "suppression_threshold": "5",
    }
    refused = client.post("/network/settings", data={**fields, "ends_on": "2024-12-31"})
    assert refused.status_code == 400 and "The end date is before the start date." in text(refused)
    assert client.post("/network/settings", data=fields).status_code == 302
    page = text(client.get("/network/settings"))
    assert '<option selected value="esf_2007_2013">' in page


def test_targets_are_set_from_the_settings_page(client, login, manager):
    login(manager)
    assert (
        client.post(
            "/network/settings/targets", data={"indicator": "training_participants", "target_value": "70"}
        ).status_code
        == 302
    )
    refused = client.post(
        "/network/settings/targets", data={"indicator": "training_participants", "target_value": "-1"}
    )
    assert refused.status_code == 400 and "A target cannot be negative." in text(refused)
    assert "Counsellor and teacher training participants" in text(client.get("/network/settings"))


def test_the_overview_counts_partners_against_targets(client, login, manager, make_partner, project):
    for _ in range(3):
        make_partner()
    make_partner(type=OrganisationType.PUBLIC_BODY, size_class=None)
    services.set_target(None, "partners_major_companies", 10)
    services.set_target(None, "partners_other_organisations", 4)
    services.create_event(None, title="Seminar", held_on=date(2025, 2, 14), headcount=85)
    db.session.commit()
    login(manager)
    page = text(client.get("/network/"))
    assert "Partner companies: major" in page and "30 %" in page and "25 %" in page
    assert "1 events, 85 attendees" in page


def test_the_overview_totals_all_time_and_its_targets_count_from_the_project_start(
    client, login, manager, make_partner, project
):
    make_partner(first_cooperation_on=date(2024, 6, 1))  # before the project started
    make_partner()
    services.set_target(None, "partners_major_companies", 10)
    services.set_target(None, "dissemination_events", 4)
    services.create_event(None, title="Pilot fair", held_on=date(2024, 11, 5), headcount=40)
    services.create_event(None, title="Seminar", held_on=date(2025, 2, 14), headcount=85)
    db.session.commit()
    login(manager)
    page = text(client.get("/network/"))
    assert "2 events, 125 attendees" in page
    assert "10 %" in page and "25 %" in page  # one partner of 10 and one event of 4 since the start


def test_project_managers_see_target_progress_on_the_start_page_and_counsellors_do_not(
    client, login, manager, make_user, project
):
    services.set_target(None, "training_participants", 70)
    db.session.commit()
    login(manager)
    page = text(client.get("/"))
    assert "Project targets" in page and "0 / 70" in page and 'href="/network/"' in page
    client.post("/logout")
    login(make_user(Role.COUNSELLOR))
    page = text(client.get("/"))
    assert "Project targets" not in page and 'href="/network/"' not in page


# --- imports ---------------------------------------------------------------------------------------------------


def upload(client, kind, content: bytes, filename="data.csv", apply=False):
    data = {"file": (io.BytesIO(content), filename), ("apply" if apply else "preview"): "1"}
    return client.post(f"/network/import/{kind}", data=data, content_type="multipart/form-data")


PARTNER_CSV = (
    b"name;type;size;business_id;municipality;first_cooperation;role\n"
    b"Savon Rakennus Oy;company;major;2814573-8;Kuopio;27.5.2025;Placements\n"
    b"Pohjois-Savon TE-palvelut;public_body;;;Kuopio;2025-09-03;Referrals\n"
)


def test_a_partner_import_preview_shows_the_rows_and_saves_nothing(client, login, manager):
    login(manager)
    response = upload(client, "partners", PARTNER_CSV)
    assert response.status_code == 200
    assert "2 rows are ready to import" in text(response) and "Savon Rakennus Oy" in text(response)
    assert count(Partnership) == 0 and count(Organisation) == 0


def test_a_partner_import_saves_every_row_and_reuses_known_organisations(client, login, manager, make_organisation):
    make_organisation(name="Pohjois-Savon TE-palvelut", type=OrganisationType.PUBLIC_BODY)
    login(manager)
    response = upload(client, "partners", PARTNER_CSV, apply=True)
    assert response.status_code == 302
    assert count(Partnership) == 2 and count(Organisation) == 2
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "partnership_created")) == 2


def test_one_bad_row_saves_nothing_and_every_problem_is_reported_by_line(client, login, manager):
    login(manager)
    csv = (
        PARTNER_CSV
        + (
            f"Castle Ltd;castle;;;;2025-01-01;\n"
            f"Future Oy;company;sme;;;{TOMORROW};\n"
            "Sizeless Oy;company;;;;2025-01-01;\n"
        ).encode()
    )
    response = upload(client, "partners", csv, apply=True)
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved: 3 problems" in page
    assert "<td>4</td><td>type</td>" in page and "Unknown value" in page
    assert "<td>5</td><td>first_cooperation</td>" in page and "This date is in the future" in page
    assert "<td>6</td><td>size</td>" in page
    assert count(Partnership) == 0 and count(Organisation) == 0


def test_a_broken_file_is_refused_on_the_file_field(client, login, manager):
    login(manager)
    response = upload(client, "events", b"PK\x03\x04 not really a workbook", filename="events.xlsx", apply=True)
    assert response.status_code == 400 and "not a readable XLSX workbook" in text(response)
    response = upload(client, "events", b"\xff\xfe\x00broken", filename="events.csv", apply=True)
    assert response.status_code == 400 and "Save the CSV file as UTF-8 text." in text(response)


def test_unknown_and_missing_columns_are_named(client, login, manager):
    login(manager)
    response = upload(client, "events", b"otsikko,date,headcount\nSeminar,2025-02-14,80\n", apply=True)
    page = text(response)
    assert response.status_code == 400 and "otsikko" in page and "This required column is missing." in page


def test_events_import_from_xlsx_with_a_negative_headcount_saves_nothing(client, login, manager):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "date", "place", "headcount"])
    sheet.append(["Launch seminar", date(2025, 2, 14), "Kuopio", 85])
    sheet.append(["Employer breakfast", date(2025, 5, 20), "Kuopio", -40])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(manager)
    response = upload(client, "events", buffer.getvalue(), filename="events.xlsx", apply=True)
    assert response.status_code == 400 and "<td>3</td><td>headcount</td>" in text(response)
    assert count(DisseminationEvent) == 0
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(client, "events", buffer.getvalue(), filename="events.xlsx", apply=True).status_code == 302
    assert db.session.scalar(select(DisseminationEvent.headcount)) == 85
