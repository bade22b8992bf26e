"""Benchmarks (`make bench`): figures printed beside a floor measured in the same run, never asserted as times.

Floors: a bare route, and a route that does one indexed query and renders a template. They live in a blueprint
registered only on the benchmark app, so the product carries no benchmark routes.
"""

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass

import pytest
from flask import Blueprint, render_template
from sqlalchemy import select

from isok.accounts.models import User
from isok.extensions import db

floor_bp = Blueprint("bench_floor", __name__, template_folder="templates")


@floor_bp.get("/_floor/bare")
def bare():
    return "ok"


@floor_bp.get("/_floor/query/<int:user_id>")
def one_query(user_id):
    user = db.session.scalar(select(User).where(User.id == user_id))
    return render_template("bench/floor.html", user=user)


@dataclass
class Figure:
    name: str
    median_ms: float
    floor_name: str
    floor_ms: float

    @property
    def ratio(self) -> float:
        return self.median_ms / self.floor_ms


def time_it(fn, repeat: int = 30, warmup: int = 3) -> float:
    """Median wall time of fn() in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def peak_memory_mib(fn) -> float:
    """Peak Python heap growth while fn() runs, in MiB (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / (1024 * 1024)


REPORT: list[str] = []


def report(name: str, value_ms: float, floor_name: str, floor_ms: float, note: str = "") -> Figure:
    figure = Figure(name, value_ms, floor_name, floor_ms)
    line = (
        f"{name:<48} {value_ms:9.2f} ms   floor {floor_name:<28} {floor_ms:8.2f} ms   ratio {figure.ratio:6.2f}x {note}"
    )
    REPORT.append(line)
    print(line)
    return figure


def report_value(name: str, value: float, unit: str, note: str = "") -> None:
    line = f"{name:<48} {value:9.2f} {unit} {note}"
    REPORT.append(line)
    print(line)


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("benchmark figures")
        for line in REPORT:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def bench_app(tmp_path_factory):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path_factory, SERVER_NAME=None)
    app.register_blueprint(floor_bp)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture(scope="module")
def floors(bench_app):
    """Median times of the two floor pages, logged in as a counsellor like the pages they are compared with.

    Each benchmark module gets its own database and measures its own floors, in the same run as its figures.
    """
    from isok.accounts.models import Role
    from isok.accounts.services import create_user
    from tests.conftest import PASSWORD, log_in

    with bench_app.app_context():
        user = create_user(
            None, email="bench@example.org", name="Bench Counsellor", roles={Role.COUNSELLOR}, password=PASSWORD
        )
        db.session.commit()
        user_id = user.id
    client = bench_app.test_client()
    with bench_app.app_context():
        log_in(client, "bench@example.org")
    bare_ms = time_it(lambda: client.get("/_floor/bare"), repeat=200)
    query_ms = time_it(lambda: client.get(f"/_floor/query/{user_id}"), repeat=200)
    report("floor: bare route", bare_ms, "bare route", bare_ms)
    report("floor: one indexed query + template", query_ms, "bare route", bare_ms)
    return {"client": client, "bare_ms": bare_ms, "query_ms": query_ms, "user_id": user_id}
