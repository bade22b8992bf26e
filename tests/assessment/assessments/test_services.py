from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assessment.assessments import access as assessment_access
from assessment.assessments import services as assessment_services
from assessment.assessments import services as evidence_services
from assessment.assessments.models import AssessmentStatus, AssessorRole, ConflictStatus
from assessment.assessments.services import AssessmentError
from assessment.interviews.models import Interview, InterviewFinding, InterviewStatus, Verification
from assessment.placements import services as placement_services
from cases.models import Stage
from isok.audit import AuditEntry
from isok.database import utcnow
from isok.extensions import db
from isok.rules import Stale
from portfolio.models import EvidenceFile, PortfolioEntry, Section
from tests.assessment.conftest import (
    build_case,
    build_framework,
    decide,
    outcome_ids,
    submit_ratings,
    unit_ids,
)


def _entry(case, title="Cook at a restaurant in Aleppo"):
    entry = PortfolioEntry(case_id=case.id, section=Section.WORK, title=title, language="fi")
    db.session.add(entry)
    db.session.flush()
    return entry


def _support_every_outcome(world):
    """A portfolio item and a verified interview finding for every outcome: three sources with the tutor."""
    entry = _entry(world.case)
    interview = Interview(
        case_id=world.case.id, teacher_id=world.teacher.id, starts_at=utcnow(), status=InterviewStatus.RECORDED
    )
    for oid in outcome_ids(world.assessment):
        evidence_services.map_evidence(world.counsellor, world.case, outcome_id=oid, entry_id=entry.id)
        interview.findings.append(InterviewFinding(outcome_id=oid, result=Verification.VERIFIED))
    db.session.add(interview)
    db.session.flush()


# --- opening and the snapshot ----------------------------------------------------------------------------------


def test_assessment_keeps_a_snapshot_of_the_framework_it_used(setup):
    assessment = setup.assessment
    outcome = setup.version.units[0].outcomes[0]
    outcome.text = {"en": "Changed by the new national requirements"}
    db.session.flush()
    assert assessment.framework_version_id == setup.version.id
    texts = [o["text"]["en"] for u in assessment.framework_snapshot["units"] for o in u["outcomes"]]
    assert "Outcome 1.1" in texts and "Changed by the new national requirements" not in texts
    assert [lv["code"] for lv in assessment.framework_snapshot["scale"]["levels"]] == ["0", "1", "2", "3"]


def test_assessors_must_be_three_different_people(people):
    version = build_framework()
    case = build_case(people.home, people.counsellor, version)
    placement = placement_services.create_placement(
        people.counsellor,
        case,
        workplace=people.hotel,
        tutor=people.tutor,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 4, 1),
        tasks=None,
        units=list(version.units),
    )
    with pytest.raises(AssessmentError, match="role"):
        assessment_services.open_assessment(people.counsellor, placement, teacher=people.tutor)


# --- ratings ---------------------------------------------------------------------------------------------------


def test_level_outside_the_scale_is_refused_with_the_allowed_levels(setup):
    oid = outcome_ids(setup.assessment)[0]
    assessor = setup.assessment.assessor_in(AssessorRole.WORKPLACE_TUTOR)
    with pytest.raises(AssessmentError) as error:
        assessment_services.save_ratings(
            setup.tutor, setup.assessment, {oid: {"level": "7"}}, expected_version=assessor.version
        )
    assert "Level 7 is not on this qualification's scale" in error.value.errors[f"level-{oid}"]
    assert "0, 1, 2, 3" in error.value.errors[f"level-{oid}"]
    assert assessor.ratings == []


def test_outcome_outside_the_case_framework_is_refused(setup):
    foreign = build_framework().units[0].outcomes[0]
    assessor = setup.assessment.assessor_in(AssessorRole.WORKPLACE_TUTOR)
    with pytest.raises(AssessmentError, match="not part of the framework"):
        assessment_services.save_ratings(
            setup.tutor, setup.assessment, {foreign.id: {"level": "2"}}, expected_version=assessor.version
        )


def test_submitting_needs_a_declaration_every_level_and_justifications(setup):
    assessor = setup.assessment.assessor_in(AssessorRole.TEACHER)
    first, *rest = outcome_ids(setup.assessment)
    with pytest.raises(AssessmentError) as error:
        assessment_services.save_ratings(
            setup.teacher, setup.assessment, {first: {"level": "2"}}, expected_version=assessor.version, submit=True
        )
    assert {"conflict", f"justification-{first}"} | {f"level-{oid}" for oid in rest} <= set(error.value.errors)
    assert assessor.submitted_at is None


