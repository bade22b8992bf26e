"""The certificate's pages: one section per page where it fits, no near-empty page, page numbers, heading sizes,
and a tagged PDF/A in which every section speaks its own language."""

import io
import re
import subprocess

import pypdf

from certificates import content, rendering
from certificates.texts import LANGUAGES
from tests.certificates.samples import LEVELS, results

MM = 72 / 25.4
BODY_TOP, BODY_BOTTOM = 14 * MM, 32 * MM  # certificate.css: the page margins; the footer sits in the bottom one

OUTCOMES = [
    "plans own work",
    "prepares food following recipes and hygiene rules",
    "serves customers",
    "works safely and ergonomically",
    "uses and cleans kitchen equipment and utensils",
    "sets up the serving line and buffet",
    "serves food and drinks",
    "takes customers' special diets into account",
]


def _unit(code: str, name: str, texts: list[str]) -> dict:
    label = {"en": "Satisfactory 1", "fi": "Tyydyttävä 1", "sv": "Nöjaktiga 1"}
    return {
        "code": code,
        "name": {"en": name},
        "credits": 25,
        "formally_recognised": False,
        "outcomes": [
            {
                "code": f"{code}.{n}",
                "text": {"en": text},
                "level": {"code": "1", "label": label},
                "shown_by": ["interview", "workplace"],
            }
            for n, text in enumerate(texts, start=1)
        ],
    }


def _snapshot(languages, units) -> dict:
    data = results(
        units=units,
        scale={
            **results()["scale"],
            "levels": [
                *LEVELS[:1],
                {"code": "1", "label": {"en": "Satisfactory 1", "fi": "Tyydyttävä 1"}, "passing": True},
            ],
        },
    )
    return {
        "schema": 1,
        "languages": languages,
        "holder": {
            "first_name": "Amina",
            "last_name": "Hassan",
            "full_name": "Amina Hassan",
            "birth_date": "1988-04-12",
        },
        "qualification": data["qualification"],
        "scale": data["scale"],
        "units": content._demonstrated_units(data),
        "assessors": [*data["assessors"], {"name": "Leena Ohjaaja", "role": "counsellor", "organisation": "Kuopio"}],
        "issuer": {
            "name": "Kuopio Guidance Centre",
            "type": "education_provider",
            "municipality": "Kuopio",
            "education_provider": True,
        },
        "formally_recognised": False,
        "place": "Kuopio",
        "decided_on": "2026-12-05",
        "number": "ISOK-2026-000002",
        "verification_code": "QJDJ-XCAT-SMIX-JU54-7GSR-ENFU-O2CL-YBWA",
        "issued_on": "2026-12-05",
    }


def _render(tmp_path, snapshot):
    path = tmp_path / "c.pdf"
    data = rendering.render_certificate_pdf(snapshot)
    path.write_bytes(data)
    return path, data


