import re
from datetime import timedelta

from sqlalchemy import select

from assessment.assessments.models import Assessment, AssessmentStatus, AssessorRole, ConflictStatus, EvidenceLink
from assessment.placements import services as placement_services
from isok.database import utcnow
from isok.extensions import db
from isok.hooks import case_panels
from portfolio.models import PortfolioEntry, Section
from tests.assessment.conftest import build_case, build_framework, outcome_ids, submit_ratings, unit_ids
from tests.conftest import log_in


def _rating_form(assessment, level="2", justification="Seen doing it", action="save", version=None, **extra):
    assessor = next(a for a in assessment.active_assessors() if a.role is AssessorRole.WORKPLACE_TUTOR)
    data = {"version": version if version is not None else assessor.version, "action": action, **extra}
    for oid in outcome_ids(assessment):
        data[f"level-{oid}"] = level
        data[f"justification-{oid}"] = justification
        data[f"sources-{oid}"] = "observation"
    return data


def _decision_form(assessment, version, level="2", rationale="Agreed together"):
    data = {"version": version}
    for oid in outcome_ids(assessment):
        data.update({f"level-{oid}": level, f"result-{oid}": "recognised", f"rationale-{oid}": rationale})
    for uid in unit_ids(assessment):
        data.update({f"unit-level-{uid}": level, f"unit-rationale-{uid}": rationale})
    return data


# --- the tutor's sheet -----------------------------------------------------------------------------------------


