"""The servers the app runs on name no versions in their Server header: `make run` (Werkzeug) and gunicorn."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_header(command: list[str], port: int, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "ISOK_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
        "ISOK_SECRET_KEY": "test",
        "ISOK_FILES_DIR": str(tmp_path / "files"),
        "ISOK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    try:
        deadline = time.monotonic() + 120  # a loaded machine takes a while to import the app
        while True:
            try:
                # gunicorn accepts connections before its worker has loaded the app: wait for the answer
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request("GET", "/login")
                response = connection.getresponse()
                response.read()
                assert response.status == 200
                return response.getheader("Server")
            except (ConnectionRefusedError, TimeoutError, http.client.RemoteDisconnected):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
            finally:
                connection.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def test_make_run_names_no_versions(tmp_path):
    port = _free_port()
    server = _server_header(
        [sys.executable, "-m", "flask", "--app", "isok", "serve", "--port", str(port)], port, tmp_path
    )
    assert server == "isok"  # `flask run` would say "Werkzeug/3.1.9 Python/3.11.2"


def test_gunicorn_names_no_versions(tmp_path):
    port = _free_port()
    server = _server_header(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "isok:create_app()"],
        port,
        tmp_path,
    )
    assert server and not re.search(r"\d", server)
