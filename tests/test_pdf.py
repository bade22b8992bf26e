"""The shared PDF renderer: nothing outside the asset allow-list is ever fetched."""

import http.server
import io
import subprocess
import threading
from pathlib import Path

import pypdf
import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from isok import pdf

PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    "<style>@import url(http://127.0.0.1:9/)</style>",
    "url(file:///dev/urandom)",
]


@pytest.fixture
def canary():
    """A loopback HTTP server that records every request it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"CANARY-BODY")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("CANARY-SECRET-7f3a")
    return path


@pytest.fixture
def test_templates(app, monkeypatch):
    folder = Path(__file__).parent / "pdf_templates"
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([FileSystemLoader(folder), app.jinja_env.loader]))


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_hostile_markup_fetches_nothing_and_embeds_nothing(app, canary, secret_file, test_templates, caplog):
    base, hits = canary
    file_url = secret_file.as_uri()
    hostile = " ".join(PAYLOADS) + f' <img src="{file_url}"> <img src="{base}/raw.png">'
    with app.app_context():
        data = pdf.render_pdf(
            "hostile.html",
            {"canary": base, "file_url": file_url, "user_text": hostile, "unescaped": hostile},
            lang="en",
        )
    assert hits == []
    assert b"CANARY-SECRET" not in data and b"CANARY-BODY" not in data
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert dict(reader.attachments) == {}
    assert "file:///etc/passwd" in _text(data)  # the escaped user text is shown as text, not obeyed
    refused = [r.getMessage() for r in caplog.records if r.name == "isok.pdf"]
    assert any(file_url in message for message in refused)
    assert any(base in message for message in refused)
    assert not any("asset:css/app.css" in message for message in refused)  # the app's own asset is served


def test_the_fetcher_serves_only_app_assets(app, secret_file):
    with app.app_context():
        fetcher = pdf.AssetFetcher(pdf.static_roots(app))
    assert fetcher.fetch("asset:css/app.css").read().startswith(b"/* isok")
    for url in (
        secret_file.as_uri(),
        "asset:../../../etc/passwd",
        f"asset:{secret_file}",
        "http://127.0.0.1:9/",
        "data:text/plain,hello",
        "asset:css/missing.css",
    ):
        with pytest.raises(pdf.BlockedResource):
            fetcher.fetch(url)


def test_a_documents_own_resources_are_served_by_name_only(app, secret_file):
    with app.app_context():
        fetcher = pdf.AssetFetcher(pdf.static_roots(app), {"code.svg": b"<svg/>"})
    response = fetcher.fetch("asset:code.svg")
    assert response.read() == b"<svg/>" and response.content_type == "image/svg+xml"
    for url in ("code.svg", "file:code.svg", "asset:other.svg", secret_file.as_uri()):
        with pytest.raises(pdf.BlockedResource):
            fetcher.fetch(url)


def test_documents_are_pdfa_with_embedded_fonts(app, test_templates, tmp_path, canary, secret_file):
    base, _hits = canary
    with app.app_context():
        data = pdf.render_pdf(
            "hostile.html",
            {"canary": base, "file_url": secret_file.as_uri(), "user_text": "Ääkköset", "unescaped": ""},
            lang="fi",
        )
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/OutputIntents" in root  # the PDF/A sRGB output intent
    assert b"pdfaid" in root["/Metadata"].get_object().get_data()


def test_a_tagged_document_gives_each_part_its_language_and_tags_the_page_margins(app):
    html = (
        '<html lang="fi"><head><style>@page { @bottom-center { content: "Sivu " counter(page) } }</style></head>'
        '<body><p>Suomeksi</p><section lang="ar" dir="rtl"><h1>مرحبا</h1><p>نص <bdi lang="en" dir="ltr">English'
        '</bdi> <bdi lang="">?</bdi></p></section></body></html>'
    )
    with app.app_context():
        data = pdf.html_to_pdf(html, variant=pdf.TAGGED_PDF_VARIANT)
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert root["/Lang"] == "fi" and root["/MarkInfo"]["/Marked"]
    tree = root["/StructTreeRoot"].get_object()
    found, reachable, texts = [], set(), {}

    def walk(reference):
        node = reference.get_object()
        if isinstance(node, dict) and "/S" in node:
            reachable.add(reference.idnum)
            found.append((node["/S"], node.get("/Lang")))
            texts[reference.idnum] = [kid for kid in node.get("/K", []) if isinstance(kid, int)]
            for kid in node.get("/K", []):
                if hasattr(kid, "idnum"):
                    walk(kid)

    walk(tree.raw_get("/K")[0])
    assert ("/Sect", "ar") in found and ("/NonStruct", "en") in found and ("/NonStruct", "") in found
    assert ("/P", "fi") in found  # a part without a lang attribute of its own has the document's
    # Every marked piece of the page, the margin box's "Sivu 1" too, belongs to an element in the tree.
    marked = tree["/ParentTree"].get_object()["/Nums"][1]
    assert len(marked) == 7 and all(reference.idnum in reachable for reference in marked)
    # Each text's marked content belongs to the element that holds it, not to a Span of its own.
    assert "/Span" not in [tag for tag, _lang in found]
    assert sorted(mcid for ids in texts.values() for mcid in ids) == list(range(7))
    assert all(mcid in texts[reference.idnum] for mcid, reference in enumerate(marked))
    assert ("/NonStruct", "fi") in found[-2:]  # the footer, after the page's content, in the page's language


def test_lists_keep_their_markers_and_the_text_reads_back(app, tmp_path):
    """Documents are styled without the user-agent rules for CSS footnotes and with markers for list items only, and
    their streams are deflated by isok/pdf.py: lists still print their bullets and numbers, and the text reads back."""
    html = '<html lang="en"><body><ul><li>Apples</li></ul><ol><li>Pears</li><li>Plums</li></ol></body></html>'
    with app.app_context():
        data = pdf.html_to_pdf(html)
    path = tmp_path / "lists.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "• Apples" in text and "1. Pears" in text and "2. Plums" in text
