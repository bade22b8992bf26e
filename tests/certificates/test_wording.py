"""How a section prints texts it did not write itself: in the markup, and in the order a PDF reader sees."""

import re
import subprocess

from certificates import content, rendering
from certificates.wording import Wording, level_text
from tests.certificates.samples import results


def test_a_fallback_text_is_isolated_in_its_own_language_and_marked_in_the_sections():
    ar, fi = Wording("ar"), Wording("fi")
    name = {"en": "Vocational Qualification in Catering", "fi": "Ravintola-alan perustutkinto"}
    assert fi.loc(name) == "Ravintola-alan perustutkinto"
    assert ar.loc(name) == (
        '<bdi lang="en" dir="ltr">Vocational Qualification in Catering</bdi>'
        ' <span class="other-language">(بالإنجليزية)</span>'
    )
    assert Wording("sv").loc({"fi": "Tutkinto"}).endswith('<span class="other-language">(på finska)</span>')
    assert Wording("sv").loc({"ar": "مؤهل"}) == (
        '<bdi lang="ar" dir="rtl">مؤهل</bdi> <span class="other-language">(Arabiska)</span>'
    )


def test_names_are_isolated_only_when_they_run_the_other_way():
    ar, fi = Wording("ar"), Wording("fi")
    assert fi.name("Amina Hassan") == "Amina Hassan"
    assert ar.name("Amina Hassan") == '<bdi dir="ltr">Amina Hassan</bdi>'
    assert fi.name("أمينة حسن") == '<bdi dir="rtl">أمينة حسن</bdi>'
    assert ar.name("أمينة حسن") == "أمينة حسن"
    assert fi.name("<b>") == "&lt;b&gt;" and ar.name("<b>") == '<bdi dir="ltr">&lt;b&gt;</bdi>'  # text stays text
    assert ar.words("HACCP (3)") == '<bdi lang="" dir="ltr">HACCP (3)</bdi>'  # the language nobody recorded


def test_a_level_does_not_repeat_the_code_its_label_holds():
    assert level_text("1", "Tyydyttävä 1") == "Tyydyttävä 1"
    assert level_text("3", "Hyvä") == "3 Hyvä"
    assert level_text("1", "Level 12") == "1 Level 12"
    assert level_text("K3", "Kiitettävä K3") == "Kiitettävä K3"
    assert level_text("5", "") == "5"


def test_a_column_that_fell_back_as_a_whole_says_so_once_in_its_heading():
    ar = Wording("ar")
    cells, note = ar.column([ar.text_cell({"en": "Plans own work"}), ar.text_cell({"en": "Serves customers"})])
    assert "(بالإنجليزية)" in note and not any("other-language" in cell for cell in cells)
    cells, note = ar.column([ar.text_cell({"en": "Plans own work"}), ar.text_cell({"ar": "يخدم الزبائن"})])
    assert note == "" and "other-language" in cells[0] and "other-language" not in cells[1]


def test_the_scale_line_is_one_isolate_when_it_fell_back_as_a_whole():
    scale = results()["scale"]
    line = Wording("ar").scale({**scale, "levels": scale["levels"][:2]})
    assert line == (
        '<bdi lang="en" dir="ltr">Scale 1–5: 0 Not yet demonstrated · 1 Satisfactory</bdi>'
        ' <span class="other-language">(بالإنجليزية)</span>'
    )
    assert Wording("fi").scale(scale) == "Asteikko 1–5: 0 Ei vielä osoitettu · 1 Tyydyttävä · 3 Hyvä · 5 Kiitettävä"


def _snapshot(**overrides) -> dict:
    data = results(**overrides)
    return {
        "schema": 1,
        "languages": ["fi", "ar"],
        "holder": {
            "first_name": "أمينة",
            "last_name": "حسن",
            "full_name": "أمينة حسن",
            "birth_date": "1990-04-12",
            "latin_name": "Amina Hassan",
        },
        "qualification": data["qualification"],
        "scale": data["scale"],
        "units": content._demonstrated_units(data),
        "assessors": data["assessors"],
        "issuer": {
            "name": "Savonia Vocational College",
            "type": "education_provider",
            "municipality": "Kuopio",
            "education_provider": True,
        },
        "formally_recognised": True,
        "place": "Kuopio",
        "decided_on": "2026-03-05",
        "number": "ISOK-2026-000123",
        "verification_code": "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567",
        "issued_on": "2026-03-06",
    }