def test_others_levels_stay_hidden_until_one_has_submitted(setup):
    submit_ratings(setup.tutor, setup.assessment)
    assert assessment_access.can_see_levels(setup.tutor, setup.assessment)
    assert not assessment_access.can_see_levels(setup.teacher, setup.assessment)
    submit_ratings(setup.teacher, setup.assessment)
    assert assessment_access.can_see_levels(setup.teacher, setup.assessment)


def test_a_stale_rating_sheet_is_refused_and_nothing_is_overwritten(setup):
    assessment = setup.assessment
    oid = outcome_ids(assessment)[0]
    assessor = assessment.assessor_in(AssessorRole.COUNSELLOR)
    loaded_at = assessor.version
    assessment_services.save_ratings(
        setup.counsellor, assessment, {oid: {"level": "3", "justification": "tab one"}}, expected_version=loaded_at
    )
    with pytest.raises(Stale, match="Nothing was overwritten"):
        assessment_services.save_ratings(
            setup.counsellor, assessment, {oid: {"level": "1", "justification": "tab two"}}, expected_version=loaded_at
        )
    assert assessor.rating_for(oid).level_code == "3"


def test_submitted_ratings_are_final(setup):
    submit_ratings(setup.tutor, setup.assessment)
    assessor = setup.assessment.assessor_in(AssessorRole.WORKPLACE_TUTOR)
    with pytest.raises(AssessmentError, match="already submitted"):
        assessment_services.save_ratings(setup.tutor, setup.assessment, {}, expected_version=assessor.version)


# --- conflicts of interest -------------------------------------------------------------------------------------


def test_declared_conflict_needs_a_description_and_cannot_be_withdrawn(setup):
    with pytest.raises(AssessmentError, match="Describe"):
        assessment_services.declare_conflict(setup.teacher, setup.assessment, conflict=True)
    assessment_services.declare_conflict(setup.teacher, setup.assessment, conflict=True, note="My cousin")
    with pytest.raises(AssessmentError, match="another assessor must be assigned"):
        assessment_services.declare_conflict(setup.teacher, setup.assessment, conflict=False)


def test_conflict_blocks_sign_off_until_another_assessor_is_assigned(reconciled, people):
    world = reconciled
    assessment = world.assessment
    tutor_sheet = assessment.assessor_in(AssessorRole.WORKPLACE_TUTOR)
    tutor_sheet.conflict, tutor_sheet.conflict_note = ConflictStatus.CONFLICT, "Employs the client's spouse"
    db.session.flush()
    with pytest.raises(AssessmentError, match="conflict of interest has been declared"):
        assessment_services.sign_off(
            world.teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
        )

    assessment_services.replace_assessor(world.counsellor, assessment, AssessorRole.WORKPLACE_TUTOR, people.other_tutor)
    assert assessment.status is AssessmentStatus.OPEN  # the joint decision rested on the replaced sheet
    submit_ratings(people.other_tutor, assessment)
    decide(world.teacher, assessment)
    assessment_services.sign_off(
        world.teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
    )
    assert assessment.locked
    assert tutor_sheet.replaced_at is not None and tutor_sheet.ratings  # the earlier sheet stays on record


def test_signer_must_have_declared_no_conflict(setup):
    for user in (setup.counsellor, setup.tutor):
        submit_ratings(user, setup.assessment)
    teacher_sheet = setup.assessment.assessor_in(AssessorRole.TEACHER)
    oids = outcome_ids(setup.assessment)
    assessment_services.save_ratings(
        setup.teacher,
        setup.assessment,
        {oid: {"level": "2", "justification": "ok"} for oid in oids},
        expected_version=teacher_sheet.version,
        submit=False,
    )
    teacher_sheet.submitted_at = utcnow()  # as if submitted before declarations were required
    decide(setup.teacher, setup.assessment)
    with pytest.raises(AssessmentError, match="Declare that you have no conflict"):
        assessment_services.sign_off(
            setup.teacher, setup.assessment, expected_version=setup.assessment.version, acknowledge_thin_evidence=True
        )


# --- reconciliation, sign-off, lock and reopen -----------------------------------------------------------------


def test_joint_decision_waits_for_all_three(setup):
    submit_ratings(setup.counsellor, setup.assessment)
    with pytest.raises(AssessmentError, match="All three assessors"):
        decide(setup.counsellor, setup.assessment)


