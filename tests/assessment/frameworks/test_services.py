import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessment.frameworks import services
from assessment.frameworks.models import AssessmentScale, FrameworkVersion, VersionStatus
from assessment.interviews.models import InterviewFinding, Verification
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from tests.assessment.conftest import framework_document, sample_text


def problems_of(data) -> list[services.ImportProblem]:
    with pytest.raises(services.FrameworkImportError) as caught:
        services.import_framework(None, data)
    return caught.value.problems


def test_scales_load_once_with_the_non_passing_level_first(app):
    assert services.load_scales(None) == ["fi-vocational-1-5", "t1-h2-k3", "pass-fail"]
    assert services.load_scales(None) == []
    vocational = services.scale_by_code("fi-vocational-1-5")
    assert [level.code for level in vocational.levels] == ["0", "1", "2", "3", "4", "5"]
    assert [level.passing for level in vocational.levels] == [False, True, True, True, True, True]
    assert vocational.levels[5].label["en"] == "Excellent 5"
    assert [level.code for level in services.scale_by_code("t1-h2-k3").levels] == ["T1", "H2", "K3"]
    assert {level.code: level.passing for level in services.scale_by_code("pass-fail").levels} == {
        "fail": False,
        "pass": True,
    }
    assert len(db.session.scalars(select(AssessmentScale)).all()) == 3


def test_sample_frameworks_import_and_publish_with_texts_in_three_languages(scales):
    versions = services.load_sample_frameworks(None)
    assert {v.framework.code for v in versions} == {"fi-vq-restaurant-catering", "fi-vq-cleaning-property"}
    assert services.load_sample_frameworks(None) == []
    for version in versions:
        assert version.status == VersionStatus.PUBLISHED
        assert len(version.units) >= 2
        for unit in version.units:
            assert 4 <= len(unit.outcomes) <= 6
            for outcome in unit.outcomes:
                assert set(outcome.text) >= {"fi", "sv", "en"}
                assert {c.level_code for c in outcome.criteria} == {"1", "3", "5"}


def test_export_then_import_gives_the_same_document_as_a_new_draft(scales):
    first = services.import_framework(None, sample_text())
    services.publish_version(None, first)
    exported = services.export_json(first)
    second = services.import_framework(None, exported)
    assert (second.framework_id, second.number, second.status) == (first.framework_id, 2, VersionStatus.DRAFT)
    assert {k: v for k, v in services.export_document(second).items() if k not in ("version", "status")} == {
        k: v for k, v in json.loads(exported).items() if k not in ("version", "status")
    }


def test_invalid_json_is_reported_with_line_and_column(scales):
    [problem] = problems_of('{\n  "code": "X",\n  "units": [\n}')
    assert problem.line == 4
    assert "column 1" in problem.message
    assert str(problem).startswith("Line 4: ")


def test_a_file_that_is_not_utf8_is_refused(scales):
    [problem] = problems_of(b"\xff\xfe{}")
    assert "UTF-8" in problem.message


def test_missing_fields_are_named_by_path_and_line(scales):
    doc = framework_document()
    del doc["name"]
    del doc["units"][1]["outcomes"][0]["text"]
    problems = {p.path: p for p in problems_of(json.dumps(doc, indent=2))}
    assert set(problems) == {"name", "units[1].outcomes[0].text"}
    # The missing text is reported on the line of the outcome that lacks it.
    text = json.dumps(doc, indent=2)
    outcome_line = text.splitlines().index('          "code": "U2.1",') + 1
    assert problems["units[1].outcomes[0].text"].line == outcome_line - 1


def test_an_empty_translation_is_named_down_to_the_language(scales):
    doc = framework_document()
    doc["units"][1]["outcomes"][0]["text"]["fi"] = ""
    text = json.dumps(doc, indent=2)
    [problem] = problems_of(text)
    assert problem.path == "units[1].outcomes[0].text.fi"
    assert text.splitlines()[problem.line - 1].strip() == '"fi": "",'


def test_unknown_scale_lists_the_known_ones(scales):
    [problem] = problems_of(json.dumps(framework_document(scale="grades-a-f")))
    assert problem.path == "scale"
    assert "grades-a-f" in problem.message and "fi-vocational-1-5" in problem.message


def test_duplicate_codes_name_the_first_use(scales):
    doc = framework_document()
    doc["units"][1]["code"] = "U1"
    doc["units"][0]["outcomes"][2]["code"] = "U1.1"
    problems = {p.path: p.message for p in problems_of(json.dumps(doc))}
    assert "units[0]" in problems["units[1].code"]
    assert "units[0].outcomes[0]" in problems["units[0].outcomes[2].code"]


def test_a_key_given_twice_is_refused(scales):
    text = json.dumps(framework_document(), indent=2).replace('"code": "TEST-Q",', '"code": "TEST-Q",\n  "code": "B",')
    [problem] = problems_of(text)
    assert (problem.path, problem.line) == ("code", 3)


def test_a_criterion_on_a_level_not_on_the_scale_is_refused(scales):
    doc = framework_document(scale="t1-h2-k3")
    problems = problems_of(json.dumps(doc))
    assert {p.path for p in problems} >= {"units[0].outcomes[0].criteria.1", "units[0].outcomes[0].criteria.3"}
    assert "T1, H2, K3" in problems[0].message


