"""The material bank at the size the issue sets: 20,000 materials and 50,000 files. The search with its facets is
compared with the floor page of the same run (the issue asks for 4x at most), on SQLite (FTS5) and, with
ISOK_TEST_DATABASE_URL, on PostgreSQL (GIN over to_tsvector). Every search counts its facets afresh from the bitmaps
of the bank as committed (facet_index.py); "a new search each time" varies the words and filters so that nothing is
repeated, "the first search after a change" includes reading the change into the bitmaps, and "reading the bank
whole" times what a worker does on its first search. Streaming a 500 MB video is measured by the process's
resident memory (RSS, sampled while the response is read), not only the Python heap.

The rows are inserted in bulk (as the services would write them) and the SQLite index is filled in one statement.
"""

import os
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from isok import storage
from isok.accounts.models import Organisation, OrganisationType
from isok.extensions import db
from isok.materials import facet_index
from isok.materials.models import (
    AUDIENCE_BITS,
    Material,
    MaterialBank,
    MaterialFile,
    MaterialLanguage,
    language_mask_of,
    mask_of,
)
from tests.benchmarks.conftest import report, report_value, time_it

pytestmark = pytest.mark.benchmark

MATERIALS, FILES, ORGANISATIONS = 20_000, 50_000, 70
VIDEO_MB = 500
KINDS = ("interview_guide", "self_assessment", "glossary", "criteria", "pictures", "video", "audio", "text")
LICENCES = ("cc-by", "cc-by-sa", "cc-by-nc", "cc0", "members")
LANGUAGES = ("fi", "sv", "en", "ar", "so", "ru", "fa", "uk", "ti", "prs")
AUDIENCES = ("counsellors", "teachers", "tutors", "clients")
WORDS = [
    ("keittiö", "jikada", "kitchen"),
    ("siivous", "nadiifin", "cleaning"),
    ("hygienia", "nadaafad", "hygiene"),
    ("asiakaspalvelu", "adeegga macaamiisha", "customer service"),
    ("työturvallisuus", "badbaadada shaqada", "safety at work"),
    ("haastattelu", "wareysi", "interview"),
]


@pytest.fixture(scope="module")
def bank(bench_app, floors):
    fill(bench_app)
    return floors["client"]  # a counsellor: every published material is theirs to find


