"""PostgreSQL restarting (issue 20): requests while the database does not answer get the Chinese 503 page
(qinzhou_brands/faults.py), and the pages come back by themselves once it answers again."""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from conftest import require_service, uses_postgresql

ROOT = Path(__file__).resolve().parents[2]
REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def database_down(monkeypatch):
    """The default connection cannot reach its server: every query raises as psycopg2 does then."""

    def refuse(*args, **kwargs):
        raise OperationalError(REFUSED)

    def down():
        monkeypatch.setattr(connection, "ensure_connection", refuse)
        monkeypatch.setattr(connection, "is_usable", lambda: False)

    return down


@pytest.mark.django_db
def test_pages_and_the_api_answer_503_in_chinese_while_the_database_is_down(clerk, database_down, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    assert client.get(reverse("home")).status_code == 200

    database_down()
    page = client.get(reverse("home"))
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    text = page.content.decode()
    assert "系统暂时无法访问" in text and "数据库正在重启或维护" in text
    api = client.get("/api/v1/batches/")
    assert api.status_code == 503
    assert api.json()["detail"].startswith("数据库暂时无法访问")

    monkeypatch.undo()
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_an_error_on_a_working_connection_is_still_a_500(clerk, monkeypatch):
    """A deadlock or SQLite's "database is locked" is an OperationalError on a connection that works: not
    a restart, so not told to wait."""
    from training import selectors

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(selectors, "batch_list", locked)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.get(reverse("training:batch_list"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()


# --- a real PostgreSQL server, stopped and started --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class ThrowawayPostgres:
    """A PostgreSQL cluster of this test's own (as bin/with-services starts one), run as the postgres user
    when the tests run as root."""

    def __init__(self):
        initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(initdb[-1]).parent if initdb else None
        self.dir = Path(tempfile.mkdtemp(prefix="qinzhou-pg-restart-", dir="/tmp"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, cwd=self.dir, timeout=60)

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "qinzhou")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.dir / "pg.log")
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=self.dir,
        )
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/qinzhou"


@pytest.fixture
def throwaway_postgres():
    """A throwaway server holding a copy of the test database (schema and reference data, by pg_dump)."""
    require_service("PostgreSQL", uses_postgresql(), "the copy is taken from the PostgreSQL test database")
    server = ThrowawayPostgres()
    if server.bin is None:
        shutil.rmtree(server.dir, ignore_errors=True)
    require_service("PostgreSQL server binaries", server.bin is not None, "install postgresql")
    try:
        server.init()
        db = connection.settings_dict
        dump = subprocess.run(
            [
                str(server.bin / "pg_dump"),
                "--no-owner",
                "-h",
                db["HOST"],
                "-p",
                str(db["PORT"]),
                "-U",
                db["USER"],
                db["NAME"],
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
            timeout=120,
        ).stdout
        subprocess.run(
            [str(server.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(server.port)]
            + ["-U", "postgres", "-d", "qinzhou"],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield server
    finally:
        server.remove()


@pytest.fixture
def app_server(throwaway_postgres, tmp_path):
    """The application (one thread: one persistent connection across requests, CONN_MAX_AGE as configured) on
    the throwaway database."""
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "REDIS_CACHE_URL", "DATABASE_URL"}
    }
    env.update(
        DATABASE_URL=throwaway_postgres.url,
        # Debug on: production's static files need collectstatic's manifest. The 503 comes from the middleware
        # either way (DEBUG only changes the page of an unexpected 500).
        DJANGO_DEBUG="1",
    )
    log = (tmp_path / "runserver.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        log.close()
        process.kill()
        pytest.fail("runserver did not start:\n" + (tmp_path / "runserver.log").read_text(errors="replace")[-3000:])
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.mark.services
@pytest.mark.django_db
def test_a_postgresql_restart_is_a_503_page_then_the_pages_come_back(throwaway_postgres, app_server):
    catalogue = app_server + reverse("brands:catalogue")
    status, page = _get(catalogue)
    assert status == 200, page[:500]
    assert "八桂家政" in page  # read from the database

    throwaway_postgres.stop()
    status, page = _get(catalogue)
    assert status == 503
    assert "系统暂时无法访问" in page and "数据库正在重启或维护" in page

    throwaway_postgres.start()
    # The same process, without a restart: the failed connection was dropped, a new one is made.
    status, page = _get(catalogue)
    assert status == 200, page[:500]
    assert "八桂家政" in page
