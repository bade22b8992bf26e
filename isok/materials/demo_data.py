"""Demo data for the material bank: a living bank of the network's organisations for the catering and cleaning
qualifications: interview guides, a Somali–Finnish kitchen glossary with its pronunciation recording, an Arabic
one, criteria templates, a picture set, a members-only guide, a material withdrawn, some downloads.

Idempotent: a material is looked up by its English title before it is made; everything goes through the services.
"""

import io

from PIL import Image, ImageDraw
from sqlalchemy import select, update

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion, VersionStatus
from isok import demo
from isok.extensions import db
from isok.materials import services
from isok.materials.models import Material
from isok.materials.services import Description

FRAME = b"\xff\xfb\x90\x00" + bytes(413)  # one MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz) of silence


def silent_mp3(seconds: float = 1.0) -> bytes:
    """A short MP3 to stand for a recording (26 ms a frame)."""
    return FRAME * max(int(seconds * 38.28), 1)


def picture(text: str, colour: str) -> bytes:
    image = Image.new("RGB", (480, 320), colour)
    ImageDraw.Draw(image).text((24, 140), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


SOMALI_GLOSSARY = """Erayada jikada · Keittiön sanasto · Kitchen words
mindi — veitsi — knife
digsi — kattila — pot
foorno — uuni — oven
qaboojiye — jääkaappi — fridge
gacmo dhaqid — käsienpesu — hand washing
nadaafad — hygienia — hygiene
saxan — lautanen — plate
cunto karin — ruoanvalmistus — cooking
"""

ARABIC_GLOSSARY = """مفردات المطبخ · Keittiön sanasto · Kitchen words
سكين — veitsi — knife
قدر — kattila — pot
فرن — uuni — oven
ثلاجة — jääkaappi — fridge
غسل اليدين — käsienpesu — hand washing
"""

INTERVIEW_GUIDE = """Haastatteluopas: Työskentely ruokapalveluissa (RC-FS)
1. Kerro keittiöstä, jossa olet työskennellyt. Mitä ruokia valmistit ja kuinka monelle?
2. Miten huolehdit hygieniasta ja käsienpesusta työn aikana?
3. Miten säilytät kylmiä ja lämpimiä ruokia?
4. Näytä kuvista, mitä välineitä käytät leikkaamiseen ja kypsentämiseen.
"""

CRITERIA = """Arviointikriteerit: Asiakaspalvelu ja tarjoilu (RC-CS)
Tyydyttävä T1: palvelee asiakasta ohjattuna ja tervehtii.
Hyvä H3: palvelee asiakasta itsenäisesti ja kertoo ruokien sisällöstä.
Kiitettävä K5: ennakoi asiakkaan tarpeet ja ratkaisee ongelmatilanteet.
"""


def _units(codes: list[str]) -> list[int]:
    return list(
        db.session.scalars(
            select(FrameworkUnit.id)
            .join(FrameworkVersion)
            .where(FrameworkUnit.code.in_(codes), FrameworkVersion.status == VersionStatus.PUBLISHED)
        )
    )


# titles, descriptions, text language, content languages, kind, field, audiences, licence, tags, units, organisation,
# files [(name, bytes)], downloads
MATERIALS = [
    (
        {
            "fi": "Keittiön sanasto somaliksi ja suomeksi",
            "so": "Erayada jikada: af-Soomaali iyo af-Finnish",
            "en": "Kitchen glossary in Somali and Finnish",
        },
        {
            "fi": "Keittiön tärkeimmät sanat somaliksi, suomeksi ja englanniksi, ääntämisnauhoitteen kanssa.",
            "so": "Erayada ugu muhiimsan ee jikada, af-Soomaali, af-Finnish iyo Ingiriis, oo leh cod dhawaaq.",
            "en": "The kitchen's key words in Somali, Finnish and English, with a pronunciation recording.",
        },
        "fi",
        ["so", "fi", "en"],
        "glossary",
        "10",
        ["clients", "teachers", "counsellors"],
        "cc-by",
        ["keittiö", "sanasto", "jikada"],
        ["RC-FS"],
        "Joensuu Adult Education Centre",
        [("erayada-jikada.txt", SOMALI_GLOSSARY.encode()), ("dhawaaq.mp3", silent_mp3(2))],
        14,
    ),
    (
        {
            "fi": "Keittiön sanasto arabiaksi ja suomeksi",
            "ar": "مفردات المطبخ بالعربية والفنلندية",
            "en": "Kitchen glossary in Arabic and Finnish",
        },
        {
            "fi": "Keittiön perussanat arabiaksi ja suomeksi.",
            "ar": "الكلمات الأساسية في المطبخ بالعربية والفنلندية.",
            "en": "Basic kitchen words in Arabic and Finnish.",
        },
        "fi",
        ["ar", "fi", "en"],
        "glossary",
        "10",
        ["clients", "teachers"],
        "cc-by-sa",
        ["keittiö", "sanasto"],
        ["RC-FS"],
        "Savonia Vocational College",
        [("kitchen-arabic.txt", ARABIC_GLOSSARY.encode())],
        9,
    ),
    (
        {"fi": "Haastatteluopas: työskentely ruokapalveluissa", "en": "Interview guide: working in food service"},
        {
            "fi": "Kysymykset osaamisen tunnistamiseen haastattelussa, kuvien kanssa.",
            "en": "Questions for recognising competence in the interview, with pictures.",
        },
        "fi",
        ["fi"],
        "interview_guide",
        "10",
        ["teachers", "counsellors"],
        "cc-by-nc",
        ["haastattelu", "ruokapalvelu"],
        ["RC-FS"],
        "Savonia Vocational College",
        [("haastatteluopas-rc-fs.txt", INTERVIEW_GUIDE.encode())],
        22,
    ),
    (
        {"fi": "Arviointikriteerit: asiakaspalvelu ja tarjoilu", "en": "Criteria template: customer service"},
        {
            "fi": "Tason 1–5 kriteerit näyttöä ja työpaikkajaksoa varten.",
            "en": "Criteria for levels 1–5 for the demonstration and the placement.",
        },
        "fi",
        ["fi", "sv"],
        "criteria",
        "10",
        ["teachers", "tutors"],
        "cc-by",
        ["kriteerit", "tarjoilu"],
        ["RC-CS"],
        "Savonia Vocational College",
        [("kriteerit-rc-cs.txt", CRITERIA.encode())],
        11,
    ),
    (
        {"fi": "Kuvasarja: siivousvälineet", "en": "Picture set: cleaning tools"},
        {
            "fi": "Kuvat siivousvälineistä asiakkaille, jotka lukevat vähän.",
            "en": "Pictures of cleaning tools for clients who read little.",
        },
        "fi",
        ["fi"],
        "pictures",
        "10",
        ["clients", "counsellors"],
        "cc0",
        ["siivous", "kuvat"],
        ["CP-CS", "CP-MC"],
        "Kuopio Guidance Centre",
        [("moppi.png", picture("moppi / mop", "#cde")), ("imuri.png", picture("imuri / vacuum cleaner", "#edc"))],
        5,
    ),
    (
        {
            "fi": "Ohjaajan opas: osaamisen tunnistaminen tulkin kanssa",
            "en": "Counsellor's guide: working with an interpreter",
        },
        {
            "fi": "Verkoston sisäinen opas tulkin kanssa käytäviin haastatteluihin.",
            "en": "The network's internal guide to interviews with an interpreter.",
        },
        "fi",
        ["fi"],
        "text",
        "00",
        ["counsellors"],
        "members",
        ["tulkki", "haastattelu"],
        [],
        "Kuopio Guidance Centre",
        [],
        3,
    ),
]


def load(admin) -> None:
    for (
        titles,
        descriptions,
        text_language,
        languages,
        kind,
        field,
        audiences,
        licence,
        tags,
        units,
        organisation,
        files,
        downloads,
    ) in MATERIALS:
        if db.session.scalar(select(Material.id).where(Material.search_text.contains(titles["en"].casefold()))):
            continue
        material = services.share_material(
            admin,
            demo.organisation(organisation),
            Description(
                title=titles,
                description=descriptions,
                text_language=text_language,
                languages=languages,
                kind=kind,
                field=field,
                audiences=audiences,
                licence=licence,
                tags=tags,
                link=None,
                unit_ids=_units(units),
            ),
        )
        for name, data in files:
            services.add_file(admin, material, name, io.BytesIO(data))
        db.session.execute(
            update(Material)
            .where(Material.id == material.id)
            .values(downloads=downloads)
            .execution_options(synchronize_session=False)
        )
    _withdrawn(admin)


def _withdrawn(admin) -> None:
    title = "Old hygiene passport questions (2019)"
    if db.session.scalar(select(Material.id).where(Material.search_text.contains(title.casefold()))):
        return
    material = services.share_material(
        admin,
        demo.organisation("Savonia Vocational College"),
        Description(
            title={"en": title, "fi": "Vanhat hygieniapassin kysymykset (2019)"},
            description={},
            text_language="en",
            languages=["fi"],
            kind="self_assessment",
            field="10",
            audiences=["clients", "teachers"],
            licence="cc-by",
            tags=["hygienia"],
            link="https://www.ruokavirasto.fi/",
            unit_ids=_units(["RC-FS"]),
        ),
    )
    services.withdraw(
        admin, material, "The questions follow rules that no longer apply; use the current hygiene passport material."
    )