def fill(bench_app) -> None:
    with bench_app.app_context():
        now = datetime.now(UTC)
        db.session.execute(
            insert(Organisation),
            [
                {"name": f"Bench organisation {n}", "type": OrganisationType.EDUCATION_PROVIDER, "created_at": now}
                for n in range(ORGANISATIONS)
            ],
        )
        organisations = db.session.scalars(
            select(Organisation.id).where(Organisation.name.like("Bench organisation %"))
        ).all()
        rows, languages = [], []
        for n in range(MATERIALS):
            fi, so, en = WORDS[n % len(WORDS)]
            title = {"fi": f"{fi} {n}", "so": f"{so} {n}", "en": f"{en} {n}"}
            description = {"fi": f"Materiaali {n}: {fi}", "en": f"Material {n}: {en}"}
            tags = [fi, en]
            codes = {LANGUAGES[n % len(LANGUAGES)], LANGUAGES[(n // 3) % len(LANGUAGES)], "fi"}
            audiences = {AUDIENCES[n % 4], AUDIENCES[(n // 4) % 4]}
            rows.append(
                {
                    "id": n + 1,
                    "organisation_id": organisations[n % ORGANISATIONS],
                    "title": title,
                    "description": description,
                    "text_language": "fi",
                    "kind": KINDS[n % len(KINDS)],
                    "field": ("00", "01", "09", "10")[n % 4],
                    "licence": LICENCES[n % len(LICENCES)],
                    "tags": tags,
                    "audience_mask": mask_of(audiences, AUDIENCE_BITS),
                    "language_mask": language_mask_of(codes),
                    "status": "withdrawn" if n % 97 == 0 else "published",
                    "downloads": n % 50,
                    "created_at": now - timedelta(minutes=n),
                    "updated_at": now - timedelta(minutes=n),
                    "version": 1,
                    "search_text": " ".join([*title.values(), *description.values(), *tags]).casefold(),
                }
            )
            languages += [{"material_id": n + 1, "code": code} for code in codes]
        db.session.execute(insert(Material), rows)
        db.session.execute(insert(MaterialLanguage), languages)
        files = [
            {
                "material_id": n % MATERIALS + 1,
                "position": n // MATERIALS,
                "revision": 1,
                "name": f"file-{n}.pdf",
                "media_type": "application/pdf",
                "sha256": f"{n:064x}",
                "size": 1000,
                "uploaded_at": now,
                "words": "",
            }
            for n in range(FILES)
        ]
        for start in range(0, FILES, 10_000):
            db.session.execute(insert(MaterialFile), files[start : start + 10_000])
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("INSERT INTO material_fts (rowid, body) SELECT id, search_text FROM material"))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to a live database after a bulk load: statistics for the planner, and the
            # full-text index's pending entries moved into the index proper (a search reads the pending list whole).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


def test_search_with_facets_against_the_floor(bench_app, bank, floors):
    dialect = "SQLite FTS5" if bench_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "PostgreSQL"
    for name, url in [
        ("materials: first page with facets (20,000)", "/materials/"),
        ("materials: word search", "/materials/?q=jikada"),
        ("materials: word prefix search", "/materials/?q=hygien"),
        ("materials: search + kind + language", "/materials/?q=kitchen&kind=glossary&language=so"),
        ("materials: facets only, no words", "/materials/?licence=cc-by&audience=clients&field=10"),
        ("materials: a material page (JSON-LD)", f"/materials/{MATERIALS - 100}"),
    ]:
        response = bank.get(url)
        assert response.status_code == 200, url
        report(
            f"{name} [{dialect}]",
            time_it(lambda url=url: bank.get(url), repeat=20),
            "one query + template",
            floors["query_ms"],
        )
    cold = iter(
        [f"/materials/?q={word}&kind={kind}" for word in ("jikada", "hygien", "kitchen", "wareysi") for kind in KINDS]
    )  # every request a new search: its facets are counted, not cached
    report(
        f"materials: a new search each time, facets counted [{dialect}]",
        time_it(lambda: bank.get(next(cold)), repeat=25, warmup=2),
        "one query + template",
        floors["query_ms"],
    )
    after_change = []
    with bench_app.app_context():
        for n in range(5):
            material = db.session.get(Material, MATERIALS - n)
            material.tags = [*material.tags, f"bench {n}"]  # a change of the bank: its version moves
            db.session.commit()
            after_change.append(time_it(lambda: bank.get("/materials/?q=kitchen"), repeat=1, warmup=0))
    report(
        f"materials: the first search after a change [{dialect}]",
        statistics.median(after_change),
        "one query + template",
        floors["query_ms"],
        "(the change read into the bitmaps)",
    )
    with bench_app.app_context():
        version = db.session.execute(select(MaterialBank.generation, MaterialBank.version)).one()
        report(
            f"materials: reading the bank whole [{dialect}]",
            time_it(lambda: facet_index._refreshed(None, *version), repeat=5, warmup=1),
            "one query + template",
            floors["query_ms"],
            "(a worker's first search)",
        )
    visitor = bench_app.test_client()
    report(
        f"materials: a visitor's search [{dialect}]",
        time_it(lambda: visitor.get("/materials/?q=nadiifin"), repeat=20),
        "one query + template",
        floors["query_ms"],
    )


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_streaming_a_large_video_keeps_memory_flat(bench_app, bank, tmp_path):
    """The video is read through the route in chunks while another thread samples the resident memory."""
    with bench_app.app_context():
        digest = "e" * 64
        path = storage.local_path(digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            chunk = os.urandom(1024 * 1024)
            for _ in range(VIDEO_MB):
                out.write(chunk)
        material = db.session.scalar(
            select(Material).where(Material.licence == "cc-by", Material.status == "published").limit(1)
        )
        file = MaterialFile(
            material_id=material.id,
            name="video.mp4",
            media_type="video/mp4",
            sha256=digest,
            size=VIDEO_MB * 1024 * 1024,
        )
        db.session.add(file)
        db.session.commit()
        file_id = file.id
    peak, done = [_rss_kib()], threading.Event()

    def sample():
        while not done.is_set():
            peak.append(_rss_kib())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    before = _rss_kib()
    sampler.start()
    started = time.perf_counter()
    received = 0
    try:
        with bank.get(f"/materials/files/{file_id}", buffered=False) as response:
            assert response.status_code == 200
            for piece in response.response:
                received += len(piece)
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    assert received == VIDEO_MB * 1024 * 1024
    report_value(
        f"materials: stream a {VIDEO_MB} MB video, RSS growth",
        (max(peak) - before) / 1024,
        "MiB",
        f"(resident memory sampled while reading; {VIDEO_MB / seconds:.0f} MB/s)",
    )
    with bank.get(f"/materials/files/{file_id}", headers={"Range": "bytes=400000000-400999999"}) as part:
        assert part.status_code == 206 and len(part.data) == 1_000_000
    path.unlink()