def test_disagreement_needs_a_rationale(setup):
    first = outcome_ids(setup.assessment)[0]
    submit_ratings(setup.counsellor, setup.assessment)
    submit_ratings(setup.teacher, setup.assessment)
    submit_ratings(setup.tutor, setup.assessment, **{f"o{first}": "3"})
    assert assessment_services.disagreements(setup.assessment) == {first}
    outcomes = {oid: {"level": "2", "result": "recognised", "rationale": ""} for oid in outcome_ids(setup.assessment)}
    units = {uid: {"level": "2", "rationale": "ok"} for uid in unit_ids(setup.assessment)}
    with pytest.raises(AssessmentError) as error:
        assessment_services.reconcile(
            setup.teacher,
            setup.assessment,
            outcome_values=outcomes,
            unit_values=units,
            participant_ids=[],
            expected_version=setup.assessment.version,
        )
    assert set(error.value.errors) == {f"rationale-{first}"}


def test_tutor_cannot_record_the_joint_decision(setup):
    for user in (setup.counsellor, setup.teacher, setup.tutor):
        submit_ratings(user, setup.assessment)
    with pytest.raises(AssessmentError, match="Only the counsellor or the teacher"):
        decide(setup.tutor, setup.assessment)


def test_two_deciders_saving_at_once_do_not_overwrite_each_other(reconciled):
    assessment = reconciled.assessment
    seen_version = assessment.version
    decide(reconciled.counsellor, assessment, level="3")
    with pytest.raises(Stale):
        outcomes = {oid: {"level": "1", "result": "partly", "rationale": "x"} for oid in outcome_ids(assessment)}
        units = {uid: {"level": "1", "rationale": "x"} for uid in unit_ids(assessment)}
        assessment_services.reconcile(
            reconciled.teacher,
            assessment,
            outcome_values=outcomes,
            unit_values=units,
            participant_ids=[],
            expected_version=seen_version,
        )
    assert {d.level_code for d in assessment.outcome_decisions} == {"3"}


def test_thin_evidence_is_flagged_before_sign_off(reconciled):
    assessment = reconciled.assessment
    assert len(assessment_services.thin_evidence(assessment)) == len(outcome_ids(assessment))
    with pytest.raises(AssessmentError, match="fewer than two independent sources"):
        assessment_services.sign_off(reconciled.teacher, assessment, expected_version=assessment.version)
    _support_every_outcome(reconciled)
    assert assessment_services.thin_evidence(assessment) == []
    assessment_services.sign_off(reconciled.teacher, assessment, expected_version=assessment.version)
    assert assessment.status is AssessmentStatus.SIGNED_OFF


def test_ratings_wait_for_the_placement_to_start(setup):
    setup.placement.start_date = utcnow().date() + timedelta(days=2)
    setup.placement.end_date = utcnow().date() + timedelta(days=13)
    with pytest.raises(AssessmentError, match="ratings can be recorded from that day on"):
        submit_ratings(setup.tutor, setup.assessment)
    assessor = setup.assessment.assessor_in(AssessorRole.WORKPLACE_TUTOR)
    assert assessor.ratings == [] and assessor.submitted_at is None


def test_sign_off_waits_for_the_placement_to_end_unless_it_ended_early(reconciled):
    world, assessment, placement = reconciled, reconciled.assessment, reconciled.placement
    today = utcnow().date()
    placement.start_date, placement.end_date = today - timedelta(days=5), today + timedelta(days=6)
    with pytest.raises(AssessmentError, match="sign-off waits until its last day"):
        assessment_services.sign_off(
            world.teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
        )
    with pytest.raises(placement_services.PlacementError, match="why the placement ended early") as caught:
        placement_services.update_placement(
            world.counsellor,
            placement,
            expected_version=placement.version,
            workplace=world.workplace,
            tutor=world.tutor,
            start_date=placement.start_date,
            end_date=placement.end_date,
            tasks=placement.tasks,
            units=placement.units,
            ended_early_on=today,
            ended_early_reason=" ",
        )
    assert caught.value.field == "ended_early_reason"
    with pytest.raises(placement_services.PlacementError, match="once it has happened"):
        placement_services.update_placement(
            world.counsellor,
            placement,
            expected_version=placement.version,
            workplace=world.workplace,
            tutor=world.tutor,
            start_date=placement.start_date,
            end_date=placement.end_date,
            tasks=placement.tasks,
            units=placement.units,
            ended_early_on=today + timedelta(days=1),
            ended_early_reason="Workplace closed",
        )
    placement_services.update_placement(
        world.counsellor,
        placement,
        expected_version=placement.version,
        workplace=world.workplace,
        tutor=world.tutor,
        start_date=placement.start_date,
        end_date=placement.end_date,
        tasks=placement.tasks,
        units=placement.units,
        ended_early_on=today,
        ended_early_reason="The kitchen closed for renovation",
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "placement_updated"))
    assert entry.changes["ended_early_reason"] == [None, "The kitchen closed for renovation"]
    assessment_services.sign_off(
        world.teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
    )
    assert assessment.status is AssessmentStatus.SIGNED_OFF


