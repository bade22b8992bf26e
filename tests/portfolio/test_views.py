import html
import io
import re
import zipfile

from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from isok.audit import AuditEntry
from isok.extensions import db
from isok.translation import force_locale, gettext
from portfolio import services
from portfolio.filecheck import NOT_ACCEPTED
from portfolio.models import EvidenceFile, PortfolioEntry, PortfolioStatus, Section
from tests.conftest import log_in
from tests.portfolio.conftest import jpeg_bytes, pdf_bytes


def test_client_adds_a_work_entry_in_the_language_they_choose(client, login, make_case):
    case, client_user, _ = make_case()
    login(client_user)
    form = client.get(f"/cases/{case.id}/portfolio/new/work")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert 'name="tools"' in page and 'name="language"' in page
    response = client.post(
        f"/cases/{case.id}/portfolio/new/work",
        data={
            "title": "Кухар",
            "employer": "Ресторан",
            "country": "UA",
            "start": "2018-03",
            "end": "2022",
            "tasks": "Готував страви",
            "tools": "Пароконвектомат",
            "language": "uk",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(PortfolioEntry))
    assert (entry.title, entry.language, entry.details["tools"]) == ("Кухар", "uk", "Пароконвектомат")
    client.post(
        f"/portfolio/entries/{entry.id}/edit",
        data={"title": "Кухар", "tools": "Пароконвектомат, міксер", "language": "uk", "version": entry.version},
    )
    shown = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert 'lang="uk"' in shown and "Пароконвектомат, міксер" in shown
    changed = re.search(r'<span class="hint">\(([^)]*)\)</span>', shown).group(1)
    # The history names what changed, in the reader's language (this client reads Arabic).
    assert in_arabic("Tools and machines used") in changed and "tools" not in changed


def test_bad_input_keeps_everything_typed(client, login, make_case):
    case, client_user, _ = make_case()
    login(client_user)
    response = client.post(
        f"/cases/{case.id}/portfolio/new/work",
        data={"title": "", "employer": "مطعم حلب", "start": "last year", "language": "ar"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "مطعم حلب" in page and "last year" in page
    assert db.session.scalar(select(PortfolioEntry)) is None


def test_right_to_left_interface_for_arabic_and_persian(client, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    make_entry(counsellor, case)
    login(client_user)  # the client account has Arabic saved
    page = client.get(f"/cases/{case.id}/portfolio").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    client.post("/language", data={"locale": "fa", "next": "/"})
    assert '<html lang="fa" dir="rtl">' in client.get(f"/cases/{case.id}/portfolio").get_data(as_text=True)


def test_upload_rejects_a_disguised_file_and_keeps_the_page(client, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(counsellor, case)
    login(client_user)
    response = client.post(
        f"/portfolio/entries/{entry.id}/files",
        data={"files": [(io.BytesIO(b"<svg onload='alert(1)'/>"), "photo.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "photo.jpg" in page and in_arabic(NOT_ACCEPTED) in page  # the reason, in the client's language
    assert db.session.scalar(select(EvidenceFile)) is None


def test_upload_then_download_as_attachment_without_location(client, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(counsellor, case)
    login(client_user)
    response = client.post(
        f"/portfolio/entries/{entry.id}/files",
        data={"files": [(io.BytesIO(jpeg_bytes()), "kitchen.jpg"), (io.BytesIO(pdf_bytes()), "työtodistus.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo, letter = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    download = client.get(f"/portfolio/files/{letter.id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''ty%C3%B6todistus.pdf" in disposition
    assert download.data == pdf_bytes()
    download.close()
    picture = client.get(f"/portfolio/files/{photo.id}")
    assert b"PhoneMaker" not in picture.data  # the camera's EXIF went with the location
    picture.close()


def test_another_client_gets_404_for_files_and_entries(client, login, make_case, make_entry):
    case, _, counsellor = make_case()
    entry = make_entry(counsellor, case)
    [evidence] = services.add_evidence(counsellor, entry, [services.Upload("d.pdf", io.BytesIO(pdf_bytes()))])
    db.session.commit()
    _other_case, other_client, _ = make_case()
    login(other_client)
    assert client.get(f"/portfolio/files/{evidence.id}").status_code == 404
    assert client.get(f"/portfolio/entries/{entry.id}").status_code == 404
    assert client.get(f"/cases/{case.id}/portfolio").status_code == 404


def test_submit_comment_return_and_the_client_sees_the_comment(client, app, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(client_user, case)
    login(client_user)
    asked = client.post(f"/cases/{case.id}/portfolio/submit")
    assert asked.status_code == 200 and services.portfolio_status(case) != PortfolioStatus.SUBMITTED
    assert client.post(f"/cases/{case.id}/portfolio/submit", data={"confirm": "yes"}).status_code == 302
    assert services.portfolio_status(case) == PortfolioStatus.SUBMITTED
    locked = client.post(f"/portfolio/entries/{entry.id}/edit", data={"title": "x", "language": "ar"})
    assert locked.status_code == 302 and db.session.get(PortfolioEntry, entry.id).title == "Cook"

    staff = app.test_client()
    log_in(staff, counsellor)
    assert "Portfolios waiting for review" in staff.get("/").get_data(as_text=True)
    assert staff.get(f"/cases/{case.id}/portfolio").status_code == 200
    assert staff.post(f"/portfolio/entries/{entry.id}/comments", data={"text": "Add the years."}).status_code == 302
    returned = staff.post(f"/cases/{case.id}/portfolio/review", data={"decision": "return", "note": ""})
    assert returned.status_code == 400 and "Tell the client what to change" in returned.get_data(as_text=True)
    staff.post(f"/cases/{case.id}/portfolio/review", data={"decision": "return", "note": "Dates, please."})
    assert services.portfolio_status(case) == PortfolioStatus.RETURNED
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "view", AuditEntry.actor_id == counsellor.id))
        is not None
    )

    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert "Add the years." in page
    assert "Dates, please." in client.get(f"/cases/{case.id}/portfolio").get_data(as_text=True)


def test_questionnaire_shows_both_languages_and_fills_the_portfolio(client, login, make_case, make_user):
    case, client_user, counsellor = make_case()
    login(counsellor)  # staff see English (Accept-Language), the client has Arabic saved
    page = client.get(f"/cases/{case.id}/portfolio/questionnaire", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "ما العمل الذي تود القيام به؟" in page and "What work would you like to do?" in page
    response = client.post(
        f"/cases/{case.id}/portfolio/questionnaire",
        data={
            "language": "ar",
            "expectations_work": "طباخ",
            "skills_social": "ساعدت جيراني",
            "appraisal_next_steps": "Interview with a catering teacher",
        },
    )
    assert response.status_code == 302
    entries = db.session.scalars(select(PortfolioEntry).order_by(PortfolioEntry.id)).all()
    assert [(e.section, e.title) for e in entries] == [(Section.GOALS, "طباخ"), (Section.OTHER_SKILLS, "ساعدت جيراني")]


def test_summary_and_zip_of_all_evidence(client, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(client_user, case, title="طباخ")
    services.add_evidence(
        client_user,
        entry,
        [services.Upload("d.pdf", io.BytesIO(pdf_bytes())), services.Upload("n.txt", io.BytesIO(b"notes"))],
    )
    db.session.commit()
    login(counsellor)
    summary = client.get(f"/cases/{case.id}/portfolio/summary").get_data(as_text=True)
    assert "طباخ" in summary and "Restaurant Aleppo" in summary and "d.pdf" in summary
    archive_response = client.get(f"/cases/{case.id}/portfolio/evidence.zip")
    assert archive_response.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(archive_response.data)) as archive:
        names = archive.namelist()
        assert any(name.endswith("-d.pdf") for name in names) and any(name.endswith("-n.txt") for name in names)
        assert archive.read(next(n for n in names if n.endswith("-d.pdf"))) == pdf_bytes()
    archive_response.close()


def test_case_panel_and_client_dashboard(client, app, login, make_case, make_entry):
    from isok.hooks import case_panels

    case, client_user, counsellor = make_case()
    make_entry(client_user, case)
    with app.test_request_context():
        [panel] = [p for p in case_panels(counsellor, case) if p.template == "portfolio/_case_panel.html"]
        assert dict(panel.context["counts"])[Section.WORK] == 1
    login(client_user)
    home = client.get("/").get_data(as_text=True)
    assert f"/cases/{case.id}/portfolio" in home and f"/cases/{case.id}/portfolio/questionnaire" in home


def test_summary_downloads_as_a_pdf_with_the_entries(client, login, make_case, make_entry):
    case, _client_user, counsellor = make_case()
    make_entry(counsellor, case, title="Line cook", language="en")
    db.session.commit()
    login(counsellor)
    response = client.get(f"/cases/{case.id}/portfolio/summary.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Line cook" in text and "Restaurant Aleppo" in text


def in_arabic(text) -> str:
    with current_app.test_request_context(), force_locale("ar"):
        return str(gettext(text)) if isinstance(text, str) else str(text)


def test_removing_a_file_or_an_entry_asks_first_and_the_first_click_changes_nothing(
    client, login, make_case, make_entry
):
    case, client_user, _ = make_case()
    entry = make_entry(client_user, case, title="Breakfast cook")
    login(client_user)
    client.post(
        f"/portfolio/entries/{entry.id}/files",
        data={"files": [(io.BytesIO(pdf_bytes()), "letter.pdf")]},
        content_type="multipart/form-data",
    )
    evidence_id = db.session.scalar(select(EvidenceFile.id))

    asked = client.post(f"/portfolio/files/{evidence_id}/delete")
    page = html.unescape(asked.get_data(as_text=True))  # in the client's Arabic
    assert asked.status_code == 200 and "“letter.pdf”" in page and 'name="confirm" value="yes"' in page
    assert db.session.get(EvidenceFile, evidence_id) is not None
    assert client.post(f"/portfolio/files/{evidence_id}/delete", data={"confirm": "yes"}).status_code == 302
    assert db.session.get(EvidenceFile, evidence_id) is None

    entry_id = entry.id
    asked = client.post(f"/portfolio/entries/{entry_id}/delete")
    assert asked.status_code == 200 and "Breakfast cook" in html.unescape(asked.get_data(as_text=True))
    assert f'href="/portfolio/entries/{entry_id}"' in asked.get_data(as_text=True)  # "Cancel" goes back
    assert db.session.get(PortfolioEntry, entry_id) is not None
    assert client.post(f"/portfolio/entries/{entry_id}/delete", data={"confirm": "yes"}).status_code == 302
    assert db.session.get(PortfolioEntry, entry_id) is None


def test_the_case_page_counts_the_entries_of_each_section_and_the_files(client, make_case, make_entry):
    case, client_user, counsellor = make_case()
    cook = make_entry(client_user, case, Section.WORK, "Cook")
    make_entry(client_user, case, Section.WORK, "Baker")
    make_entry(client_user, case, Section.GOALS, "Own restaurant", details={})
    services.add_evidence(
        client_user,
        cook,
        [services.Upload("d.pdf", io.BytesIO(pdf_bytes())), services.Upload("n.txt", io.BytesIO(b"notes"))],
    )
    db.session.commit()
    log_in(client, counsellor)
    panel = client.get(f"/cases/{case.id}").get_data(as_text=True).split('id="portfolio-panel-')[1]
    counts = re.findall(r"<li>([^<]+): (\d+)</li>", panel.split("</section>")[0])
    assert dict(counts) == {
        str(section.label): {Section.WORK: "2", Section.GOALS: "1"}.get(section, "0") for section in Section
    }
    assert "2 files" in panel.split("</section>")[0]