def test_partly_recognised_outcomes_say_so_and_name_what_remains(app):
    unit = results()["units"][0]
    partly = {
        **unit["outcomes"][2],
        "level": {"code": "1", "label": {"en": "Satisfactory"}},
        "result": "partly",
        "gap_what": "Hygiene self-monitoring (HACCP)",
    }
    unnamed = {**unit["outcomes"][1], "result": "partly", "gap_what": ""}
    to_acquire = {**unit["outcomes"][0], "result": "to_acquire"}
    units = content._demonstrated_units(results(units=[{**unit, "outcomes": [partly, unnamed, to_acquire]}]))
    assert [(o["code"], o.get("result"), o.get("remaining")) for o in units[0]["outcomes"]] == [
        ("U1.3", "partly", "Hygiene self-monitoring (HACCP)"),
        ("U1.2", "partly", None),
    ]
    fi, ar = rendering.render_sections({**_snapshot(), "units": units})
    assert "Osittain tunnustettu" in fi and "Vielä opittavaa (arvioijien sanoin):" in fi
    assert '<bdi lang="" dir="ltr">Hygiene self-monitoring (HACCP)</bdi>' in ar
    assert "معترف به جزئيًا" in ar and "ما تبقّى من مخرج التعلم هذا لم يُتعلَّم بعد." in ar


def test_the_latin_name_stands_beside_the_original_script(app):
    fi, ar = rendering.render_sections(_snapshot())
    assert '<bdi dir="rtl">أمينة حسن</bdi> (latinalaisin kirjaimin: Amina Hassan)' in fi
    assert 'أمينة حسن (بالحروف اللاتينية: <bdi dir="ltr">Amina Hassan</bdi>)' in ar


def _words(path, page: int) -> list[tuple[str, float, float]]:
    """Each word pdftotext finds on the page, with its left edge and baseline band, in the order drawn."""
    out = subprocess.run(  # noqa: S603
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (html_unescape(text), float(x), round(float(y)))
        for x, y, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>', out
        )
    ]


def html_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _line_of(words, first: str) -> list[tuple[str, float]]:
    """The words on the line where `first` is (smaller notes sit a little lower), from left to right."""
    y = next(y for text, _x, y in words if text == first)
    return [(text, x) for text, x, y_ in sorted(words, key=lambda w: w[1]) if -2 <= y_ - y <= 5]


def test_latin_numbers_and_codes_keep_their_order_inside_an_arabic_section(app, tmp_path):
    """The bidi order as drawn: left to right on the page, Latin runs read left to right, Arabic ones reversed."""
    unit = results()["units"][0]
    english_only = {
        "code": "U1.4",
        "text": {"en": "Serves food and drinks (buffet, 2 shifts)"},
        "level": {"code": "3", "label": {"en": "Good"}},
        "shown_by": ["workplace"],
    }
    snapshot = _snapshot(units=[{**unit, "outcomes": [*unit["outcomes"], english_only]}])
    path = tmp_path / "c.pdf"
    path.write_bytes(rendering.render_certificate_pdf(snapshot))
    words = _words(path, 2)  # fi, then ar

    # The English outcome keeps its word order, its parentheses around "buffet, 2 shifts" and its closing
    # parenthesis at its end: laid out right to left it read "(Serves food … (buffet, 2 shifts".
    line = [text for text, _x in _line_of(words, "Serves")]
    start = line.index("Serves")
    assert line[start : start + 7] == ["Serves", "food", "and", "drinks", "(buffet,", "2", "shifts)"]

    # The unit heading reads, right to left: "الوحدة:", the English unit name, "(بالإنجليزية)", "،", "25 نقاط كفاءة".
    heading = _line_of(words, "Working")
    x = {text: x for text, x in heading}
    assert x["25"] < x["Working"] < x["in"] < x["catering"]
    note = [x for text, x in heading if "ةيزيلجنلإاب" in text]  # pdftotext gives Arabic glyphs in drawing order
    assert note and x["25"] < note[0] < x["Working"]

    # The qualification: its English name, then its note, then the field in parentheses, each in reading order.
    qualification = _line_of(words, "Qualification")
    x = {text: x for text, x in qualification}
    assert x["Vocational"] < x["Qualification"] < x["in"] < x["Catering"]
    assert x["Hospitality"] < x["Vocational"]

    # Dates and codes: "5 مارس 2026" reads day first, from the right; the number stays one left-to-right word.
    assert any(text == "ISOK-2026-000123" for text, _x, _y in words)
    dates = {y: [(t, x) for t, x, y_ in words if y_ == y] for t, _x, y in words if t == "2026"}
    days = {y: [x for t, x in line if t in ("5", "6")] for y, line in dates.items()}
    assert sorted(len(found) for found in days.values()) == [1, 1]  # decided on the 5th, issued on the 6th
    for y, line in dates.items():
        assert dict(line)["2026"] < days[y][0]