def _fill(path) -> list[float]:
    """How far down each page's body its text reaches, as a share of the body's height (the footer left out)."""
    out = subprocess.run(  # noqa: S603
        ["pdftotext", "-bbox", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shares = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        limit = float(height) - BODY_BOTTOM
        lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', body) if float(y) < limit)
        shares.append((lowest - BODY_TOP) / (limit - BODY_TOP))
    return shares


def _page_text(path, page: int) -> str:
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_nine_language_certificate_has_a_page_per_section_each_numbered(app, tmp_path):
    # Two units of five and three outcomes, as in the demo: each section used to spill onto a nearly empty page.
    units = [
        _unit("RC-FS", "Working in food service", OUTCOMES[:5]),
        _unit("RC-CS", "Customer service and serving", OUTCOMES[5:]),
    ]
    path, _data = _render(tmp_path, _snapshot(list(LANGUAGES), units))
    fill = _fill(path)
    assert len(fill) == 9 and min(fill) > 0.5, fill
    pages = {1: "Sivu 1 / 9", 2: "Sida 2 / 9", 3: "Page 3 / 9", 6: "Страница 6 / 9", 8: "ገጽ 8 / 9", 9: "Сторінка 9 / 9"}
    for page, number in pages.items():
        assert number in _page_text(path, page), page
    arabic = " ".join(_page_text(path, 4).split())
    assert "الصفحة 4 من 9" in arabic or "الصفحة ‪4‬ من ‪9" in arabic or re.search(r"الصفحة\W+4\W+من\W+9", arabic)
    finnish = " ".join(_page_text(path, 1).split())
    assert "Tyydyttävä 1" in finnish and "1 Tyydyttävä" not in finnish  # the level's digit once


def test_a_long_section_never_ends_on_a_nearly_empty_page(app, tmp_path):
    # Sixteen outcomes or more: without care the section's last page held the verification line and nothing else.
    extra = ["keeps the storeroom in order", "orders supplies"]
    for languages, second, closing in ((["fi"], OUTCOMES, "Arvioijat"), (["ar"], OUTCOMES + extra, "المقيّمون")):
        units = [
            _unit("U1", "Unit 1", [f"{text} (a)" for text in OUTCOMES]),
            _unit("U2", "Unit 2", [f"{text} (b)" for text in second]),
        ]
        path, _data = _render(tmp_path, _snapshot(languages, units))
        fill = _fill(path)
        assert len(fill) == 2 and min(fill) > 0.2, fill
        last = " ".join(_page_text(path, 2).split())
        # The closing block (assessors, dates, number) took the last two rows of the table before it along.
        assert all(text in last for text in second[-2:]), last  # (pdftotext moves the "(b)" of an RTL line)
        assert closing in last and second[-3] not in last


def test_titles_and_headings_have_one_size_in_every_script(app, tmp_path):
    _path, data = _render(tmp_path, _snapshot(list(LANGUAGES), [_unit("U1", "Unit", OUTCOMES[:2])]))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert [_text_sizes(page)[0] for page in reader.pages] == [17.0] * len(LANGUAGES)  # Tigrinya's title shrank
    headings = {size for page in reader.pages for size in _text_sizes(page) if size > 10.5}
    assert headings == {17.0, 11.0}  # the title, and the unit and assessors headings (the issuer's name too)


def _text_sizes(page) -> list[float]:
    """The size, in points, each piece of text on the page is drawn at, in drawing order."""
    sizes = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, font, size: text.strip() and sizes.append(round(size * tm[0] * cm[0], 1))
    )
    return sizes


def _structure(reader) -> list[tuple[int, str, str]]:
    """(depth, tag, language) of each structure element, in the tree's order."""
    found = []

    def walk(node, depth):
        node = node.get_object()
        if not isinstance(node, dict) or "/S" not in node:
            return
        found.append((depth, node["/S"], str(node.get("/Lang", "-"))))
        for kid in node.get("/K", []):
            if hasattr(kid, "get_object"):
                walk(kid, depth + 1)

    for kid in reader.trailer["/Root"]["/StructTreeRoot"].get_object()["/K"]:
        walk(kid, 0)
    return found


def test_the_pdf_is_tagged_pdfa_3a_and_each_section_speaks_its_language(app, tmp_path):
    snapshot = _snapshot(["fi", "ar", "ti"], [_unit("U1", "Working in food service", OUTCOMES[:3])])
    snapshot["units"][0]["outcomes"][0]["text"]["ar"] = "يخطط لعمله"
    _path, data = _render(tmp_path, snapshot)
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "fi"
    metadata = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="A"' in metadata
    tree = _structure(reader)
    assert [lang for depth, tag, lang in tree if tag == "/Sect"] == ["fi", "ar", "ti"]
    # Inside the Arabic section, the texts that fell back to English are tagged English; the Arabic one is not.
    arabic = tree[[i for i, (_d, tag, _l) in enumerate(tree) if tag == "/Sect"][1] :]
    assert ("/NonStruct", "en") in [(tag, lang) for _d, tag, lang in arabic]
    # Each section is a Sect holding its title as H1 and its unit and closing headings as H2, in the reading order.
    sections = [i for i, (_d, tag, _l) in enumerate(tree) if tag == "/Sect"]
    for start, end in zip(sections, [*sections[1:], len(tree)], strict=True):
        depth = tree[start][0]
        inside = [tag for d, tag, _l in tree[start + 1 : end] if d > depth and tag in ("/H1", "/H2")]
        assert inside == ["/H1", "/H2", "/H2"]  # the title, the unit, the assessors
    # The footers (margin boxes) are in the tree too, in their page's language.
    top = [(tag, lang) for depth, tag, lang in tree if depth == 1]
    assert top[0] == ("/Sect", "fi") and ("/NonStruct", "ar") in top and ("/NonStruct", "ti") in top


def test_the_qr_code_is_a_figure_whose_alternative_text_is_in_its_page_language(app, tmp_path):
    snapshot = _snapshot(["fi", "ar"], [_unit("U1", "Working in food service", OUTCOMES[:3])])
    _path, data = _render(tmp_path, snapshot)
    reader = pypdf.PdfReader(io.BytesIO(data))
    figures = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict) or "/S" not in node:
            return
        if node["/S"] == "/Figure":
            figures.append((str(node.get("/Lang", "-")), node.get("/Alt"), node["/A"]["/BBox"]))
        for kid in node.get("/K", []):
            if hasattr(kid, "get_object"):
                walk(kid)

    for kid in reader.trailer["/Root"]["/StructTreeRoot"].get_object()["/K"]:
        walk(kid)
    url = rendering.verification_url(snapshot["verification_code"])
    assert [(lang, alt) for lang, alt, _box in figures] == [
        ("fi", f"QR-koodi: Todistuksen aitouden voi tarkistaa osoitteessa {url}"),
        ("ar", f"رمز QR: للتحقق من صحة هذه الشهادة: {url}"),
    ]
    left, _top, right, _bottom = (float(value) for value in figures[0][2])
    assert abs((right - left) - rendering.QR_SIZE_MM / 25.4 * 96) < 1  # QR_SIZE_MM wide (in CSS px, as WeasyPrint
    # gives the boxes of its own figures)
