"""The bank's rules: what a material must say, which files pass, versions, withdrawal, and what each person finds."""

import io

import pytest
from sqlalchemy import select

from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from isok.materials import access, facet_index, queries, services
from isok.materials.models import Material, MaterialStatus
from isok.rules import Stale
from tests.materials.conftest import GLOSSARY, MP3, description


def _actions():
    return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_sharing_a_material_publishes_it_and_leaves_a_trace(make_material, units):
    material = make_material(unit_ids=[units[0].id], files=[("sanasto.txt", GLOSSARY), ("dhawaaq.mp3", MP3)])
    assert material.status is MaterialStatus.PUBLISHED
    assert material.languages == ["fi", "so"]
    assert [file.media_type for file in material.current_files] == ["text/plain", "audio/mpeg"]
    assert [unit.code for unit in material.units] == ["U1"]
    assert _actions()[-3:] == ["material_shared", "material_file_added", "material_file_added"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"licence": None}, "licence"),
        ({"title": {}}, "title"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "file:///etc/passwd"}, "link"),
        ({"languages": []}, "languages"),
        ({"languages": ["somali!"]}, "other_languages"),
        ({"audiences": []}, "audiences"),
    ],
)
def test_a_material_missing_what_it_needs_is_refused_on_its_field(teacher, overrides, field):
    with pytest.raises(services.MaterialError) as refused:
        services.share_material(teacher, teacher.organisation, description(**overrides))
    assert refused.value.field == field


def test_a_language_the_interface_does_not_speak_is_kept_and_found(make_material, teacher):
    make_material(languages=["prs", "fi"], title={"fi": "Dari-sanasto"}, description={"fi": "Sanoja: khana"})
    found = queries.find(teacher, queries.Filters(q="khana", language="prs")).materials
    assert [m.languages for m in found] == [["fi", "prs"]]


def test_another_organisation_cannot_share_in_ones_name_or_edit(make_material, make_user, make_organisation):
    material = make_material()
    stranger = make_user(Role.TEACHER, organisation=make_organisation())
    with pytest.raises(services.MaterialError):
        services.share_material(stranger, material.organisation, description())
    with pytest.raises(services.MaterialError):
        services.edit_material(stranger, material, description(), material.version)


def test_two_people_editing_at_once_the_second_is_told_and_nothing_is_lost(make_material, teacher):
    material = make_material()
    loaded = material.version
    services.edit_material(teacher, material, description(tags=["first"]), loaded)
    db.session.commit()
    with pytest.raises(Stale):
        services.edit_material(teacher, material, description(tags=["second"]), loaded)
    db.session.rollback()
    assert material.tags == ["first"]


def test_file_content_decides_its_type(make_material, teacher):
    material = make_material()
    with pytest.raises(services.MaterialError, match="not accepted"):
        services.add_file(teacher, material, "song.mp3", io.BytesIO(b"MZ\x90\x00 not a sound at all \x00\x01"))
    with pytest.raises(services.MaterialError, match="damaged"):
        broken = b"\x00\x00\x00\x20ftypisom" + bytes(8) + b"\x00\x00\x10\x00moov"  # a box longer than the file
        services.add_file(teacher, material, "clip.mp4", io.BytesIO(broken))
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free"
    assert services.add_file(teacher, material, "clip", io.BytesIO(mp4)).media_type == "video/mp4"
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(32)
    assert services.add_file(teacher, material, "clip.webm", io.BytesIO(webm)).name == "clip.webm"


def test_files_are_limited_by_their_kind(app, make_material, teacher):
    material = make_material()
    app.config["MAX_MEDIA_MB"] = 0
    try:
        with pytest.raises(services.MaterialError, match="too large"):
            services.add_file(teacher, material, "dhawaaq.mp3", io.BytesIO(MP3))
    finally:
        app.config["MAX_MEDIA_MB"] = 500
    assert services.add_file(teacher, material, "sanasto.txt", io.BytesIO(GLOSSARY)).size == len(GLOSSARY)


def test_a_new_version_keeps_the_old_one_in_the_history(make_material, teacher):
    material = make_material(files=[("sanasto.txt", GLOSSARY)])
    [first] = material.current_files
    second = services.replace_file(teacher, first, "sanasto.txt", io.BytesIO(GLOSSARY + "foorno — uuni\n".encode()))
    db.session.commit()
    assert material.current_files == [second] and second.revision == 2 and second.previous_id == first.id
    assert first.superseded_at is not None
    found = queries.find(teacher, queries.Filters(q="foorno")).materials
    assert found == [material]
    with pytest.raises(services.MaterialError):
        services.replace_file(teacher, first, "sanasto.txt", io.BytesIO(GLOSSARY))
    assert _actions()[-1] == "material_file_replaced"


def test_the_words_of_a_text_file_are_found_in_every_script(make_material, teacher):
    make_material(files=[("glossary.txt", "سكين — veitsi\nнож — veitsi\n".encode())])
    for word in ("سكين", "нож", "VEITSI", "veits"):
        assert len(queries.find(teacher, queries.Filters(q=word)).materials) == 1, word
    assert queries.find(teacher, queries.Filters(q="uuni")).materials == []


