import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from isok import storage
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from portfolio import access as portfolio_access
from portfolio import queries, services
from portfolio.models import EntryRevision, EvidenceFile, PortfolioEntry, PortfolioStatus, RevisionAction, Section
from tests.portfolio.conftest import jpeg_bytes, pdf_bytes


def upload(name, data):
    return services.Upload(name, io.BytesIO(data))


def test_client_adds_an_entry_in_their_own_language_and_the_first_version_is_kept(make_case):
    case, client_user, _ = make_case()
    entry = services.add_entry(
        client_user,
        case,
        Section.WORK,
        "طباخ",
        {"employer": "مطعم حلب", "country": "SY", "start": "2015", "unknown": "dropped"},
        "ar",
    )
    db.session.commit()
    assert entry.language == "ar"
    assert entry.details == {"employer": "مطعم حلب", "country": "SY", "start": "2015"}
    assert [(r.number, r.action) for r in entry.revisions] == [(1, RevisionAction.CREATED)]
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "add_portfolio_entry")).actor_id
        == client_user.id
    )


def test_every_change_is_kept_with_who_and_what(make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(client_user, case)
    services.update_entry(counsellor, entry, "Head cook", {**entry.details, "tools": "Oven"}, "ar", entry.version)
    db.session.commit()
    revisions = db.session.scalars(
        select(EntryRevision).where(EntryRevision.entry_id == entry.id).order_by(EntryRevision.number)
    ).all()
    assert [(r.number, r.changed_by_id) for r in revisions] == [(1, client_user.id), (2, counsellor.id)]
    assert revisions[0].title == "Cook" and revisions[1].title == "Head cook"
    assert revisions[1].details["tools"] == "Oven" and "tools" not in revisions[0].details
    assert set(revisions[1].changed_fields) == {"title", "tools"}


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(client_user, case)
    old_version = entry.version
    services.update_entry(counsellor, entry, "Chef", entry.details, "ar", old_version)
    db.session.commit()
    with pytest.raises(services.PortfolioError, match="Someone else changed"):
        services.update_entry(client_user, entry, "Cook again", entry.details, "ar", old_version)
    db.session.rollback()
    assert db.session.get(PortfolioEntry, entry.id).title == "Chef"


def test_a_choice_outside_the_options_is_refused(make_case):
    case, client_user, _ = make_case()
    with pytest.raises(services.PortfolioError) as refused:
        services.add_entry(client_user, case, Section.LANGUAGES, "Finnish", {"speaking": "Z9"}, "fi")
    assert refused.value.field == "speaking"


def test_evidence_is_stored_by_content_and_the_photo_loses_its_position(make_case, make_entry):
    case, client_user, _ = make_case()
    entry = make_entry(client_user, case)
    stored = services.add_evidence(
        client_user, entry, [upload("kitchen.jpg", jpeg_bytes()), upload("diploma.pdf", pdf_bytes())]
    )
    db.session.commit()
    photo, diploma = stored
    assert (photo.media_type, diploma.media_type) == ("image/jpeg", "application/pdf")
    assert storage.read_bytes(diploma.digest) == pdf_bytes()
    with storage.open_file(photo.digest) as stored_photo, Image.open(stored_photo) as image:
        assert not image.getexif().get_ifd(0x8825)
    assert [r.action for r in entry.revisions][-2:] == [RevisionAction.FILE_ADDED, RevisionAction.FILE_ADDED]


def test_one_bad_file_refuses_the_whole_upload_and_stores_nothing(make_case, make_entry, app):
    case, client_user, _ = make_case()
    entry = make_entry(client_user, case)
    files_before = sorted(p.name for p in Path(app.config["FILES_DIR"]).rglob("*"))
    with pytest.raises(services.UploadRejected) as refused:
        services.add_evidence(
            client_user,
            entry,
            [
                upload("good.pdf", pdf_bytes()),
                upload("evil.pdf", b"<html><script>x</script></html>"),
                upload("", b"data"),
            ],
        )
    db.session.rollback()
    assert len(refused.value.messages) == 2
    assert refused.value.messages[0].startswith("evil.pdf:")
    assert db.session.scalar(select(EvidenceFile)) is None
    assert sorted(p.name for p in Path(app.config["FILES_DIR"]).rglob("*")) == files_before


def test_size_count_and_portfolio_limits_are_enforced(make_case, make_entry, app, monkeypatch):
    case, client_user, _ = make_case()
    entry = make_entry(client_user, case)
    monkeypatch.setitem(app.config, "MAX_FILE_MB", 1)
    big = b"x" * (1024 * 1024 + 1)
    with pytest.raises(services.UploadRejected, match="larger than 1 MB"):
        services.add_evidence(client_user, entry, [upload("big.txt", big)])
    with pytest.raises(services.UploadRejected, match="at most 10 files"):
        services.add_evidence(client_user, entry, [upload(f"{i}.txt", b"note") for i in range(11)])
    monkeypatch.setitem(app.config, "MAX_PORTFOLIO_MB", 1)
    services.add_evidence(client_user, entry, [upload("a.txt", b"a" * 700_000)])
    db.session.commit()
    with pytest.raises(services.UploadRejected, match="exceed 1 MB"):
        services.add_evidence(client_user, entry, [upload("b.txt", b"b" * 400_000)])


def test_removing_a_file_removes_its_bytes_once_committed_unless_shared(make_case, make_entry):
    case, client_user, _ = make_case()
    first, second = make_entry(client_user, case), make_entry(client_user, case, title="Waiter")
    [one] = services.add_evidence(client_user, first, [upload("d.pdf", pdf_bytes())])
    [two] = services.add_evidence(client_user, second, [upload("same.pdf", pdf_bytes())])
    db.session.commit()
    services.remove_evidence(client_user, one)
    db.session.commit()
    assert storage.exists(two.digest)
    services.remove_evidence(client_user, db.session.get(EvidenceFile, two.id))
    assert storage.exists(two.digest)  # not before the commit
    db.session.commit()
    assert not storage.exists(two.digest)


def test_review_cycle_submit_comment_return_resubmit_accept(make_case, make_entry):
    case, client_user, counsellor = make_case()
    with pytest.raises(services.PortfolioError, match="at least one entry"):
        services.submit(client_user, case)
    entry = make_entry(client_user, case)
    services.submit(client_user, case)
    db.session.commit()
    assert not portfolio_access.can_edit_portfolio(client_user, case)
    with pytest.raises(services.NotAllowed):
        services.update_entry(client_user, entry, "Changed", entry.details, "ar", entry.version)
    services.comment(counsellor, entry, "Add the years you worked there.")
    with pytest.raises(services.PortfolioError):
        services.review(counsellor, case, accept=False, note="")
    services.review(counsellor, case, accept=False, note="Please add dates.")
    db.session.commit()
    assert services.portfolio_status(case) == PortfolioStatus.RETURNED
    services.update_entry(client_user, entry, entry.title, {**entry.details, "start": "2015"}, "ar", entry.version)
    services.submit(client_user, case)
    services.review(counsellor, case, accept=True, note=None)
    db.session.commit()
    assert services.portfolio_status(case) == PortfolioStatus.ACCEPTED
    assert [c.text for c in entry.comments] == ["Add the years you worked there."]


def test_clients_cannot_review_and_other_clients_cannot_edit(make_case, make_entry, make_user):
    case, client_user, _ = make_case()
    entry = make_entry(client_user, case)
    with pytest.raises(services.NotAllowed):
        services.comment(client_user, entry, "Looks good")
    stranger = make_user(Role.CLIENT)
    with pytest.raises(services.NotAllowed):
        services.add_entry(stranger, case, Section.GOALS, "x", {}, "en")


def test_questionnaire_answers_flow_into_the_portfolio_without_duplicates(make_case):
    case, client_user, counsellor = make_case()
    services.save_questionnaire(
        client_user,
        case,
        {
            "expectations_work": "أريد أن أعمل طباخا في مطعم",
            "skills_languages": "العربية لغتي الأم، الإنجليزية B1",
            "skills_digital": "WhatsApp",
            "appraisal_summary": "ignored from a client",
        },
        "ar",
        None,
    )
    db.session.commit()
    entries = {e.source_key: e for e in queries.case_entries(case.id)}
    assert set(entries) == {"expectations_work", "skills_languages", "skills_digital"}
    goal = entries["expectations_work"]
    assert (goal.section, goal.details["kind"], goal.language) == (Section.GOALS, "work", "ar")
    assert entries["skills_languages"].section == Section.LANGUAGES
    assert entries["skills_digital"].details == {"kind": "digital", "description": "WhatsApp"}
    questionnaire = services.questionnaire_of(case)
    assert "appraisal_summary" not in questionnaire.answers

    services.save_questionnaire(
        counsellor,
        case,
        {**questionnaire.answers, "expectations_work": "طباخ أو خباز", "appraisal_summary": "Strong kitchen skills"},
        "ar",
        questionnaire.version,
    )
    db.session.commit()
    again = {e.source_key: e for e in queries.case_entries(case.id)}
    assert again["expectations_work"].id == goal.id
    assert again["expectations_work"].title == "طباخ أو خباز"
    assert services.questionnaire_of(case).answers["appraisal_summary"] == "Strong kitchen skills"


def test_case_entries_lists_entries_in_section_order_with_their_files(make_case, make_entry):
    case, client_user, _ = make_case()
    goal = make_entry(client_user, case, Section.GOALS, "Chef", {"kind": "work"})
    work = make_entry(client_user, case)
    services.add_evidence(client_user, work, [upload("d.pdf", pdf_bytes())])
    db.session.commit()
    listed = queries.case_entries(case.id)
    assert [e.id for e in listed] == [work.id, goal.id]
    assert [f.filename for f in listed[0].evidence] == ["d.pdf"]


def test_erasure_removes_entries_files_and_bytes(make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(client_user, case)
    [evidence] = services.add_evidence(client_user, entry, [upload("d.pdf", pdf_bytes())])
    services.save_questionnaire(client_user, case, {"expectations_work": "Chef"}, "en", None)
    db.session.commit()
    assert services.erase_case_portfolio(counsellor, case) == 1
    db.session.commit()
    assert queries.case_entries(case.id) == [] and services.questionnaire_of(case) is None
    assert not storage.exists(evidence.digest)


def test_demo_loader_does_nothing_without_cases_and_fills_each_case_once(make_case, make_user):
    from portfolio.demo import load_demo_portfolios

    admin = make_user(Role.ADMIN)
    load_demo_portfolios(admin)
    assert db.session.scalar(select(PortfolioEntry)) is None
    case, _client, _counsellor = make_case()
    load_demo_portfolios(admin)
    load_demo_portfolios(admin)
    db.session.commit()
    entries = queries.case_entries(case.id)
    assert len(entries) == 5 and entries[0].language == "ar"
    assert {f.media_type for e in entries for f in e.evidence} == {"image/jpeg", "application/pdf"}