def test_unknown_fields_are_refused_so_typos_do_not_vanish(scales):
    doc = framework_document()
    doc["units"][0]["outcome"] = []
    [problem] = problems_of(json.dumps(doc))
    assert problem.path == "units[0].outcome"


def test_nothing_is_written_when_an_import_fails(scales):
    doc = framework_document()
    doc["units"][0]["credits"] = -1
    problems_of(json.dumps(doc))
    assert db.session.scalars(select(FrameworkVersion)).all() == []


def test_published_versions_are_not_changed_but_copied_into_a_draft(make_version):
    published = make_version()
    with pytest.raises(services.FrameworkError):
        services.add_unit(None, published, code="U9", name={"en": "New"})
    with pytest.raises(services.FrameworkError):
        services.update_outcome(None, published.units[0].outcomes[0], code="X", text={"en": "x"}, criteria={})
    draft = services.start_new_draft(None, published)
    assert services.start_new_draft(None, published) is draft  # one open draft at a time
    services.update_outcome(
        None,
        draft.units[0].outcomes[0],
        code="U1.1",
        text={"en": "changed"},
        criteria={"5": {"en": "excellently"}, "1": {}},
    )
    services.publish_version(None, draft)
    db.session.commit()
    assert published.status == VersionStatus.RETIRED
    assert published.units[0].outcomes[0].text["en"] == "can do 1.1"
    assert {c.level_code for c in published.units[0].outcomes[0].criteria} == {"1", "3"}
    assert draft.units[0].outcomes[0].text == {"en": "changed"}
    assert {c.level_code for c in draft.units[0].outcomes[0].criteria} == {"3", "5"}


def test_a_version_is_in_use_once_a_case_or_finding_rests_on_it(make_version, make_case, make_user, make_interview):
    version = make_version()
    assert not services.version_in_use(version)
    case = make_case(version=version)
    assert services.version_in_use(version)
    teacher = make_user(Role.TEACHER)
    from assessment.interviews import services as interview_services

    interview = make_interview(case, teacher, starts_in=timedelta(hours=-1))
    interview_services.record_interview(
        teacher,
        interview,
        interview.version,
        next_steps={},
        findings={version.units[0].outcomes[0].id: (Verification.VERIFIED, "")},
    )
    db.session.commit()
    other = make_version(framework_document("OTHER"))
    with pytest.raises(services.FrameworkError, match="findings"):
        services.set_target_qualification(None, case, other)
    assert db.session.scalar(select(InterviewFinding.id)) is not None


def test_publishing_needs_units_with_outcomes(scales):
    version = services.create_framework(
        None, code="NEW", name={"fi": "Uusi"}, scale=services.scale_by_code("pass-fail")
    )
    with pytest.raises(services.FrameworkError, match="unit"):
        services.publish_version(None, version)
    unit = services.add_unit(None, version, code="A", name={"fi": "A"})
    with pytest.raises(services.FrameworkError, match="A"):
        services.publish_version(None, version)
    services.add_outcome(None, unit, code="A1", text={"sv": "kan"})
    services.publish_version(None, version)
    assert version.status == VersionStatus.PUBLISHED


def test_draft_edits_refuse_duplicate_codes_and_texts_without_a_main_language(scales):
    version = services.create_framework(
        None, code="NEW", name={"fi": "Uusi"}, scale=services.scale_by_code("fi-vocational-1-5")
    )
    services.add_unit(None, version, code="A", name={"fi": "A"})
    with pytest.raises(services.FrameworkError) as caught:
        services.add_unit(None, version, code="A", name={"fi": "B"})
    assert caught.value.field == "code"
    with pytest.raises(services.FrameworkError) as caught:
        services.add_unit(None, version, code="B", name={"ar": "ب"})
    assert caught.value.field == "name"
    with pytest.raises(services.FrameworkError):
        services.create_framework(None, code="NEW", name={"fi": "Toinen"}, scale=version.scale)


def test_changing_the_scale_is_refused_while_criteria_use_its_levels(make_version):
    draft = make_version(publish=False)
    with pytest.raises(services.FrameworkError) as caught:
        services.update_version(None, draft, name=draft.name, scale=services.scale_by_code("pass-fail"))
    assert caught.value.field == "scale_id"


def test_only_published_versions_become_a_target(make_version, make_case):
    draft = make_version(publish=False)
    case = make_case()
    with pytest.raises(services.FrameworkError):
        services.set_target_qualification(None, case, draft)


def test_framework_changes_are_audited(make_version, make_user):
    admin = make_user(Role.ADMIN)
    version = make_version(actor=admin)
    services.start_new_draft(admin, version)
    db.session.commit()
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == admin.id)))
    assert {"import_framework", "publish_framework_version", "copy_framework_version"} <= actions


def test_deleting_the_only_draft_removes_the_framework(make_version):
    draft = make_version(publish=False)
    code = draft.framework.code
    services.delete_draft(None, draft)
    assert services.framework_by_code(code) is None