def test_only_the_teacher_signs_off(reconciled):
    with pytest.raises(AssessmentError, match="Only the teacher"):
        assessment_services.sign_off(
            reconciled.counsellor,
            reconciled.assessment,
            expected_version=reconciled.assessment.version,
            acknowledge_thin_evidence=True,
        )


def test_sign_off_locks_and_reopening_keeps_both_in_the_history(reconciled):
    world, assessment = reconciled, reconciled.assessment
    assessment_services.sign_off(
        world.teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
    )
    with pytest.raises(AssessmentError, match="signed off"):
        decide(world.teacher, assessment, level="3")
    with pytest.raises(AssessmentError, match="signed off"):
        assessment_services.replace_assessor(world.counsellor, assessment, AssessorRole.TEACHER, world.teacher)
    with pytest.raises(AssessmentError, match="reason"):
        assessment_services.reopen(world.counsellor, assessment, reason=" ", expected_version=assessment.version)
    assessment_services.reopen(
        world.counsellor, assessment, reason="Unit 2 level was mistyped", expected_version=assessment.version
    )
    assert assessment.status is AssessmentStatus.REOPENED and not assessment.locked
    kinds = [(e.kind, e.reason) for e in assessment.events]
    assert ("signed_off", None) in kinds and ("reopened", "Unit 2 level was mistyped") in kinds
    decide(world.teacher, assessment, level="3")
    assert assessment.status is AssessmentStatus.RECONCILED


def test_confirmation_of_every_assessment_moves_the_case_to_certification(reconciled):
    world, assessment = reconciled, reconciled.assessment
    assessment_services.sign_off(
        world.teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
    )
    assert world.case.stage is Stage.ASSESSMENT
    with pytest.raises(AssessmentError, match="Only the counsellor"):
        assessment_services.confirm(world.teacher, assessment, expected_version=assessment.version)
    assessment_services.confirm(world.counsellor, assessment, expected_version=assessment.version)
    assert world.case.stage is Stage.CERTIFICATION
    moved = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "case_stage_moved", AuditEntry.object_id == world.case.id)
    )
    assert moved.changes["stage"] == ["assessment", "certification"]


def test_case_waits_while_another_assessment_is_open(reconciled, people):
    world = reconciled
    second = placement_services.create_placement(
        world.counsellor,
        world.case,
        workplace=people.hotel,
        tutor=people.other_tutor,
        start_date=date(2026, 5, 1),
        end_date=date(2026, 5, 30),
        tasks=None,
        units=[world.version.units[0]],
    )
    assessment_services.open_assessment(world.counsellor, second, teacher=people.other_teacher)
    assessment_services.sign_off(
        world.teacher, world.assessment, expected_version=world.assessment.version, acknowledge_thin_evidence=True
    )
    assessment_services.confirm(world.counsellor, world.assessment, expected_version=world.assessment.version)
    assert world.case.stage is Stage.ASSESSMENT


# --- results, gap plan -----------------------------------------------------------------------------------------


def test_signed_off_results_are_plain_data_from_the_snapshot(reconciled):
    world, assessment = reconciled, reconciled.assessment
    assert assessment_services.signed_off_results(world.case)["units"] == []
    _support_every_outcome(world)
    assessment_services.sign_off(world.teacher, assessment, expected_version=assessment.version)
    assessment_services.confirm(world.counsellor, assessment, expected_version=assessment.version)
    world.version.units[0].name = {"en": "Renamed later"}
    db.session.flush()

    results = assessment_services.signed_off_results(world.case)
    assert results["complete"] is True
    assert results["framework"]["code"] == world.version.framework.code
    assert [u["name"]["en"] for u in results["units"]] == ["Unit 1", "Unit 2"]
    unit = results["units"][0]
    assert unit["level"] == {"code": "2", "label": {"en": "Good", "fi": "Good (fi)"}, "passing": True}
    outcome = unit["outcomes"][0]
    assert outcome["result"] == "recognised"
    assert outcome["result_label"]["en"] == "Recognised"
    assert set(outcome["shown_by"]) == {"interview", "observation", "portfolio"}
    assert {(a["role"], a["name"]) for a in results["assessors"]} == {
        ("counsellor", world.counsellor.name),
        ("teacher", world.teacher.name),
        ("workplace_tutor", world.tutor.name),
    }
    tutor = next(a for a in results["assessors"] if a["role"] == "workplace_tutor")
    assert tutor["organisation"] == world.workplace.name
    decision = results["decisions"][0]
    assert decision["signed_off_by"] == world.teacher.name and decision["confirmed_by"] == world.counsellor.name
    assert decision["signed_off_at"].startswith(str(date.today().year))


