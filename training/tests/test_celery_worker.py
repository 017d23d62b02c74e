"""Large rosters on a real Celery worker (Redis broker, PostgreSQL): the path production takes.

The worker is a separate process connected to this test's database, so these tests need
PostgreSQL and Redis; they skip on a developer machine without them and fail in CI."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from brands.models import Occupation
from conftest import require_service, uses_postgresql
from core.imports.dispatch import import_sweep
from core.imports.services import progress_key
from qinzhou_brands.celery import app as celery_app
from training.models import Enrolment, RosterImport, Trainee
from training.services import batch_create
from training.tests.factories import approve_classes
from training.tests.rosters import chinese_name, person_ids, roster_request_commit, roster_upload, valid_row

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _roster_bytes(count: int) -> bytes:
    import io

    from openpyxl import Workbook

    from training.roster import TEMPLATE_HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(TEMPLATE_HEADERS)
    for number, id_number in enumerate(person_ids(count)):
        sheet.append(valid_row(id_number, name=chinese_name(number)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def worker(tmp_path):
    """A real `celery worker` process on this test's database; killed at the end.

    Its log goes to a file, not a pipe: a pipe nobody reads fills up and blocks the worker mid-task.
    `process.log_tail()` gives the end of it for a failure message."""
    require_service("Redis", bool(os.environ.get("REDIS_URL")), "set REDIS_URL")
    require_service("PostgreSQL", uses_postgresql(), "the worker must reach the test database")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    # A queue of this test database's own: with pytest-xdist each process has its own database, and a
    # worker must never take a task meant for another process's database.
    queue = f"test-{db['NAME']}"
    log = tmp_path / "celery-worker.log"
    log_file = log.open("wb")
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qinzhou_brands",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
        start_new_session=True,
    )
    process.log_tail = lambda: log.read_text(encoding="utf-8", errors="replace")[-4000:]
    yield process
    celery_app.conf.task_default_queue = previous_queue
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    log_file.close()


def _wait(predicate, *, seconds: float, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def _state(roster_import) -> str:
    current = RosterImport.objects.filter(pk=roster_import.pk).values("status", "message").first()
    return f"import {roster_import.pk}: {current}"


@pytest.fixture
def big_batch(area, clerk):
    # Approved for classes: a roster is committed into an approved batch only (issue 17).
    return approve_classes(
        batch_create(
            user=clerk,
            area=area,
            occupation=Occupation.objects.get(name="母婴护理员"),
            start_date=datetime.date(2024, 3, 1),
            end_date=datetime.date(2024, 3, 20),
        )
    )


def test_large_roster_is_checked_and_committed_by_the_worker(worker, big_batch, clerk, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 100
    roster_import = roster_upload(batch=big_batch, user=clerk, file_name="大名单.xlsx", content=_roster_bytes(2500))
    # The upload returned at once: the check runs on the worker.
    assert RosterImport.objects.get(pk=roster_import.pk).status in {"analysing", "preview"}
    status = _wait(
        lambda: RosterImport.objects.filter(pk=roster_import.pk, status="preview").exists(), seconds=240, every=0.2
    )
    assert status, f"worker did not finish the check ({_state(roster_import)}); its log:\n{worker.log_tail()}"
    roster_import.refresh_from_db()
    assert roster_import.rows == 2500
    assert roster_import.report["created"] == 2500

    roster_request_commit(roster_import=roster_import, user=clerk, skip_invalid=False)
    committed = _wait(
        lambda: RosterImport.objects.filter(pk=roster_import.pk, status="committed").exists(), seconds=240, every=0.2
    )
    assert committed, f"worker did not commit ({_state(roster_import)}); its log:\n{worker.log_tail()}"
    assert Trainee.objects.count() == 2500
    assert Enrolment.objects.filter(batch=big_batch).count() == 2500
    roster_import.refresh_from_db()
    assert (roster_import.created_count, roster_import.enrolled_count) == (2500, 2500)


def test_a_worker_killed_half_way_leaves_no_row_behind(worker, big_batch, clerk, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 100
    roster_import = roster_upload(batch=big_batch, user=clerk, file_name="大名单.xlsx", content=_roster_bytes(30000))
    checked = _wait(
        lambda: RosterImport.objects.filter(pk=roster_import.pk, status="preview").exists(), seconds=240, every=0.2
    )
    assert checked, f"worker did not finish the check ({_state(roster_import)}); its log:\n{worker.log_tail()}"
    roster_import.refresh_from_db()
    roster_request_commit(roster_import=roster_import, user=clerk, skip_invalid=False)
    key = progress_key(roster_import)

    def writing():
        state = cache.get(key) or {}
        return state.get("phase") == "正在写入" and 0 < state.get("done", 0) < state.get("total", 0)

    assert _wait(writing, seconds=240, every=0.01), (
        f"the worker never reported progress while writing ({_state(roster_import)}); its log:\n{worker.log_tail()}"
    )
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)

    assert Trainee.objects.count() == 0
    assert Enrolment.objects.count() == 0
    assert Trainee.categories.through.objects.count() == 0
    # The import is still marked as in progress: with acks_late the broker hands it to the next worker.
    assert RosterImport.objects.get(pk=roster_import.pk).status == "committing"

    # When no worker takes it again, it is not "正在导入" for ever: IMPORT_STALE_MINUTES after it was handed
    # over, the outbox sweep marks it failed, saying nothing was written.
    handed_over = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1)
    RosterImport.objects.filter(pk=roster_import.pk).update(work_started_at=handed_over)
    # The killed worker's transaction holds the record's row until PostgreSQL notices the lost connection.
    assert _wait(lambda: import_sweep()["failed"], seconds=30, every=0.5), _state(roster_import)
    roster_import.refresh_from_db()
    assert roster_import.status == "failed"
    assert "没有写入任何记录" in roster_import.message
    assert Trainee.objects.count() == 0


def test_a_roster_upload_with_the_broker_down_answers_and_is_checked_once_it_is_back(
    worker, big_batch, clerk, client, settings
):
    """Issue 20's fault: the broker unreachable while a clerk uploads a large roster. The page answers at
    once (the request once hung ~20 s and answered 500), says so in Chinese, and the kept roster is checked
    by the worker after the broker is back and the outbox sweep ran."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse

    from core.tests.test_imports_outbox import closed_port, point_broker

    settings.IMPORT_INLINE_MAX_ROWS = 100
    content = _roster_bytes(300)
    client.force_login(clerk)
    real_broker = celery_app.conf.broker_url
    point_broker(f"redis://127.0.0.1:{closed_port()}/0")
    try:
        started = time.monotonic()
        response = client.post(
            reverse("training:import_upload", args=[big_batch.pk]),
            {"file": SimpleUploadedFile("大名单.xlsx", content)},
        )
        # Not a speed measure: the requirement is that the clerk is answered instead of left hanging.
        answered_in = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:500]
        page = client.get(response["Location"]).content.decode()
    finally:
        point_broker(real_broker)
    assert answered_in < 5, f"the upload took {answered_in:.1f} s with the broker down"
    assert "后台处理服务暂时连接不上。花名册已保存，不会丢失" in page
    assert "等待后台处理" in page
    roster_import = RosterImport.objects.get(batch=big_batch)
    assert roster_import.is_waiting

    call_command("import_sweep")
    checked = _wait(
        lambda: RosterImport.objects.filter(pk=roster_import.pk, status="preview").exists(), seconds=120, every=0.2
    )
    assert checked, f"the worker did not check the kept roster ({_state(roster_import)}); its log:\n{worker.log_tail()}"
    roster_import.refresh_from_db()
    assert roster_import.rows == 300