def test_tutor_rates_on_the_phone_screen_and_a_wrong_level_keeps_the_input(client, setup):
    log_in(client, setup.tutor)
    page = client.get(f"/assessments/{setup.assessment.id}/rate").get_data(as_text=True)
    assert 'name="viewport"' in page and "Outcome 1.1" in page and "Works on their own" in page
    response = client.post(
        f"/assessments/{setup.assessment.id}/rate",
        data=_rating_form(setup.assessment, level="9", justification="Plates neatly"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Level 9 is not on this qualification&#39;s scale" in page and "Plates neatly" in page

    response = client.post(
        f"/assessments/{setup.assessment.id}/rate", data=_rating_form(setup.assessment, action="submit", conflict="no")
    )
    assert response.status_code == 302
    sheet = db.session.get(Assessment, setup.assessment.id).assessor_in(AssessorRole.WORKPLACE_TUTOR)
    assert sheet.submitted_at is not None and sheet.conflict is ConflictStatus.NO_CONFLICT


def test_tutor_rating_before_the_placement_starts_is_refused_with_the_input_kept(client, setup):
    setup.placement.start_date = utcnow().date() + timedelta(days=2)
    setup.placement.end_date = utcnow().date() + timedelta(days=13)
    db.session.commit()
    log_in(client, setup.tutor)
    response = client.post(
        f"/assessments/{setup.assessment.id}/rate", data=_rating_form(setup.assessment, justification="Plates neatly")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "ratings can be recorded from that day on" in page and "Plates neatly" in page
    assert db.session.get(Assessment, setup.assessment.id).assessor_in(AssessorRole.WORKPLACE_TUTOR).ratings == []


def test_others_levels_are_hidden_until_one_has_submitted(client, setup):
    submit_ratings(setup.tutor, setup.assessment, level="3")
    db.session.commit()
    log_in(client, setup.teacher)
    page = client.get(f"/assessments/{setup.assessment.id}/reconcile").get_data(as_text=True)
    assert "Submit your own ratings first" in page and "Seen at work" not in page
    submit_ratings(setup.teacher, setup.assessment)
    db.session.commit()
    page = client.get(f"/assessments/{setup.assessment.id}/reconcile").get_data(as_text=True)
    assert "Seen at work" in page and "Levels differ" in page


def test_tutor_declaring_a_conflict_blocks_sign_off_on_the_assessment_page(app, setup):
    tutor, client = app.test_client(), app.test_client()
    log_in(tutor, setup.tutor)
    response = tutor.post(
        f"/assessments/{setup.assessment.id}/rate",
        data=_rating_form(setup.assessment, conflict="yes", conflict_note="The client is my brother-in-law"),
    )
    assert response.status_code == 302
    log_in(client, setup.counsellor)
    page = client.get(f"/assessments/{setup.assessment.id}").get_data(as_text=True)
    assert "The client is my brother-in-law" in page and "Sign-off is blocked" in page


# --- reconciliation, concurrency, sign-off, lock and reopen ----------------------------------------------------


def test_two_deciders_at_once_the_second_gets_a_message_and_keeps_their_input(app, setup):
    for user in (setup.counsellor, setup.teacher, setup.tutor):
        submit_ratings(user, setup.assessment)
    db.session.commit()
    counsellor, teacher = app.test_client(), app.test_client()
    log_in(counsellor, setup.counsellor)
    log_in(teacher, setup.teacher)
    url = f"/assessments/{setup.assessment.id}/reconcile"
    version = re.search(r'name="version" type="hidden" value="(\d+)"', counsellor.get(url).get_data(as_text=True))
    assert teacher.get(url).status_code == 200
    assert counsellor.post(url, data=_decision_form(setup.assessment, version.group(1), level="3")).status_code == 302
    response = teacher.post(
        url, data=_decision_form(setup.assessment, version.group(1), level="2", rationale="The teacher's own wording")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this assessment" in page and "The teacher&#39;s own wording" in page
    decisions = db.session.get(Assessment, setup.assessment.id).outcome_decisions
    assert {d.level_code for d in decisions} == {"3"}


def test_teacher_signs_off_then_it_is_locked_and_a_correction_reopens_it(client, reconciled):
    assessment_id = reconciled.assessment.id
    log_in(client, reconciled.teacher)
    version = db.session.get(Assessment, assessment_id).version
    response = client.post(f"/assessments/{assessment_id}/sign-off", data={"version": version})
    assert response.status_code == 400
    assert "fewer than two independent sources" in response.get_data(as_text=True)
    asked = client.post(f"/assessments/{assessment_id}/sign-off", data={"version": version, "acknowledge": "y"})
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(as_text=True)
    assert db.session.get(Assessment, assessment_id).status is AssessmentStatus.RECONCILED  # asked, nothing done
    response = client.post(
        f"/assessments/{assessment_id}/sign-off", data={"version": version, "acknowledge": "y", "confirm": "yes"}
    )
    assert response.status_code == 302
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment.status is AssessmentStatus.SIGNED_OFF

    page = client.get(f"/assessments/{assessment_id}/reconcile").get_data(as_text=True)
    assert "Record the joint decision" not in page
    response = client.post(
        f"/assessments/{assessment_id}/reconcile", data=_decision_form(assessment, assessment.version, level="3")
    )
    assert "signed off" in response.get_data(as_text=True)
    assert response.status_code == 400

    response = client.post(f"/assessments/{assessment_id}/reopen", data={"version": assessment.version, "reason": ""})
    assert response.status_code == 400
    response = client.post(
        f"/assessments/{assessment_id}/reopen", data={"version": assessment.version, "reason": "Unit 2 level was wrong"}
    )
    assert response.status_code == 302
    page = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert "signed off" in page and "reopened for a correction" in page and "Unit 2 level was wrong" in page


def test_counsellor_confirms_and_the_case_moves_to_certification(app, reconciled):
    teacher, client = app.test_client(), app.test_client()
    log_in(teacher, reconciled.teacher)
    assessment = db.session.get(Assessment, reconciled.assessment.id)
    teacher.post(
        f"/assessments/{assessment.id}/sign-off",
        data={"version": assessment.version, "acknowledge": "y", "confirm": "yes"},
    )
    log_in(client, reconciled.counsellor)
    assessment = db.session.get(Assessment, reconciled.assessment.id)
    assert client.post(f"/assessments/{assessment.id}/confirm", data={"version": assessment.version}).status_code == 302
    assert db.session.get(Assessment, assessment.id).case.stage.value == "certification"


def test_gap_plan_is_printable_and_can_be_handed_to_a_provider(client, setup, people):
    for user in (setup.counsellor, setup.teacher, setup.tutor):
        submit_ratings(user, setup.assessment, level="1")
    db.session.commit()
    log_in(client, setup.counsellor)
    data = _decision_form(setup.assessment, setup.assessment.version, level="1")
    first = outcome_ids(setup.assessment)[0]
    data.update({f"result-{oid}": "partly" for oid in outcome_ids(setup.assessment)})
    data[f"gap_what-{first}"] = "Food hygiene"
    data[f"gap_where-{first}"] = "Hygiene passport course"
    assert client.post(f"/assessments/{setup.assessment.id}/reconcile", data=data).status_code == 302
    page = client.get(f"/assessments/{setup.assessment.id}/gap-plan").get_data(as_text=True)
    assert "Food hygiene" in page and "Hygiene passport course" in page and 'class="no-print"' in page
    response = client.post(
        f"/assessments/{setup.assessment.id}/gap-plan/handover", data={"provider_id": people.college.id}
    )
    assert response.status_code == 302
    assert people.college.name in client.get(f"/assessments/{setup.assessment.id}/gap-plan").get_data(as_text=True)


# --- evidence map, triangulation, panels -----------------------------------------------------------------------


def test_teacher_maps_a_portfolio_item_and_the_coverage_shows_it(client, setup):
    entry = PortfolioEntry(case_id=setup.case.id, section=Section.WORK, title="Cook in Aleppo", language="fi")
    db.session.add(entry)
    db.session.commit()
    log_in(client, setup.teacher)
    first = outcome_ids(setup.assessment)[0]
    assert "0 of 4 learning outcomes have evidence" in client.get(f"/cases/{setup.case.id}/evidence-map").get_data(
        as_text=True
    )
    response = client.post(
        f"/cases/{setup.case.id}/evidence-map", data={"outcome_id": first, "item": f"entry:{entry.id}"}
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{setup.case.id}/evidence-map").get_data(as_text=True)
    assert "1 of 4 learning outcomes have evidence" in page and "Cook in Aleppo" in page
    response = client.post(
        f"/cases/{setup.case.id}/evidence-map", data={"outcome_id": first, "item": f"entry:{entry.id}"}
    )
    assert response.status_code == 400 and "already mapped" in response.get_data(as_text=True)
    page = client.get(f"/cases/{setup.case.id}/triangulation").get_data(as_text=True)
    assert "Cook in Aleppo" in page and "Fewer than two sources" in page
    link = db.session.scalar(select(EvidenceLink))
    assert client.post(f"/cases/{setup.case.id}/evidence-map/{link.id}/delete").status_code == 302
    assert db.session.scalar(select(EvidenceLink)) is None


def test_case_panel_is_for_staff_of_the_case_not_for_tutors(setup, people):
    def assessment_panels(user):
        return [p.template for p in case_panels(user, setup.case) if p.template.startswith("assessment/assessments/")]

    assert assessment_panels(setup.counsellor) == ["assessment/assessments/_case_panel.html"]
    assert assessment_panels(setup.tutor) == []
    assert assessment_panels(people.other_teacher) == []


def test_open_assessment_through_the_placement_page(client, people):
    version = build_framework()
    case = build_case(people.home, people.counsellor, version)
    placement = placement_services.create_placement(
        people.counsellor,
        case,
        workplace=people.hotel,
        tutor=people.tutor,
        start_date=utcnow().date(),
        end_date=utcnow().date(),
        tasks=None,
        units=list(version.units),
    )
    db.session.commit()
    log_in(client, people.counsellor)
    response = client.post(
        f"/placements/{placement.id}/assessments/new",
        data={"counsellor_id": people.counsellor.id, "teacher_id": people.teacher.id},
    )
    assert response.status_code == 302
    assessment = db.session.scalar(select(Assessment).where(Assessment.placement_id == placement.id))
    assert {a.role: a.user_id for a in assessment.assessors} == {
        AssessorRole.COUNSELLOR: people.counsellor.id,
        AssessorRole.TEACHER: people.teacher.id,
        AssessorRole.WORKPLACE_TUTOR: people.tutor.id,
    }
    assert assessment.framework_snapshot["version_id"] == version.id