def test_outcomes_not_recognised_make_the_gap_plan(setup):
    for user in (setup.counsellor, setup.teacher, setup.tutor):
        submit_ratings(user, setup.assessment, level="1")
    decide(
        setup.teacher,
        setup.assessment,
        level="1",
        result="partly",
        gap_what="Food hygiene",
        gap_where="Savonia, hygiene passport course",
    )
    items = assessment_services.gap_plan(setup.assessment)
    assert len(items) == len(outcome_ids(setup.assessment))
    assert items[0]["decision"].gap_where == "Savonia, hygiene passport course"
    assert assessment_services.suggested_result(setup.assessment, "1").value == "partly"
    assert assessment_services.suggested_result(setup.assessment, "0").value == "to_acquire"


# --- evidence mapping and triangulation ------------------------------------------------------------------------


def test_mapping_refuses_foreign_outcomes_items_and_duplicates(setup, people):
    case = setup.case
    entry = _entry(case)
    oid = outcome_ids(setup.assessment)[0]
    evidence_services.map_evidence(setup.counsellor, case, outcome_id=oid, entry_id=entry.id)
    with pytest.raises(evidence_services.EvidenceError, match="already mapped"):
        evidence_services.map_evidence(setup.counsellor, case, outcome_id=oid, entry_id=entry.id)
    foreign_outcome = build_framework().units[0].outcomes[0]
    with pytest.raises(evidence_services.EvidenceError, match="not part of the case's target"):
        evidence_services.map_evidence(setup.counsellor, case, outcome_id=foreign_outcome.id, entry_id=entry.id)
    other_case = build_case(people.home, people.counsellor, setup.version)
    with pytest.raises(evidence_services.EvidenceError, match="this client's portfolio"):
        evidence_services.map_evidence(setup.counsellor, case, outcome_id=oid, entry_id=_entry(other_case).id)


def test_a_file_can_be_mapped_beside_its_entry(setup):
    entry = _entry(setup.case)
    evidence_file = EvidenceFile(
        entry_id=entry.id, digest="a" * 64, filename="certificate.pdf", media_type="application/pdf", size=10
    )
    db.session.add(evidence_file)
    db.session.flush()
    oid = outcome_ids(setup.assessment)[0]
    evidence_services.map_evidence(setup.counsellor, setup.case, outcome_id=oid, entry_id=entry.id)
    link = evidence_services.map_evidence(
        setup.counsellor, setup.case, outcome_id=oid, entry_id=entry.id, file_id=evidence_file.id
    )
    assert link.file.filename == "certificate.pdf"


def test_triangulation_counts_independent_kinds_of_evidence(setup):
    first, second, *_ = outcome_ids(setup.assessment)
    entry = _entry(setup.case)
    evidence_services.map_evidence(setup.counsellor, setup.case, outcome_id=first, entry_id=entry.id)
    evidence_services.map_evidence(
        setup.counsellor, setup.case, outcome_id=first, entry_id=_entry(setup.case, "Second item").id
    )
    interview = Interview(
        case_id=setup.case.id,
        teacher_id=setup.teacher.id,
        starts_at=utcnow(),
        status=InterviewStatus.RECORDED,
        findings=[
            InterviewFinding(outcome_id=first, result=Verification.PARTLY),
            InterviewFinding(outcome_id=second, result=Verification.NOT_VERIFIED),
        ],
    )
    db.session.add(interview)
    submit_ratings(setup.tutor, setup.assessment, level="2", **{f"o{second}": "0"})
    rows = {row.outcome.id: row for _unit, rows in evidence_services.triangulation(setup.case) for row in rows}
    assert len(rows[first].portfolio) == 2
    assert {s.value for s in rows[first].sources} == {"portfolio", "interview", "observation"}
    assert not rows[first].flagged
    assert rows[second].sources == set() and rows[second].flagged  # not verified, not passing: no support
