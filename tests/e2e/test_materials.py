"""The material bank's journey (issue: "Done means"): a teacher uploads a Somali–Finnish kitchen glossary with an
audio file, a counsellor of another organisation finds it by searching a Somali word and plays the audio, and a
client sees it from their self-assessment page in Somali; the Atom feed and the LRMI metadata are well formed. Every
page on the way passes axe-core."""

import json
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.frameworks.models import CaseQualification, FrameworkUnit
from cases.models import Case, Client
from isok.accounts.models import User
from isok.extensions import db
from isok.materials.demo_data import silent_mp3
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

TITLE_FI, TITLE_SO = "Keittiön sanat: astiat ja välineet", "Erayada jikada: weelasha iyo qalabka"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def amina(live_app):
    """The demo client, her case and the first unit of her target qualification."""
    with live_app.app_context():
        client = db.session.scalar(
            select(Client).join(User, Client.user_id == User.id).where(User.email == "client@example.org")
        )
        case = db.session.scalar(select(Case).where(Case.client_id == client.id))
        version_id = db.session.scalar(select(CaseQualification.version_id).where(CaseQualification.case_id == case.id))
        unit = db.session.scalar(
            select(FrameworkUnit).where(FrameworkUnit.version_id == version_id).order_by(FrameworkUnit.position)
        )
        return SimpleNamespace(case_id=case.id, unit_id=unit.id)


def test_a_glossary_from_upload_to_the_clients_page(browser, live_server, live_app, amina, assert_accessible, tmp_path):
    def actor(email=None):
        page = browser.new_context(locale="en-GB").new_page()
        if email:
            sign_in(page, live_server, live_app, email)
        return page

    recording = tmp_path / "dhawaaq.mp3"
    recording.write_bytes(silent_mp3(3))

    teacher = actor("teacher@example.org")  # Savonia Vocational College
    teacher.locator("nav a", has_text="Material bank").first.click()
    teacher.locator("a.button", has_text="Share a material").click()
    assert_accessible(teacher)
    teacher.select_option("select[name=text_language]", "fi")
    teacher.locator("input[name=title_fi]").fill(TITLE_FI)
    teacher.locator("details summary").click()
    teacher.locator("input[name=title_so]").fill(TITLE_SO)
    teacher.locator("textarea[name=description_so]").fill("Fargeeto, malqaacad, digsi iyo foorno.")
    teacher.locator("textarea[name=description_fi]").fill("Haarukka, lusikka, kattila ja uuni.")
    teacher.select_option("select[name=kind]", "glossary")
    teacher.select_option("select[name=field]", "10")
    teacher.select_option("select[name=unit_ids]", str(amina.unit_id))
    teacher.locator("input[name=languages][value=so]").check()
    teacher.locator("input[name=audiences][value=clients]").check()
    teacher.locator("input[name=audiences][value=counsellors]").check()
    teacher.locator("input[name=tags]").fill("keittiö, fargeeto")
    teacher.locator("input[name=file]").set_input_files(str(recording))
    teacher.locator("main form.material-form button[type=submit]").click()
    expect(teacher.locator("#licence-error")).to_be_visible()  # the licence was missing: asked, nothing lost
    expect(teacher.locator("input[name=title_so]")).to_have_value(TITLE_SO)
    teacher.select_option("select[name=licence]", "cc-by")
    teacher.locator("input[name=file]").set_input_files(str(recording))
    teacher.locator("main form.material-form button[type=submit]").click()
    expect(teacher.locator(".flash-success")).to_be_visible()
    expect(teacher.locator("h1")).to_have_text(TITLE_FI)
    expect(teacher.locator("audio")).to_have_count(1)
    material_url = teacher.url
    assert_accessible(teacher)

    counsellor = actor("counsellor@example.org")  # Kuopio Guidance Centre, another organisation
    counsellor.goto(f"{live_server}/materials/")
    counsellor.locator("input[name=q]").fill("fargeeto")
    counsellor.locator("form.material-filters button[type=submit]").click()
    expect(counsellor.locator(".material-list")).to_contain_text(TITLE_FI)
    expect(counsellor.locator("select[name=language]")).to_contain_text("Soomaali (1)")
    assert_accessible(counsellor)
    counsellor.locator(".material-list a", has_text=TITLE_FI).click()
    audio = counsellor.locator("audio")
    audio.evaluate("a => a.play()")
    counsellor.wait_for_function("() => document.querySelector('audio').currentTime > 0.2")
    assert audio.evaluate("a => a.duration") > 2.5  # the whole recording is there, read by range requests
    assert_accessible(counsellor)

    metadata = json.loads(counsellor.locator("script[type='application/ld+json']").text_content())
    assert metadata["@context"] == "https://schema.org" and metadata["@type"] == "LearningResource"
    assert metadata["learningResourceType"] == "glossary" and "so" in metadata["inLanguage"]
    assert metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert metadata["encoding"][0]["encodingFormat"] == "audio/mpeg"
    feed = ET.fromstring(counsellor.request.get(f"{live_server}/materials/feed.atom?field=10").body())  # noqa: S314
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}id").text and feed.find(f"{ATOM}updated").text
    entry = next(e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}id").text == material_url)
    assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}updated").text
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Savonia Vocational College"
    assert entry.find(f"{ATOM}link[@rel='license']") is not None

    client = actor("client@example.org")  # Amina, whose case aims at the qualification the glossary serves
    client.select_option("#language-select", "so")
    client.locator(".language-form button").click()
    expect(client.locator("html")).to_have_attribute("lang", "so")
    client.goto(f"{live_server}/cases/{amina.case_id}/portfolio/questionnaire")
    panel = client.locator("section.step-materials")
    expect(panel).to_contain_text(TITLE_SO)
    expect(panel.locator("li", has_text=TITLE_SO).locator("audio")).to_have_count(1)
    assert_accessible(client)
    panel.locator("a", has_text=TITLE_SO).click()
    expect(client.locator("h1")).to_have_text(TITLE_SO)
    assert_accessible(client)
    # Amina's saved language goes back to Arabic: the live server is shared with the other browser tests
    client.select_option("#language-select", "ar")
    client.locator(".language-form button").click()
    expect(client.locator("html")).to_have_attribute("lang", "ar")
