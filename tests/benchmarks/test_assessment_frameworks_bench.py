"""Frameworks and interviews: import, the version page, a booking's overlap check and a calendar feed."""

from datetime import date, timedelta

import pytest

from assessment.frameworks import services as framework_services
from assessment.interviews import services as interview_services
from cases.models import Case, ClientType, Stage
from isok.accounts.models import Organisation, OrganisationType, Role
from isok.accounts.services import create_user
from isok.database import utcnow
from isok.extensions import db
from tests import factories
from tests.assessment.conftest import sample_text
from tests.benchmarks.conftest import report, report_value, time_it

pytestmark = pytest.mark.benchmark
INTERVIEWS = 300


@pytest.fixture(scope="module")
def data(bench_app, floors):
    with bench_app.app_context():
        framework_services.load_scales(None)
        version = framework_services.load_sample_frameworks(None)[0]
        org = Organisation(name="Bench Org", type=OrganisationType.PUBLIC_BODY)
        teacher = create_user(None, email="bench-teacher@example.org", name="Bench Teacher", roles={Role.TEACHER})
        db.session.add(org)
        db.session.flush()
        start = utcnow().replace(microsecond=0) + timedelta(days=1)
        case = None
        for n in range(INTERVIEWS):
            client = factories.new_client(org, first_name="Bench", last_name=str(n))
            case = factories.new_case(
                org, client=client, client_type=ClientType.SHORT_TERM, stage=Stage.ASSESSMENT, entry_date=date.today()
            )
            interview_services.schedule_interview(
                None, case, teacher=teacher, starts_at=start + timedelta(hours=n), duration_minutes=60, place="Room"
            )
        token = interview_services.issue_calendar_token(teacher)
        db.session.commit()
        return {
            "version_id": version.id,
            "teacher_id": teacher.id,
            "case_id": case.id,
            "token": token,
            "free_at": start + timedelta(hours=INTERVIEWS + 1),
        }


def test_import_of_a_sample_framework(bench_app, floors, data):
    text = sample_text()

    def run():
        with bench_app.app_context():
            framework_services.import_framework(None, text)
            db.session.rollback()

    report("import catering framework (service)", time_it(run, repeat=20), "one query + template", floors["query_ms"])


def test_version_page_against_the_floor(floors, data):
    client = floors["client"]
    ms = time_it(lambda: client.get(f"/frameworks/versions/{data['version_id']}"), repeat=50)
    report("framework version page (10 outcomes)", ms, "one query + template", floors["query_ms"])


def test_booking_overlap_check_with_a_busy_teacher(bench_app, floors, data):
    def run():
        with bench_app.app_context(), bench_app.test_request_context():
            case = db.session.get(Case, data["case_id"])
            teacher = db.session.get(interview_services.User, data["teacher_id"])
            interview_services.schedule_interview(
                None, case, teacher=teacher, starts_at=data["free_at"], duration_minutes=60, place="Room"
            )
            db.session.rollback()

    report(
        f"schedule interview ({INTERVIEWS} booked)", time_it(run, repeat=30), "one query + template", floors["query_ms"]
    )


def test_calendar_feed(floors, data):
    anonymous = floors["client"].application.test_client()
    response = anonymous.get(f"/calendar/{data['token']}.ics")
    assert response.status_code == 200
    ms = time_it(lambda: anonymous.get(f"/calendar/{data['token']}.ics"), repeat=20)
    report(f"calendar feed ({INTERVIEWS} interviews)", ms, "one query + template", floors["query_ms"])
    report_value("calendar feed size", len(response.data) / 1024, "KiB")
