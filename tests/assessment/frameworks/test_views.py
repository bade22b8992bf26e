import io
import json

from sqlalchemy import select

from assessment.frameworks import services as framework_services
from assessment.frameworks.models import FrameworkVersion, VersionStatus
from isok.accounts.models import Role
from isok.extensions import db
from tests.assessment.conftest import framework_document, sample_text


def html(response) -> str:
    return response.get_data(as_text=True)


# --- frameworks ------------------------------------------------------------------------------------------------


def test_admin_imports_a_framework_file_as_a_draft(client, login, make_user, scales):
    login(make_user(Role.ADMIN))
    response = client.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(sample_text().encode()), "c.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    version = db.session.scalar(select(FrameworkVersion))
    assert (version.framework.code, version.status) == ("fi-vq-restaurant-catering", VersionStatus.DRAFT)
    page = html(client.get(response.headers["Location"]))
    assert "Working in food service" in page and "Publish" in page


def test_a_broken_file_is_refused_with_every_problem_located(client, login, make_user, scales):
    login(make_user(Role.ADMIN))
    doc = framework_document(scale="nope")
    doc["units"][1]["outcomes"][0]["text"]["fi"] = ""
    text = json.dumps(doc, indent=2)
    response = client.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(text.encode()), "broken.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = html(response)
    scale_line = text.splitlines().index('  "scale": "nope",') + 1
    assert "units[1].outcomes[0].text.fi" in page and "Unknown assessment scale" in page
    assert f"line {scale_line}</span> <code>scale</code>" in page
    assert db.session.scalar(select(FrameworkVersion)) is None


def test_admin_builds_a_framework_in_the_ui_and_publishes_it(client, login, make_user, scales):
    login(make_user(Role.ADMIN))
    scale = framework_services.scale_by_code("fi-vocational-1-5")
    response = client.post(
        "/frameworks/new", data={"code": "fi-vq-test", "name_fi": "Testi", "name_en": "Test", "scale_id": scale.id}
    )
    assert response.status_code == 302
    version = db.session.scalar(select(FrameworkVersion))
    response = client.post(
        f"/frameworks/versions/{version.id}/units", data={"code": "T1", "name_en": "Serving", "credits": "20"}
    )
    assert response.status_code == 302
    unit = db.session.scalar(select(FrameworkVersion)).units[0]
    response = client.post(f"/frameworks/units/{unit.id}/outcomes", data={"code": "T1.1", "text_en": "serves food"})
    assert response.status_code == 302
    outcome_url = response.headers["Location"]
    response = client.post(
        outcome_url,
        data={
            "code": "T1.1",
            "text_en": "serves food",
            "text_sv": "serverar mat",
            "criterion_1_en": "with help",
            "criterion_5_fi": "sujuvasti",
        },
    )
    assert response.status_code == 302
    client.post(f"/frameworks/versions/{version.id}/publish")
    version = db.session.get(FrameworkVersion, version.id)
    assert version.status == VersionStatus.PUBLISHED
    outcome = version.units[0].outcomes[0]
    assert outcome.text == {"en": "serves food", "sv": "serverar mat"}
    assert {c.level_code: c.text for c in outcome.criteria} == {"1": {"en": "with help"}, "5": {"fi": "sujuvasti"}}


def test_a_duplicate_unit_code_is_shown_on_the_field_with_the_input_kept(client, login, make_user, make_version):
    login(make_user(Role.ADMIN))
    draft = make_version(publish=False)
    response = client.post(f"/frameworks/versions/{draft.id}/units", data={"code": "U1", "name_en": "Kept text"})
    assert response.status_code == 400
    assert "already used" in html(response) and 'value="Kept text"' in html(response)


def test_editing_a_published_version_opens_a_new_draft(client, login, make_user, make_version):
    login(make_user(Role.ADMIN))
    published = make_version()
    response = client.post(f"/frameworks/versions/{published.id}/draft")
    draft = db.session.scalar(select(FrameworkVersion).where(FrameworkVersion.number == 2))
    assert response.headers["Location"].endswith(f"/frameworks/versions/{draft.id}")
    response = client.post(f"/frameworks/units/{published.units[0].id}", data={"code": "X", "name_en": "changed"})
    assert response.status_code == 400 and "start a new draft" in html(response)


def test_export_downloads_the_version_as_json(client, login, make_user, make_version):
    version = make_version()
    login(make_user(Role.TEACHER))
    response = client.get(f"/frameworks/versions/{version.id}/export")
    assert response.headers["Content-Disposition"] == 'attachment; filename="TEST-Q-v1.json"'
    assert response.json["units"][0]["outcomes"][0]["criteria"]["3"] == {"en": "independently"}


def test_readers_do_not_see_drafts(client, login, make_user, make_version):
    make_version(framework_document("PUBLIC-Q"))
    make_version(framework_document("DRAFT-Q"), publish=False)
    login(make_user(Role.COUNSELLOR))
    page = html(client.get("/frameworks"))
    assert "PUBLIC-Q" in page and "DRAFT-Q" not in page
