"""Who may use the material bank.

Anyone finds the public (Creative Commons) materials; the network's members (administrators, project managers,
counsellors, teachers) use every published material and share their organisation's own, whose pages they keep
(another organisation's material is not found for editing, except by administrators). Workplace tutors and clients
see what is public or meant for them; a members-only material meant for others is not found. Only administrators
withdraw; the members report problems. Withdrawals come last: they change what the routes above use.
"""

from tests.access import MISSING_ID, NOT_FOUND, OK, Access, expect

SHARERS = ("admin", "project_manager", "counsellor", "teacher")
PUBLIC = expect(("admin", "project_manager", "counsellor", "teacher", "workplace_tutor", "client"), anonymous=OK)
SHARE = expect(SHARERS)
KEEP_OWN = expect(SHARERS)
KEEP_FOREIGN = expect(["admin"], other="forbidden", project_manager=NOT_FOUND, counsellor=NOT_FOUND, teacher=NOT_FOUND)
KEEP_MISSING = expect(SHARERS, ok=NOT_FOUND)
# a members-only material for counsellors: the members and nobody else
MEMBERS_ONLY = expect(SHARERS, other=NOT_FOUND, anonymous=NOT_FOUND)
MISSING = expect(ok=NOT_FOUND, other=NOT_FOUND, anonymous=NOT_FOUND)


def build_world(world):
    import io

    from PIL import Image

    from isok.materials import services
    from isok.materials.demo_data import silent_mp3
    from isok.materials.services import Description

    admin = world.users["admin"]
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(picture, "PNG")

    def material(organisation, title, licence="cc-by", audiences=("clients", "teachers")):
        made = services.share_material(
            admin,
            organisation,
            Description(
                title={"en": title},
                description={},
                text_language="en",
                languages=["so", "fi"],
                kind="glossary",
                field="10",
                audiences=list(audiences),
                licence=licence,
                tags=["kitchen"],
                link=None,
                unit_ids=[],
            ),
        )
        services.add_file(admin, made, "sound.mp3", io.BytesIO(silent_mp3(1)))
        services.add_file(admin, made, "picture.png", io.BytesIO(picture.getvalue()))
        return made

    world.material = material(world.org, "Own glossary")
    world.foreign_material = material(world.other_org, "Foreign glossary")
    world.members_material = material(
        world.other_org, "Counsellors' guide", licence="members", audiences=("counsellors",)
    )
    world.material_file = world.material.files[0]
    world.members_file = world.members_material.files[0]
    world.material_picture = world.material.files[1]
    world.members_picture = world.members_material.files[1]


def _objects(endpoint, method, **data):
    return [
        Access(
            endpoint,
            method,
            KEEP_OWN,
            params=lambda w, r: {"material_id": w.material.id},
            data=lambda w, r: data,
            variant="own",
        ),
        Access(
            endpoint,
            method,
            KEEP_FOREIGN,
            params=lambda w, r: {"material_id": w.foreign_material.id},
            data=lambda w, r: data,
            variant="foreign",
        ),
        Access(
            endpoint,
            method,
            KEEP_MISSING,
            params=lambda w, r: {"material_id": MISSING_ID},
            data=lambda w, r: data,
            variant="missing",
        ),
    ]


ROUTES = [
    Access("materials.index", "GET", PUBLIC),
    Access("materials.feed", "GET", PUBLIC),
    Access("materials.collection", "GET", PUBLIC),
    Access("materials.figures", "GET", SHARE),
    Access("materials.new_material", "GET", SHARE),
    Access("materials.new_material", "POST", SHARE),
    Access("materials.material", "GET", PUBLIC, params=lambda w, r: {"material_id": w.material.id}, variant="public"),
    Access(
        "materials.material",
        "GET",
        MEMBERS_ONLY,
        params=lambda w, r: {"material_id": w.members_material.id},
        variant="members only",
    ),
    Access("materials.material", "GET", MISSING, params=lambda w, r: {"material_id": MISSING_ID}, variant="missing"),
    Access("materials.file", "GET", PUBLIC, params=lambda w, r: {"file_id": w.material_file.id}, variant="public"),
    Access(
        "materials.file",
        "GET",
        MEMBERS_ONLY,
        params=lambda w, r: {"file_id": w.members_file.id},
        variant="members only",
    ),
    Access("materials.file", "GET", MISSING, params=lambda w, r: {"file_id": MISSING_ID}, variant="missing"),
    Access(
        "materials.preview", "GET", PUBLIC, params=lambda w, r: {"file_id": w.material_picture.id}, variant="public"
    ),
    Access(
        "materials.preview",
        "GET",
        MEMBERS_ONLY,
        params=lambda w, r: {"file_id": w.members_picture.id},
        variant="members only",
    ),
    Access("materials.preview", "GET", MISSING, params=lambda w, r: {"file_id": MISSING_ID}, variant="missing"),
    Access(  # a sound has no preview
        "materials.preview", "GET", MISSING, params=lambda w, r: {"file_id": w.material_file.id}, variant="none"
    ),
    *_objects("materials.edit_material", "GET"),
    *_objects("materials.edit_material", "POST"),
    *_objects("materials.add_file", "POST"),
    Access(
        "materials.replace_file", "POST", KEEP_OWN, params=lambda w, r: {"file_id": w.material_file.id}, variant="own"
    ),
    Access(
        "materials.replace_file",
        "POST",
        KEEP_FOREIGN,
        params=lambda w, r: {"file_id": w.members_file.id},
        variant="foreign",
    ),
    Access(
        "materials.replace_file", "POST", KEEP_MISSING, params=lambda w, r: {"file_id": MISSING_ID}, variant="missing"
    ),
    Access(
        "materials.report_problem",
        "POST",
        SHARE,
        params=lambda w, r: {"material_id": w.foreign_material.id},
        variant="foreign",
    ),
    Access(
        "materials.report_problem",
        "POST",
        KEEP_MISSING,
        params=lambda w, r: {"material_id": MISSING_ID},
        variant="missing",
    ),
    # Last: a withdrawal changes what the routes above use (an empty reason is refused, the page still answers).
    Access(
        "materials.withdraw",
        "POST",
        expect(["admin"]),
        params=lambda w, r: {"material_id": w.material.id},
        variant="own",
    ),
    Access(
        "materials.withdraw",
        "POST",
        expect(["admin"], ok=NOT_FOUND),
        params=lambda w, r: {"material_id": MISSING_ID},
        variant="missing",
    ),
]
