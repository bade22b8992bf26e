"""The case pages and the case list's export show each role its field set (cases.access) and no more."""

from datetime import date, timedelta

from sqlalchemy import select

from assessment.interviews import services as interview_services
from cases import services
from cases.models import GuidanceKind
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.database import utcnow
from isok.extensions import db
from tests.conftest import log_in


def _teacher_case(make_case, make_client, make_user, counsellor):
    client = make_client(
        organisation=counsellor.organisation,
        phone="+358 40 555 0101",
        email="hodan@example.org",
        disability="yes",
        municipality="Siilinjärvi",
    )
    case = make_case(client=client, notes="Prefers mornings")
    services.add_guidance_entry(counsellor, case, on=date.today(), kind=GuidanceKind.PHONE, note="Private worry")
    services.add_guidance_entry(
        counsellor, case, on=date.today(), kind=GuidanceKind.PHONE, note="Bring the diploma", shareable=True
    )
    teacher = make_user(Role.TEACHER, organisation=counsellor.organisation)
    interview_services.schedule_interview(
        counsellor, case, teacher=teacher, starts_at=utcnow() + timedelta(days=3), duration_minutes=60, place="Room 5"
    )
    db.session.commit()
    return case, teacher


def test_teacher_sees_name_languages_and_phone_but_no_esf_answers_or_private_notes(
    client, make_case, make_client, make_user, counsellor
):
    case, teacher = _teacher_case(make_case, make_client, make_user, counsellor)
    log_in(client, teacher)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.client.full_name in page and "+358 40 555 0101" in page and "Bring the diploma" in page
    for hidden in ("hodan@example.org", "Siilinjärvi", "Private worry", "Prefers mornings", "Disability"):
        assert hidden not in page, hidden
    record = client.get(f"/clients/{case.client_id}").get_data(as_text=True)
    assert "+358 40 555 0101" in record
    assert "Disability" not in record and "hodan@example.org" not in record and "Record consent" not in record


def test_the_case_export_writes_the_exporters_field_set_and_the_trail_names_it(
    client, make_case, make_client, make_user, counsellor
):
    case, teacher = _teacher_case(make_case, make_client, make_user, counsellor)
    log_in(client, teacher)
    with client.get("/cases/export.csv") as response:
        header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert "Client" in header and "Target" in header
    assert "Birth year" not in header and "Gender" not in header and "Exit date" not in header
    trail = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "export", AuditEntry.actor_id == teacher.id)
    )
    assert "client.last_name" in trail.changes["field_set"] and "client.gender" not in trail.changes["field_set"]


def test_project_manager_sees_esf_answers_but_no_contact_data_or_notes(
    client, make_case, make_client, make_user, counsellor
):
    case, _teacher = _teacher_case(make_case, make_client, make_user, counsellor)
    log_in(client, make_user(Role.PROJECT_MANAGER, organisation=counsellor.organisation))
    record = client.get(f"/clients/{case.client_id}").get_data(as_text=True)
    assert "Disability" in record and "+358 40 555 0101" not in record and "hodan@example.org" not in record
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Private worry" not in page and "Bring the diploma" not in page and "Prefers mornings" not in page
