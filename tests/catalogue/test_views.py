"""The catalogue's pages for the organisations that keep courses, and the network's rules."""

from datetime import date, timedelta

from sqlalchemy import func, select

from isok.accounts.models import Role
from isok.catalogue import services
from isok.catalogue.models import Course, Enrolment, EnrolmentStatus, NetworkRules
from isok.extensions import db
from tests.catalogue.conftest import TODAY

START = TODAY + timedelta(days=30)


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def course_form(organisation, **overrides) -> dict:
    """The form as a browser sends it: every input, empty ones included."""
    data = {
        f"sessions-{n}-{name}": ""
        for n in range(4)
        for name in ("starts_on", "ends_on", "start_time", "end_time", "place")
    }
    data.update(
        {
            "organisation_id": organisation.id,
            "text_language": "fi",
            "title_fi": "Hygieniaosaaminen",
            "title_sv": "Hygienkompetens",
            "title_en": "Food hygiene",
            "description_fi": "Kurssi",
            "field": "10",
            "level": "4",
            "credits": "2",
            "languages": ["fi", "sv"],
            "mode": "place",
            "place": "Kuopio",
            "sessions-0-starts_on": START.isoformat(),
            "sessions-0-start_time": "09:00",
            "sessions-0-end_time": "15:00",
            "sessions-1-starts_on": (START + timedelta(days=1)).isoformat(),
            "seats": "12",
            "enrolment_opens_on": TODAY.isoformat(),
            "enrolment_closes_on": (START - timedelta(days=2)).isoformat(),
            "open_to": "everyone",
            "pricing_rule": "per_participant",
            "member_fee": "60",
            "outside_fee": "120.50",
            "contact_name": "Kurssisihteeri",
            "contact_email": "courses@savonia.example",
            "publish": "y",
        }
    )
    data.update(overrides)
    return data


def test_a_teacher_publishes_a_course_of_their_organisation(client, login, publisher, provider):
    login(publisher)
    page = text(client.get("/courses/manage/new"))
    assert "Offered by" in page and provider.name in page and "training programme" not in page.lower()
    response = client.post("/courses/manage/new", data=course_form(provider))
    assert response.status_code == 302, text(response)[:3000]
    course = db.session.scalar(select(Course))
    assert course.title == {"fi": "Hygieniaosaaminen", "sv": "Hygienkompetens", "en": "Food hygiene"}
    assert (course.languages, course.outside_fee_cents, course.status.value) == (["fi", "sv"], 12050, "published")
    assert [(s.starts_on, s.start_time is not None) for s in course.sessions] == [
        (START, True),
        (START + timedelta(days=1), False),
    ]
    page = text(client.get(response.headers["Location"]))
    assert "Food hygiene" in page or "Hygieniaosaaminen" in page


def test_bad_input_comes_back_with_its_message_and_everything_typed(client, login, publisher, provider):
    login(publisher)
    response = client.post(
        "/courses/manage/new", data=course_form(provider, **{"sessions-0-end_time": "", "seats": "0"})
    )
    assert response.status_code == 400
    page = text(response)
    assert "A course has at least one seat." in page and 'value="Hygienkompetens"' in page
    response = client.post("/courses/manage/new", data=course_form(provider, **{"sessions-0-end_time": ""}))
    assert response.status_code == 400 and "give both times" in text(response)
    assert count(Course) == 0


def test_another_organisations_course_is_not_found(client, login, make_course, make_user, make_organisation):
    course = make_course()
    login(make_user(Role.TEACHER, organisation=make_organisation()))
    assert client.get(f"/courses/manage/{course.id}").status_code == 404
    assert client.get(f"/courses/manage/{course.id}/edit").status_code == 404


def test_editing_keeps_accepted_terms_and_flags_changed_dates(client, login, make_course, publisher, counsellor):
    course = make_course()
    services.enrol(
        counsellor,
        course,
        services.Person(name=counsellor.name, user=counsellor),
        services.Payer(contact="L", email="l@example.org", business_id="2345670-5"),
        accept_terms=True,
    )
    db.session.commit()
    login(publisher)
    form = text(client.get(f"/courses/manage/{course.id}/edit"))
    assert 'value="Hygienkompetens"' in form and "1 people hold a seat" in form
    moved = (START + timedelta(days=7)).isoformat()
    data = course_form(
        course.organisation,
        version=str(course.version),
        member_fee="99",
        **{"sessions-0-starts_on": moved, "sessions-1-starts_on": "", "seats": "2", "enrolment_closes_on": moved},
    )
    del data["publish"]
    response = client.post(f"/courses/manage/{course.id}/edit", data=data)
    assert response.status_code == 302, text(response)[:3000]
    page = text(client.get(f"/courses/manage/{course.id}"))
    assert "dates changed" in page and "€60.00" in page  # the price accepted, not the new 99


