"""`make run` is one command: `flask serve` runs a job consumer beside the web server and stops it on Ctrl-C."""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.notices.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.2)


def _answers(port) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/login")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def test_serve_runs_a_consumer_beside_it_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "ISOK_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
        "ISOK_SECRET_KEY": "test",
        "ISOK_FILES_DIR": str(tmp_path / "files"),
        "ISOK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "isok", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # started as a shell starts a command in the background (`make run &`): SIGINT ignored, and inherited
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509
    )
    try:
        _wait_for(lambda: _answers(port))
        (consumer,) = _children(server.pid)
        assert b"jobs-consumer" in Path(f"/proc/{consumer}/cmdline").read_bytes()
        server.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends the server
        assert server.wait(60) == 0
        _wait_for(lambda: not _alive(consumer), seconds=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
