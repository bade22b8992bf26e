"""Sixteen people open the ESF report at the same moment on a server with two workers: every one of them gets the
page, the report is computed once (the others wait for that computation and then read it), and a page asked for
meanwhile is answered too. Before, every view synced the participation records and computed every table, and 16
such views left a two-worker server answering nothing for seconds."""

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, select

from isok.accounts import services as account_services
from isok.accounts.models import Organisation, OrganisationType, Role
from isok.extensions import db
from isok.network import services as network_services
from isok.reports.models import CachedReport
from tests.benchmarks.test_reports_bench import START, _add_people
from tests.conftest import PASSWORD, ROOT
from tests.reliability.browser import Browser

VIEWERS = 16
PEOPLE = 3000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _world(app) -> None:
    with app.app_context():
        network_services.save_settings(
            None,
            name="Bench",
            code=None,
            starts_on=START,
            ends_on=date(2027, 12, 31),
            rule_set="esf_plus_2021_2027",
            suppression_threshold=5,
        )
        organisation = Organisation(name="Tampere Guidance Centre", type=OrganisationType.PUBLIC_BODY)
        db.session.add(organisation)
        account_services.create_user(
            None, email="manager@example.org", name="Project Manager", roles={Role.PROJECT_MANAGER}, password=PASSWORD
        )
        db.session.commit()
        _add_people(1, PEOPLE, organisation.id, random.Random(15))  # committed: the records follow
        db.session.remove()
        db.engine.dispose()  # the test holds no connection while the server runs


class _View(threading.Thread):
    """One person's browser asking for a page once; keeps the status and when the answer arrived."""

    def __init__(self, port: int, path: str, cookie: str, start: threading.Event):
        super().__init__(daemon=True)
        self.port, self.path, self.cookie, self.start_signal = port, path, cookie, start
        self.status: int | None = None
        self.answered_at: datetime | None = None

    def run(self):
        self.start_signal.wait()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request("GET", self.path, headers={"Cookie": self.cookie})
            response = connection.getresponse()
            response.read()
            self.status, self.answered_at = response.status, datetime.now(UTC)
        finally:
            connection.close()


def test_sixteen_views_at_once_compute_the_report_once_and_starve_nobody(instances, tmp_path):
    instance = instances.new()
    _world(instances.app(instance))
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ISOK_", "FLASK_"))}
    env.update(instance.environment, ISOK_SECRET_KEY="report-views-test")
    log_path = tmp_path / "server.log"
    with open(log_path, "ab") as log:
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--preload",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{port}",
                "isok:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        browser = Browser(f"http://127.0.0.1:{port}", timeout=120)
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                if browser.request("/login")[0] == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        browser.log_in("manager@example.org")
        jar = next(handler.cookiejar for handler in browser.opener.handlers if hasattr(handler, "cookiejar"))
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        start = threading.Event()
        views = [_View(port, "/reports/2026H1?scope=cumulative", cookie, start) for _ in range(VIEWERS)]
        meanwhile = _View(port, "/reports/", cookie, start)
        for view in [*views, meanwhile]:
            view.start()
        start.set()
        for view in [*views, meanwhile]:
            view.join(timeout=300)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    assert [view.status for view in views] == [200] * VIEWERS, log_path.read_text(errors="replace")[-3000:]
    assert meanwhile.status == 200
    engine = create_engine(instance.url)
    with engine.connect() as connection:
        computed = connection.execute(select(CachedReport.key, CachedReport.computed_at)).all()
    engine.dispose()
    pages = [at.replace(tzinfo=UTC) if at.tzinfo is None else at for key, at in computed if "|figures|" not in key]
    assert len(pages) == 1, "one report: the cumulative one of 2026H1"
    assert pages[0] < min(view.answered_at for view in views), "computed once, before the first answer"