def test_the_provider_records_a_participant_and_their_completion(client, login, make_course, publisher, provider):
    course = make_course(
        starts_in=-3, enrolment_opens_on=TODAY - timedelta(days=30), enrolment_closes_on=TODAY - timedelta(days=5)
    )
    login(publisher)
    response = client.post(
        f"/courses/manage/{course.id}/participants/new", data={"name": "Anna Korhonen", "organisation_id": provider.id}
    )
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    response = client.post(
        f"/courses/manage/enrolments/{enrolment.id}/completion",
        data={"completion": "completed", "grade": "5"},
        follow_redirects=True,
    )
    assert "Completion recorded: Anna Korhonen." in text(response)
    db.session.refresh(enrolment)
    assert (enrolment.grade, enrolment.completed_on) == (5, course.ends_on)
    response = client.post(
        f"/courses/manage/enrolments/{enrolment.id}/completion",
        data={"completion": "completed", "completed_on": "2001-01-01"},
        follow_redirects=True,
    )
    assert "The completion date is before the course started." in text(response)


def test_the_provider_cancels_the_course_with_a_reason(client, login, make_course, publisher, counsellor):
    course = make_course()
    services.enrol(
        counsellor,
        course,
        services.Person(name=counsellor.name, user=counsellor),
        services.Payer(contact="L", email="l@example.org", business_id="2345670-5"),
        accept_terms=True,
    )
    db.session.commit()
    login(publisher)
    assert client.post(f"/courses/manage/{course.id}/cancel", data={"reason": ""}).status_code == 400
    response = client.post(f"/courses/manage/{course.id}/cancel", data={"reason": "Teacher ill"}, follow_redirects=True)
    assert "1 enrolments were cancelled free of charge" in text(response)
    assert db.session.scalar(select(Enrolment.status)) is EnrolmentStatus.CANCELLED


def test_participants_import_finds_the_course_and_the_organisation(
    client, login, manager, make_training, make_organisation
):
    make_training(title="Validation basics", starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 12))
    make_organisation(name="Savonia", business_id="0172195-0")
    login(manager)
    csv = (
        b"training,name,organisation,role,gender,completed_on\n"
        b"validation basics,Anna Korhonen,0172195-0,counsellor,female,12.3.2025\n"
        b"Validation basics,Mikko Virtanen,Savonia,teacher,male,\n"
        b"Unknown training,Juha Nieminen,Savonia,teacher,male,\n"
        b"Validation basics,Sanna,Nowhere Oy,teacher,female,\n"
    )

    def upload(data):
        import io

        return client.post(
            "/courses/manage/import",
            data={"file": (io.BytesIO(data), "participants.csv"), "apply": "Import"},
            content_type="multipart/form-data",
        )

    response = upload(csv)
    page = text(response)
    assert "<td>4</td><td>training</td>" in page and "<td>5</td><td>organisation</td>" in page
    assert count(Enrolment) == 0
    assert upload(b"\n".join(csv.splitlines()[:3]) + b"\n").status_code == 302
    assert count(Enrolment) == 2


def test_the_programme_page_counts_each_person_once(client, login, manager, make_training, make_participant):
    training = make_training(title="Spring")
    make_participant(training, name="Anna Korhonen", completed_on=date(2025, 4, 2))
    login(manager)
    page = text(client.get("/courses/programme"))
    assert "1 people trained (1 women, 0 men), 1 completed, from 1 organisations." in page and "Spring" in page
    overview = text(client.get("/network/"))
    assert "Counsellor and teacher training" in overview and "1 people trained" in overview


def test_the_rules_are_public_and_kept_by_the_projects_managers(client, login, manager):
    assert "has not written down its rules" in text(client.get("/courses/rules"))
    login(manager)
    response = client.post(
        "/courses/rules/edit",
        data={
            "free_cancellation_days": "0",
            "late_cancellation_percent": "50",
            "pricing_fi": "Hinnat",
            "pricing_en": "Prices",
            "cancellation_en": "Cancel early",
            "responsibilities_sv": "Ansvar",
        },
    )
    assert response.status_code == 302
    rules = db.session.scalar(select(NetworkRules))
    assert (rules.free_cancellation_days, rules.pricing) == (0, {"fi": "Hinnat", "en": "Prices"})
    refused = client.post(
        "/courses/rules/edit",
        data={
            "free_cancellation_days": "5",
            "late_cancellation_percent": "50",
            "pricing_en": "P",
            "responsibilities_en": "R",
        },
    )
    assert refused.status_code == 400 and "Write this in at least one language." in text(refused)
    client.post("/logout")
    assert "Cancel early" in text(client.get("/courses/rules", headers={"Accept-Language": "en"}))
