"""The bank through the browser's eyes: sharing with a file, finding, seeing and playing, versions, conflicts, the
machines' formats, and the steps that show the materials of their units."""

import io
import json
import re
import zipfile
from xml.etree import ElementTree as ET

import feedparser
from sqlalchemy import select

from isok.accounts.models import Role
from isok.extensions import db
from isok.materials import services
from isok.materials.models import Material
from tests import schema_org
from tests.conftest import csrf_token, log_in
from tests.materials.conftest import GLOSSARY, MP3


def _form(units=(), **overrides) -> dict:
    data = {
        "organisation_id": "",
        "text_language": "fi",
        "title_fi": "Keittiön sanasto",
        "title_so": "Erayada jikada",
        "description_fi": "Sanoja",
        "kind": "glossary",
        "field": "10",
        "languages": ["so", "fi"],
        "other_languages": "",
        "audiences": ["clients", "teachers"],
        "licence": "cc-by",
        "tags": "keittiö, jikada",
        "link": "",
        "unit_ids": [str(u.id) for u in units],
    }
    data.update(overrides)
    return data


def test_a_teacher_shares_a_glossary_with_its_recording(client, teacher, units):
    log_in(client, teacher)
    page = client.get("/materials/new")
    data = _form(
        units=units[:1],
        organisation_id=str(teacher.organisation_id),
        csrf_token=csrf_token(page.text),
        file=(io.BytesIO(MP3), "dhawaaq.mp3"),
    )
    response = client.post("/materials/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    material = db.session.scalar(select(Material))
    page = client.get(response.headers["Location"])
    assert "Erayada jikada" in page.text and "<audio controls" in page.text
    assert material.current_files[0].media_type == "audio/mpeg"


def test_a_form_with_bad_input_comes_back_with_the_input_kept(client, teacher):
    log_in(client, teacher)
    page = client.get("/materials/new")
    data = _form(
        organisation_id=str(teacher.organisation_id),
        csrf_token=csrf_token(page.text),
        licence="",
        title_fi="Minun sanastoni",
        file=(io.BytesIO(b"\x00\x01binary"), "words.txt"),
    )
    response = client.post("/materials/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the licence" in response.text and 'value="Minun sanastoni"' in response.text
    assert db.session.scalar(select(Material)) is None


def test_a_file_whose_content_is_not_its_type_is_refused(client, teacher, make_material):
    material = make_material()
    log_in(client, teacher)
    page = client.get(f"/materials/{material.id}")
    response = client.post(
        f"/materials/{material.id}/files",
        data={"csrf_token": csrf_token(page.text), "file": (io.BytesIO(b"<html><script>x</script>"), "song.mp3")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "not accepted" in response.text and material.files == []


def test_a_visitor_searches_a_somali_word_and_plays_the_recording(client, make_material):
    material = make_material(files=[("sanasto.txt", "mindi — veitsi\n".encode()), ("dhawaaq.mp3", MP3)])
    page = client.get("/materials/?q=mindi")
    assert "Kitchen glossary" in page.text and "Soomaali (1)" in page.text
    assert "No material matches." in client.get("/materials/?q=zzzz").text
    audio = material.current_files[1]
    with client.get(f"/materials/files/{audio.id}") as whole:  # streamed from disk: closed when read
        assert whole.status_code == 200 and whole.headers["Content-Type"] == "audio/mpeg"
        assert "attachment" not in whole.headers.get("Content-Disposition", "")
    with client.get(f"/materials/files/{audio.id}", headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206 and part.data == MP3[100:200]
    with client.get(f"/materials/files/{material.current_files[0].id}?download=1") as download:
        assert "attachment" in download.headers["Content-Disposition"]
    db.session.refresh(material)
    assert material.downloads == 1  # playing and seeking count nothing; the download does


def test_a_result_shows_its_content_languages_and_tags_that_find_the_others(client, make_material):
    make_material(languages=["prs", "so", "fi"], tags=["keittiö", "äänitys"])
    make_material(
        title={"fi": "Siivouksen sanat", "en": "Cleaning words"}, description={"en": "Cleaning."}, tags=["siivous"]
    )
    page = client.get("/materials/?q=kitchen").text
    languages = re.search(r"Glossary · [^·]+ · (.+?) · CC BY", page).group(1)
    assert re.findall(r'<span lang="([a-z]+)">', languages) == ["fi", "prs", "so"]  # by code, as the page lists them
    tag = re.search(r'<a href="([^"]+)" class="badge">äänitys</a>', page).group(1)
    found = client.get(f"/materials/{tag}").text
    assert "Kitchen glossary" in found and "Cleaning words" not in found


def test_a_members_only_material_is_not_found_by_visitors(client, make_material):
    material = make_material(licence="members", audiences=["counsellors"])
    assert client.get(f"/materials/{material.id}").status_code == 404
    assert "Kitchen glossary" not in client.get("/materials/").text


def test_the_second_of_two_editors_sees_a_conflict_with_the_input_kept(client, teacher, make_material):
    material = make_material()
    log_in(client, teacher)
    page = client.get(f"/materials/{material.id}/edit")
    services.edit_material(
        teacher,
        material,
        services.Description(**{**vars(_description(material)), "tags": ["changed"]}),
        material.version,
    )
    db.session.commit()
    data = _form(
        organisation_id=str(teacher.organisation_id),
        csrf_token=csrf_token(page.text),
        version=re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1),
        title_fi="Minun muutokseni",
    )
    response = client.post(f"/materials/{material.id}/edit", data=data)
    assert response.status_code == 409 and 'value="Minun muutokseni"' in response.text


def _description(material):
    return services.Description(
        title=material.title,
        description=material.description,
        text_language=material.text_language,
        languages=material.languages,
        kind=material.kind.value,
        field=None,
        audiences=[a.value for a in material.audiences],
        licence=material.licence.value,
        tags=material.tags,
        link=None,
        unit_ids=[],
    )


def test_a_new_version_of_a_file_and_the_history(client, teacher, make_material):
    material = make_material(files=[("sanasto.txt", GLOSSARY)])
    log_in(client, teacher)
    page = client.get(f"/materials/{material.id}")
    response = client.post(
        f"/materials/files/{material.files[0].id}/replace",
        data={
            "csrf_token": csrf_token(page.text),
            "file": (io.BytesIO(GLOSSARY + b"foorno - uuni\n"), "sanasto-2.txt"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Earlier versions" in response.text and "version 2" in response.text


def test_the_feed_and_the_lrmi_metadata_are_well_formed(client, make_material, units):
    material = make_material(unit_ids=[units[0].id], files=[("dhawaaq.mp3", MP3)])
    make_material(title={"fi": "Vain jäsenille"}, licence="members")
    response = client.get("/materials/feed.atom?field=10")
    parsed = feedparser.parse(response.data)  # Atom as a feed reader checks it
    assert parsed.bozo == 0 and parsed.version == "atom10", parsed.get("bozo_exception")
    feed = ET.fromstring(response.data)  # noqa: S314  (our own feed)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}title").text for e in entries] == ["Kitchen glossary"]  # members-only left out
    assert entries[0].find(f"{atom}link[@rel='license']").get("href").startswith("https://creativecommons.org/")
    assert client.get("/materials/feed.atom?field=99").status_code == 404
    page = client.get(f"/materials/{material.id}")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1))
    assert data["@type"] == "LearningResource" and data["inLanguage"] == ["fi", "so"]
    assert data["learningResourceType"] == "glossary" and data["license"].endswith("/by/4.0/")
    assert data["encoding"][0]["encodingFormat"] == "audio/mpeg" and data["teaches"][0].startswith("U1 ")
    schema_org.assert_valid(data)  # every type, property and value as schema.org's vocabulary defines them
    data["about"]["inDefinedTermSet"], data["encoding"][0]["educationalRole"] = "ISCED", "teacher"
    assert schema_org.errors(data) == [
        "LearningResource.encoding[0]: educationalRole is not a property of MediaObject"
        " (its domain: ['EducationalAudience'])",
        "LearningResource.about.inDefinedTermSet: 'ISCED' does not fit the range of inDefinedTermSet"
        " (['DefinedTermSet', 'URL'])",
    ]


def test_a_withdrawn_material_says_so(app, client, make_user, make_material):
    material = make_material()
    admin = make_user(Role.ADMIN)
    log_in(client, admin)
    page = client.get(f"/materials/{material.id}")
    client.post(
        f"/materials/{material.id}/withdraw", data={"csrf_token": csrf_token(page.text), "reason": "Out of date"}
    )
    response = app.test_client().get(f"/materials/{material.id}")
    assert response.status_code == 410 and "Out of date" in response.text


def test_the_steps_show_the_materials_of_their_units(
    app, client, make_user, make_material, make_case, make_interview, units, make_organisation
):
    version = units[0].version
    client_user = make_user(Role.CLIENT, locale="so")
    case = make_case(version=version, client_user=client_user)
    case.client.preferred_language = "so"
    glossary = make_material(unit_ids=[units[0].id], files=[("dhawaaq.mp3", MP3)])
    guide = make_material(
        kind="interview_guide",
        title={"fi": "Haastatteluopas"},
        unit_ids=[units[1].id],
        audiences=["teachers"],
        licence="members",
    )
    old = make_material(kind="glossary", title={"fi": "Vanha sanasto"}, unit_ids=[units[0].id])
    services.withdraw(make_user(Role.ADMIN), old, "Out of date")
    make_material(kind="glossary", title={"fi": "Toinen tutkinto"})  # linked to no unit of the case
    db.session.commit()

    log_in(client, client_user)
    page = client.get(f"/cases/{case.id}/portfolio/questionnaire")
    assert "Erayada jikada" in page.text and "<audio" in page.text  # in the client's language, playing
    assert "Haastatteluopas" not in page.text and "Toinen tutkinto" not in page.text
    assert "Vanha sanasto" in page.text and f'/materials/{old.id}"' not in page.text  # withdrawn: named, no link
    teacher = make_user(Role.TEACHER, organisation=make_organisation())
    interview = make_interview(case, teacher)
    client = app.test_client()
    log_in(client, teacher)
    page = client.get(f"/interviews/{interview.id}")
    assert "Haastatteluopas" in page.text and f"/materials/{guide.id}" in page.text
    assert f'/materials/{glossary.id}"' not in page.text  # glossaries belong to the client's pages


def test_the_upload_forms_take_files_larger_than_other_requests(app, client, teacher, make_material):
    material = make_material()
    log_in(client, teacher)
    page = client.get(f"/materials/{material.id}")
    token = csrf_token(page.text)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4000  # smaller than the recording
    try:
        response = client.post(
            f"/materials/{material.id}/files",
            data={"csrf_token": token, "file": (io.BytesIO(MP3), "dhawaaq.mp3")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        refused = client.post(f"/materials/{material.id}/report", data={"csrf_token": token, "text": "x" * 5000})
        assert refused.status_code == 413
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert [file.name for file in material.current_files] == ["dhawaaq.mp3"]


def test_refused_withdraw_and_report_forms_come_back_with_what_was_typed(
    app, client, make_user, make_material, make_organisation
):
    material = make_material(files=[("dhawaaq.mp3", MP3)])
    admin = make_user(Role.ADMIN)
    log_in(client, admin)
    token = csrf_token(client.get(f"/materials/{material.id}").text)
    reason = "Vanhentunut: " + "sanasto " * 300  # longer than a reason may be
    response = client.post(f"/materials/{material.id}/withdraw", data={"csrf_token": token, "reason": reason})
    assert response.status_code == 400 and 'id="reason-error"' in response.text
    assert reason.strip() in response.text and not material.withdrawn
    file_id = material.current_files[0].id
    response = client.post(
        f"/materials/files/{file_id}/replace",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-not really"), "fake.mp3")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and f'id="replace-{file_id}-error"' in response.text
    counsellor = make_user(Role.COUNSELLOR, organisation=make_organisation())
    client = app.test_client()
    log_in(client, counsellor)
    text = "Ääninauhoite katkeaa " * 120
    response = client.post(f"/materials/{material.id}/report", data={"csrf_token": token, "text": text})
    assert response.status_code == 400 and 'id="text-error"' in response.text and text.strip() in response.text


def test_a_search_s_materials_download_as_one_zip_with_their_metadata(client, make_material):
    glossary = make_material(files=[("sanasto.txt", GLOSSARY), ("dhawaaq.mp3", MP3)])
    make_material(title={"fi": "Jäsenille"}, licence="members", files=[("muistio.txt", b"vain meille")])
    make_material(title={"fi": "Siivous", "so": "Nadiifin"}, tags=["siivous"], files=[("siivous.txt", b"moppi")])
    page = client.get("/materials/?q=mindi")
    assert "/materials/collection.zip?q=mindi" in page.text
    with client.get("/materials/collection.zip?q=mindi") as response:  # a visitor: the public materials found
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.data)) as packed:
            names = sorted(packed.namelist())
            metadata = json.loads(packed.read("metadata.json"))
            assert packed.read(f"{glossary.id}-Kitchen-glossary/01-sanasto.txt") == GLOSSARY
    assert names == [
        f"{glossary.id}-Kitchen-glossary/01-sanasto.txt",
        f"{glossary.id}-Kitchen-glossary/02-dhawaaq.mp3",
        "metadata.json",
    ]
    assert [item["name"] for item in metadata["@graph"]] == ["Kitchen glossary"]
    schema_org.assert_valid({"@context": metadata["@context"], **metadata["@graph"][0]})
    db.session.refresh(glossary)
    assert glossary.downloads == 1
    with client.get("/materials/collection.zip") as everything, zipfile.ZipFile(io.BytesIO(everything.data)) as packed:
        assert not any("muistio" in name for name in packed.namelist())  # members only: not a visitor's
