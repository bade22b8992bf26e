"""Benchmarks (`make bench`): figures printed beside a floor measured in the same run, never asserted as times.

Floors: a bare route, and a route that does one indexed query and renders a template, measured once per run for every
module (`floor_figures`). They live in a blueprint registered only on the benchmark apps, so the product carries no
benchmark routes. The certificate benchmarks have a floor of their own kind (a one-line WeasyPrint page).
"""

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass

import pytest
from flask import Blueprint, render_template
from sqlalchemy import func, select

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


class Milliseconds(float):
    """A median wall time in milliseconds that carries the median CPU time of the same samples (`cpu`).

    The CPU time is this process's own: the request, the template and, on SQLite, the SQL; on PostgreSQL the server's
    share is in the wall time only. Other work on the machine stretches the wall time of the page and of the floor
    at different moments of the run; it hardly moves either's CPU time, so the CPU ratio is the one to compare
    between runs on a busy machine.
    """

    cpu: float

    def __new__(cls, wall: float, cpu: float) -> "Milliseconds":
        made = super().__new__(cls, wall)
        made.cpu = cpu
        return made


@dataclass
class Figure:
    name: str
    median_ms: float
    floor_name: str
    floor_ms: float

    @property
    def ratio(self) -> float:
        return self.median_ms / self.floor_ms


def time_it(fn, repeat: int = 30, warmup: int = 3) -> Milliseconds:
    """Median wall time of fn() in milliseconds, with the median CPU time of the same calls."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return Milliseconds(statistics.median(wall), statistics.median(cpu))


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


def follow_inserted_ids(*tables: str) -> None:
    """After rows were inserted with their ids given, let PostgreSQL's id sequences go on from the highest one, so
    that rows the application adds later get new ids (SQLite takes the next id from the table itself)."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in tables:
        table = db.metadata.tables[name]
        sequence = func.pg_get_serial_sequence(f'"{name}"', "id")  # the quoted name: "case" is a keyword
        db.session.execute(select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery())))


REPORT: list[str] = []


def report(name: str, value_ms: float, floor_name: str, floor_ms: float, note: str = "") -> Figure:
    """Print a figure beside its floor: wall times and their ratio, and the CPU ratio where both carry one."""
    figure = Figure(name, value_ms, floor_name, floor_ms)
    line = f"{name:<48} {value_ms:9.2f} ms   floor {floor_name:<28} {floor_ms:8.2f} ms   ratio {figure.ratio:6.2f}x"
    if isinstance(value_ms, Milliseconds) and isinstance(floor_ms, Milliseconds):
        line += f"   CPU {value_ms.cpu:8.2f} / {floor_ms.cpu:6.2f} ms = {value_ms.cpu / floor_ms.cpu:6.2f}x"
    line += f" {note}" if note else ""
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


def _app(tmp_path_factory):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path_factory, SERVER_NAME=None)
    app.register_blueprint(floor_bp)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _counsellor(app, email: str) -> tuple[int, object]:
    """A counsellor of no organisation in the app's database, and a test client logged in as them."""
    from isok.accounts.models import Role
    from isok.accounts.services import create_user
    from tests.conftest import PASSWORD, log_in

    with app.app_context():
        user = create_user(None, email=email, name="Bench Counsellor", roles={Role.COUNSELLOR}, password=PASSWORD)
        db.session.commit()
        user_id = user.id
    client = app.test_client()
    with app.app_context():
        log_in(client, email)
    return user_id, client


@pytest.fixture(scope="session")
def floor_figures(tmp_path_factory):
    """The two floors, measured once for the whole run, so every module's ratios share one denominator.

    They are measured first (every module's app asks for them before it builds its data), on an app and database of
    their own holding one user, as requests of a logged-in counsellor: the session check every staff page makes (one
    statement) is on both sides of a ratio, and logging in is on neither. Anonymous pages (the login page, the
    public catalogue) are compared with the same floor, so theirs are flattered by that one statement.
    """
    app = _app(tmp_path_factory)
    user_id, client = _counsellor(app, "floor@example.org")
    bare_ms = time_it(lambda: client.get("/_floor/bare"), repeat=300)
    query_ms = time_it(lambda: client.get(f"/_floor/query/{user_id}"), repeat=300)
    report("floor: bare route", bare_ms, "bare route", bare_ms)
    report("floor: one indexed query + template", query_ms, "bare route", bare_ms)
    with app.app_context():
        db.drop_all()
        db.engine.dispose()  # the modules' apps drop and create the same PostgreSQL database
    return {"bare_ms": bare_ms, "query_ms": query_ms}


@pytest.fixture(scope="module")
def bench_app(tmp_path_factory, floor_figures):
    app = _app(tmp_path_factory)
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture(scope="module")
def floors(bench_app, floor_figures):
    """The run's floors, with a counsellor logged in to the module's app (the reader of most pages measured)."""
    user_id, client = _counsellor(bench_app, "bench@example.org")
    return {"client": client, "user_id": user_id, **floor_figures}
