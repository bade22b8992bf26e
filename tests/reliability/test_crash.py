"""Nothing acknowledged is lost when the server dies: the server process (a gunicorn worker) is killed with
SIGKILL at random moments while two counsellors add guidance entries over HTTP, replaced each time, and afterwards
every entry the server acknowledged is in the database, which passes its integrity check (SQLite)."""

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text

from cases import services as case_services
from cases.models import GuidanceEntry
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, OrganisationType, Role
from isok.extensions import db
from tests.conftest import PASSWORD, ROOT, csrf_token
from tests.reliability.browser import Browser

KILLS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn as the README runs it on SQLite (one worker, threads), on the instance's database and folder.

    The application is loaded once in the master (--preload), so a worker killed with SIGKILL is replaced in a
    moment by a fresh fork that opens the database anew, as after a restart, instead of importing everything again.
    """

    def __init__(self, instance, log_path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {key: value for key, value in os.environ.items() if not key.startswith(("ISOK_", "FLASK_"))}
        env.update(instance.environment, ISOK_SECRET_KEY="crash-test", ISOK_LOGIN_RATE_LIMIT="1000 per minute")
        with open(log_path, "ab") as log:
            self.master = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--preload",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "isok:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.worker = self._wait_for_worker(previous=None)

    def _wait_for_worker(self, previous: int | None) -> int:
        """Wait until a worker other than `previous` answers; return its process id."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.master.poll() is None, f"the server exited: {self.log_tail()}"
            children = Path(f"/proc/{self.master.pid}/task/{self.master.pid}/children").read_text().split()
            if len(children) == 1 and int(children[0]) != previous:
                try:
                    if Browser(self.base, timeout=5).request("/login")[0] == 200:
                        return int(children[0])
                except OSError:
                    pass
            time.sleep(0.02)
        raise AssertionError(f"no worker answered: {self.log_tail()}")

    def kill_worker(self) -> None:
        """SIGKILL the process that serves and writes, then wait for its replacement to answer."""
        os.kill(self.worker, signal.SIGKILL)
        self.worker = self._wait_for_worker(previous=self.worker)

    def stop(self) -> None:
        os.killpg(self.master.pid, signal.SIGKILL)
        self.master.wait()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


class Counsellor(threading.Thread):
    """Adds guidance entries one after another; keeps the notes the server acknowledged with its redirect."""

    def __init__(self, base: str, email: str, case_id: int):
        super().__init__(daemon=True)
        self.browser = Browser(base, timeout=30)
        self.email, self.case_id = email, case_id
        self.acknowledged: list[str] = []
        self.interrupted = 0  # requests cut off by the kill
        self.refusals: list[tuple[int, str]] = []  # answers that were neither a save nor a dead server
        self.stopping = threading.Event()

    def prepare(self) -> None:
        self.browser.log_in(self.email)
        status, page = self.browser.request(f"/cases/{self.case_id}")
        assert status == 200
        self.token = csrf_token(page)

    def run(self):
        sent = 0
        while not self.stopping.is_set():
            sent += 1
            note = f"{self.email} {sent}"
            data = {
                "csrf_token": self.token,
                "on": case_services.today().isoformat(),
                "kind": "individual_guidance",
                "note": note,
            }
            try:
                status, page = self.browser.request(f"/cases/{self.case_id}/guidance", data)
            except OSError as error:
                if isinstance(getattr(error, "reason", error), ConnectionRefusedError):
                    time.sleep(0.05)  # the server is down: the note never reached it
                else:
                    self.interrupted += 1
                continue
            if status == 302:
                self.acknowledged.append(note)
            else:
                self.refusals.append((status, page[:300]))


def _world(app) -> tuple[list[str], int]:
    with app.app_context():
        organisation = Organisation(name="Kuopio Guidance Centre", type=OrganisationType.PUBLIC_BODY)
        db.session.add(organisation)
        db.session.flush()
        people = [
            account_services.create_user(
                None,
                email=f"counsellor{n}@example.org",
                name=f"Counsellor {n}",
                roles={Role.COUNSELLOR},
                organisation=organisation,
                password=PASSWORD,
            )
            for n in (1, 2)
        ]
        client = case_services.register_client(people[0], organisation, first_name="Amina", last_name="Hassan")
        case = case_services.open_case(
            people[0],
            client,
            organisation=organisation,
            client_type="long_term",
            entry_date=date(2026, 1, 10),
            counsellor=people[0],
            co_counsellors=people[1:],
        )
        db.session.commit()
        emails, case_id = [person.email for person in people], case.id
        db.session.remove()
        db.engine.dispose()  # the test holds no connection while the server runs
    return emails, case_id


def _wait_for_new_acknowledgement(counsellors, timeout=30) -> None:
    seen = sum(len(c.acknowledged) for c in counsellors)
    deadline = time.monotonic() + timeout
    while sum(len(c.acknowledged) for c in counsellors) == seen:
        assert time.monotonic() < deadline, "no write was acknowledged after the restart"
        time.sleep(0.01)


def test_every_acknowledged_write_survives_kill_9_of_the_server(instances, tmp_path):
    instance = instances.new()
    emails, case_id = _world(instances.app(instance))
    server = Server(instance, tmp_path / "server.log")
    counsellors = [Counsellor(server.base, email, case_id) for email in emails]
    for counsellor in counsellors:
        counsellor.prepare()
        counsellor.start()
    chance = random.Random()
    try:
        for _ in range(KILLS):
            _wait_for_new_acknowledgement(counsellors)
            time.sleep(chance.uniform(0, 0.4))
            server.kill_worker()
        _wait_for_new_acknowledgement(counsellors)  # the restarted server reads and writes
    finally:
        for counsellor in counsellors:
            counsellor.stopping.set()
        for counsellor in counsellors:
            counsellor.join(timeout=60)
        server.stop()

    assert [c.refusals for c in counsellors] == [[], []], server.log_tail()
    assert sum(c.interrupted for c in counsellors) > 0, "the kills cut off requests in flight"
    engine = create_engine(instance.url)
    with engine.connect() as connection:
        stored = set(connection.scalars(select(GuidanceEntry.note).where(GuidanceEntry.case_id == case_id)))
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    acknowledged = [note for c in counsellors for note in c.acknowledged]
    assert len(acknowledged) > KILLS
    assert [note for note in acknowledged if note not in stored] == []