def test_clients_tutors_and_visitors_find_only_what_is_meant_for_them(make_material, make_user, teacher):
    public = make_material(title={"fi": "Julkinen"}, audiences=["teachers"], licence="cc-by")
    for_clients = make_material(title={"fi": "Asiakkaille"}, audiences=["clients"], licence="members")
    members = make_material(title={"fi": "Jäsenille"}, audiences=["counsellors"], licence="members")
    client, tutor = make_user(Role.CLIENT), make_user(Role.WORKPLACE_TUTOR)

    def found(user):
        return {m.id for m in queries.find(user, queries.Filters()).materials}

    assert found(teacher) == {public.id, for_clients.id, members.id}
    assert found(client) == {public.id, for_clients.id}
    assert found(tutor) == {public.id}
    assert found(None) == {public.id}


def test_facets_count_the_matching_materials(make_material, teacher, units):
    make_material(unit_ids=[units[0].id])
    make_material(kind="criteria", languages=["fi"], unit_ids=[units[1].id])
    facets = queries.find(teacher, queries.Filters(kind="glossary")).facets
    assert facets["kind"] == [("glossary", 1)]
    assert sorted(facets["language"]) == [("fi", 1), ("so", 1)]
    assert facets["unit"] == [(str(units[0].id), 1)]
    every = queries.find(teacher, queries.Filters()).facets
    assert sorted(every["kind"]) == [("criteria", 1), ("glossary", 1)] and every["language"][0] == ("fi", 2)


def test_only_an_administrator_withdraws_with_a_reason(make_material, make_user, teacher):
    material = make_material()
    with pytest.raises(services.MaterialError):
        services.withdraw(teacher, material, "old")
    admin = make_user(Role.ADMIN)
    with pytest.raises(services.MaterialError, match="why"):
        services.withdraw(admin, material, " ")
    services.withdraw(admin, material, "Out of date")
    db.session.commit()
    assert material.withdrawn and queries.find(teacher, queries.Filters()).materials == []
    assert _actions()[-1] == "material_withdrawn"


def test_members_report_problems_to_the_owner(make_material, make_user, make_organisation):
    material = make_material()
    counsellor = make_user(Role.COUNSELLOR, organisation=make_organisation())
    services.report_problem(counsellor, material, "The word for oven is misspelt.")
    db.session.commit()
    assert [r.text for r in services.problem_reports(material)] == ["The word for oven is misspelt."]
    with pytest.raises(services.MaterialError):
        services.report_problem(make_user(Role.CLIENT), material, "x")


def test_the_facets_follow_every_change_of_the_bank(make_material, make_user, teacher):
    first = make_material()
    assert queries.find(teacher, queries.Filters()).facets["kind"] == [("glossary", 1)]
    make_material(kind="criteria")
    assert sorted(queries.find(teacher, queries.Filters()).facets["kind"]) == [("criteria", 1), ("glossary", 1)]
    services.withdraw(make_user(Role.ADMIN), first, "Out of date")
    db.session.commit()
    assert queries.find(teacher, queries.Filters()).facets["kind"] == [("criteria", 1)]


def test_the_search_bitmaps_follow_each_change_and_agree_with_the_rules(app, make_material, make_user, teacher):
    """Changes are read into the kept bitmaps one by one; they end as a whole reading would make them, most
    recently changed first, and each reader finds what the SQL rule of access.py lets them use."""
    first = make_material(title={"fi": "Ensimmäinen"})
    second = make_material(title={"fi": "Toinen"}, licence="members", audiences=["clients"])
    kept = facet_index.current()
    third = make_material(title={"fi": "Kolmas"}, licence="members", audiences=["counsellors"], languages=["prs"])
    services.edit_material(teacher, first, description(title={"fi": "Ensimmäinen, uusi"}), first.version)
    services.withdraw(make_user(Role.ADMIN), second, "Out of date")
    db.session.commit()
    updated = facet_index.current()
    assert updated.generation == kept.generation and updated.version > kept.version  # by the changes, not whole
    assert updated.slots[:2] == [None, None] and kept.slots == [first.id, second.id]  # the kept one as it was
    whole = facet_index._refreshed(None, updated.generation, updated.version)
    assert {k: updated.page(v, 0, 10) for k, v in updated.bits.items() if v} == {
        k: whole.page(v, 0, 10) for k, v in whole.bits.items() if v
    }
    assert [m.id for m in queries.find(teacher, queries.Filters()).materials] == [first.id, third.id]
    for user in (teacher, make_user(Role.CLIENT), make_user(Role.WORKPLACE_TUTOR), None):
        rule = set(db.session.scalars(select(Material.id).where(access.usable_condition(user))))
        assert {m.id for m in queries.find(user, queries.Filters()).materials} == rule
    assert queries.find(teacher, queries.Filters(language="prs")).facets["language"] == [("prs", 1)]


def test_a_download_is_no_change_of_the_bank(client, make_material):
    material = make_material(files=[("sanasto.txt", b"mindi veitsi")])
    before = (material.updated_at, facet_index.current().version)
    with client.get(f"/materials/files/{material.current_files[0].id}?download=1"):
        pass
    db.session.refresh(material)
    assert material.downloads == 1 and (material.updated_at, facet_index.current().version) == before
