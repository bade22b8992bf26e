"""`make load`: gunicorn + PostgreSQL + Redis under 50 simulated people of every role, figures per page.

Builds a fresh PostgreSQL database (ISOK_LOAD_DATABASE, default `isok_load`) with the demo data and 10,000 cases,
serves it with gunicorn (ISOK_LOAD_WORKERS workers of ISOK_LOAD_THREADS threads), runs the locustfile headless for
ISOK_LOAD_MINUTES minutes (default 10) and prints per page: requests, failures, median, p95 and p99. Exits non-zero
when any request failed.
"""

import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command, **kwargs):
    return subprocess.run(command, check=True, cwd=ROOT, **kwargs)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    database = os.environ.get("ISOK_LOAD_DATABASE", "isok_load")
    minutes = os.environ.get("ISOK_LOAD_MINUTES", "10")
    users = os.environ.get("ISOK_LOAD_USERS", "50")
    work = Path(tempfile.mkdtemp(prefix="isok-load-"))
    env = {
        **os.environ,
        "ISOK_DATABASE_URL": f"postgresql+psycopg:///{database}",
        "ISOK_REDIS_URL": os.environ.get("ISOK_LOAD_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "ISOK_SECRET_KEY": secrets.token_hex(32),
        "ISOK_FILES_DIR": str(work / "files"),
        "ISOK_REQUIRE_MFA": "0",
        "FLASK_APP": "isok",
    }
    _run("dropdb", "--if-exists", database)
    _run("createdb", database)
    server = None
    try:
        _run(str(BIN / "flask"), "db", "upgrade", env=env, stdout=subprocess.DEVNULL)
        world = work / "world.json"
        with world.open("w") as out:
            _run(str(BIN / "python"), "-m", "tests.load.seed", env=env, stdout=out)
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "--workers",
                os.environ.get("ISOK_LOAD_WORKERS", "2"),
                "--threads",
                os.environ.get("ISOK_LOAD_THREADS", "4"),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "isok:create_app()",
            ],
            cwd=ROOT,
            env=env,
        )
        _wait_for(port, server)
        started = time.monotonic()
        _run(
            str(BIN / "locust"),
            "-f",
            "tests/load/locustfile.py",
            "--headless",
            "-u",
            users,
            "-r",
            "5",
            "-t",
            f"{minutes}m",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(work / "load"),
            "--only-summary",
            "--exit-code-on-error",
            "0",
            env={**env, "ISOK_LOAD_WORLD": str(world)},
            stdout=subprocess.DEVNULL,
            stderr=(work / "locust.log").open("w"),
        )
        return _summary(work / "load_stats.csv", users, time.monotonic() - started)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _run("dropdb", "--if-exists", database)
        if os.environ.get("ISOK_LOAD_KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _summary(stats: Path, users: str, seconds: float) -> int:
    rows = list(csv.DictReader(stats.open()))
    print(f"\n{users} simulated people for {seconds / 60:.1f} minutes on {os.cpu_count()} cores\n")
    print(f"{'page':<46} {'requests':>9} {'failures':>9} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}")
    failures = 0
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(
            f"{row['Type'] + ' ' + row['Name'] if row['Name'] != 'Aggregated' else 'all pages':<46} "
            f"{row['Request Count']:>9} {row['Failure Count']:>9} {row['50%']:>10} {row['95%']:>8} {row['99%']:>8}"
        )
    print(f"\nfailed requests: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
