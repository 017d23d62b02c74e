"""A broker outage costs the clerk nothing: a large file's work waits as its import record (the outbox) and
is sent when the broker answers again (core/imports/dispatch.py). The broker is pointed at a closed port;
"back" is Celery's in-process mode here, a real Redis and worker in training/tests/test_celery_worker.py."""

import datetime
import socket

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.imports import dispatch, services
from core.imports.models import ImportStatus
from employment.models import JobReferral, ReferralImport
from employment.referral_import import REFERRALS
from qinzhou_brands.celery import app as celery_app
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .test_imports_lifecycle import referral_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(area):
    batch = TrainingBatchFactory(area=area)
    trainees = [TraineeFactory(name=name) for name in ("黄秀英", "李明", "陈丽")]
    for trainee in trainees:
        EnrolmentFactory(trainee=trainee, batch=batch)
    return trainees


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def point_broker(url: str) -> None:
    """Send tasks to `url` from now on. The app lets go of its pools; kombu keeps one per broker URL, left
    open, so pointing back at the real broker finds its pool as it was (closing it broke the next publish)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Celery sends to a Redis broker on a port where nothing listens; restored afterwards."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    point_broker(f"redis://127.0.0.1:{closed_port()}/0")
    yield
    celery_app.conf.task_always_eager = previous[1]
    point_broker(previous[0])


def broker_back(settings) -> None:
    """The broker answers again (in-process here: the sent task runs at once)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True


def upload_page(client, area, content):
    return client.post(
        reverse("employment:referral_import_upload"),
        {"area": area.pk, "file": SimpleUploadedFile("推荐.xlsx", content)},
        follow=True,
    )


@pytest.mark.parametrize("cache_too", [False, True], ids=["broker", "broker-and-cache"])
def test_a_large_upload_with_the_broker_down_is_kept_and_the_clerk_told(
    broker_down, settings, clerk_client, area, people, django_capture_on_commit_callbacks, cache_too
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    if cache_too:  # the cache on the same Redis as the broker: down with it (the progress bar reads it)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
            }
        }
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_page(clerk_client, area, referral_sheet(people))
    assert response.status_code == 200
    page = response.content.decode()
    assert "后台处理服务暂时连接不上。推荐表已保存，不会丢失：服务恢复后系统会自动检查" in page
    assert 'id="waiting-import"' in page
    assert "等待后台处理" in page
    record = ReferralImport.objects.get()
    assert (record.status, record.work_started_at) == (ImportStatus.ANALYSING, None)

    # The progress bar polls: still waiting, and each poll may try the broker again (refused here).
    state = clerk_client.get(reverse("employment:referral_import_progress", args=[record.pk])).json()
    assert (state["status"], state["waiting"], state["phase"]) == ("analysing", True, "等待后台处理")

    broker_back(settings)
    assert dispatch.import_sweep() == {"sent": 1, "waiting": 0, "failed": 0}
    record.refresh_from_db()
    assert (record.status, record.rows) == (ImportStatus.PREVIEW, 3)
    assert record.work_started_at is not None


def test_a_commit_with_the_broker_down_waits_and_is_written_by_the_sweep_command(
    broker_down,
    settings,
    clerk_client,
    clerk,
    area,
    people,
    capsys,
):
    record = services.import_upload(
        spec=REFERRALS, scope=area, user=clerk, file_name="推荐.xlsx", content=referral_sheet(people)
    )
    assert record.status == ImportStatus.PREVIEW  # small: checked in the request
    settings.IMPORT_INLINE_MAX_ROWS = 2
    response = clerk_client.post(reverse("employment:referral_import_commit", args=[record.pk]), {"mode": "all"})
    # Django's test transaction holds on_commit: the commit's send is made as the outbox sweep makes it.
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_waiting and record.status == ImportStatus.COMMITTING
    call_command("import_sweep")
    assert "仍在等待消息队列 1 个" in capsys.readouterr().out
    assert not JobReferral.objects.exists()

    broker_back(settings)
    call_command("import_sweep")
    assert "已交给后台处理 1 个导入" in capsys.readouterr().out
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert JobReferral.objects.count() == 3


def test_a_waiting_import_may_be_cancelled_and_is_then_never_sent(
    broker_down,
    settings,
    clerk_client,
    clerk,
    area,
    people,
    django_capture_on_commit_callbacks,
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        record = services.import_upload(
            spec=REFERRALS, scope=area, user=clerk, file_name="推荐.xlsx", content=referral_sheet(people)
        )
    page = clerk_client.get(reverse("employment:referral_import_detail", args=[record.pk])).content.decode()
    assert "取消本次导入" in page
    clerk_client.post(reverse("employment:referral_import_cancel", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    broker_back(settings)
    assert dispatch.import_sweep() == {"sent": 0, "waiting": 0, "failed": 0}
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED


def test_another_areas_clerk_gets_404_for_a_waiting_import(
    broker_down,
    settings,
    clerk,
    other_clerk,
    client,
    area,
    people,
    django_capture_on_commit_callbacks,
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        record = services.import_upload(
            spec=REFERRALS, scope=area, user=clerk, file_name="推荐.xlsx", content=referral_sheet(people)
        )
    client.force_login(other_clerk)
    assert client.get(reverse("employment:referral_import_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("employment:referral_import_progress", args=[record.pk])).status_code == 404


def test_a_commit_whose_worker_was_lost_is_marked_failed_after_the_stale_time(
    settings,
    clerk,
    area,
    people,
    django_capture_on_commit_callbacks,
):
    """Killed mid-commit (its transaction rolled back) and never redelivered: not "正在导入" for ever."""
    record = services.import_upload(
        spec=REFERRALS, scope=area, user=clerk, file_name="推荐.xlsx", content=referral_sheet(people)
    )
    settings.IMPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=False):
        services.import_request_commit(spec=REFERRALS, record=record, user=clerk, skip_invalid=False)
    handed_over = timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES - 1)
    ReferralImport.objects.filter(pk=record.pk).update(work_started_at=handed_over)
    assert dispatch.import_sweep()["failed"] == 0  # not yet: its worker may still be writing

    ReferralImport.objects.filter(pk=record.pk).update(work_started_at=handed_over - datetime.timedelta(minutes=2))
    assert dispatch.import_sweep() == {"sent": 0, "waiting": 0, "failed": 1}
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert record.message.startswith(f"后台处理超过 {settings.IMPORT_STALE_MINUTES} 分钟仍未完成")
    assert "没有写入任何记录" in record.message
    assert not JobReferral.objects.exists()


def test_the_broker_is_given_up_within_a_few_seconds():
    """The settings bound the time a request can spend on an unreachable broker: connecting (each try) plus
    the waits between retries stays under the 5 s the issue allows."""
    policy = django_settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    tries = policy["max_retries"] + 1
    waits = sum(
        min(policy["interval_start"] + n * policy["interval_step"], policy["interval_max"]) for n in range(tries - 1)
    )
    connect = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"]
    assert connect == django_settings.CELERY_BROKER_CONNECTION_TIMEOUT
    assert tries * connect + waits < 5
    assert django_settings.CELERY_TASK_IGNORE_RESULT  # the result store is not contacted on publish
