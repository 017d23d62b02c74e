"""The lifecycle every import follows (uploaded → checked → committed / cancelled / failed), the Celery path
for large files of every spec, progress, and the one out-of-date rule; shown with the referral import,
the spec that had neither background work nor those states before the pipeline."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.imports import services
from core.imports.models import TRANSITIONS, ImportStatus
from employment.models import JobReferral, ReferralImport
from employment.referral_import import REFERRALS, TEMPLATE_HEADERS
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(area):
    batch = TrainingBatchFactory(area=area)
    trainees = [TraineeFactory(name=name) for name in ("黄秀英", "李明", "陈丽")]
    for trainee in trainees:
        EnrolmentFactory(trainee=trainee, batch=batch)
    return trainees


def referral_sheet(people, *, bad: bool = False) -> bytes:
    rows = [
        [
            person.id_number,
            person.name,
            "钦州市好帮手家政",
            "家政服务员",
            datetime.date(2025, 3, 18),
            "专场招聘",
            "",
            "",
        ]
        for person in people
    ]
    if bad:
        rows.append(
            ["450702", "某人", "钦州市好帮手家政", "家政服务员", datetime.date(2025, 3, 18), "专场招聘", "", ""]
        )
    return make_roster(rows, headers=TEMPLATE_HEADERS)


def upload(clerk, area, content):
    return services.import_upload(spec=REFERRALS, scope=area, user=clerk, file_name="推荐.xlsx", content=content)


def test_the_lifecycle_is_one_table():
    assert TRANSITIONS[(ImportStatus.ANALYSING, "check")] == ImportStatus.PREVIEW
    assert TRANSITIONS[(ImportStatus.PREVIEW, "commit")] == ImportStatus.COMMITTING
    assert TRANSITIONS[(ImportStatus.COMMITTING, "write")] == ImportStatus.COMMITTED
    assert (ImportStatus.COMMITTED, "cancel") not in TRANSITIONS


def test_a_checked_import_is_committed_once_and_not_cancelled_after(clerk, area, people):
    record = upload(clerk, area, referral_sheet(people))
    assert record.status == ImportStatus.PREVIEW
    services.import_request_commit(spec=REFERRALS, record=record, user=clerk, skip_invalid=False)
    record.refresh_from_db()
    assert (record.status, record.created_count, record.committed_by) == (ImportStatus.COMMITTED, 3, clerk)
    with pytest.raises(ValidationError, match="当前状态为“已导入”，不能再提交"):
        services.import_request_commit(spec=REFERRALS, record=record, user=clerk, skip_invalid=False)
    with pytest.raises(ValidationError, match="当前状态为“已导入”，不能取消"):
        services.import_cancel(spec=REFERRALS, record=record, user=clerk)
    assert JobReferral.objects.count() == 3


def test_errors_block_a_full_commit_and_a_cancelled_import_writes_nothing(clerk, area, people):
    record = upload(clerk, area, referral_sheet(people, bad=True))
    with pytest.raises(ValidationError, match="推荐表有错误行，不能全部导入"):
        services.import_request_commit(spec=REFERRALS, record=record, user=clerk, skip_invalid=False)
    services.import_cancel(spec=REFERRALS, record=record, user=clerk)
    record.refresh_from_db()
    assert (record.status, record.message) == (ImportStatus.CANCELLED, "经办员取消了本次导入，没有写入任何记录。")
    assert not JobReferral.objects.exists()


def test_a_large_referral_sheet_is_checked_and_written_on_the_task_queue(
    clerk, area, people, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 2  # Celery runs in the test's process (conftest)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        record = upload(clerk, area, referral_sheet(people))
    assert ReferralImport.objects.get(pk=record.pk).status == ImportStatus.ANALYSING  # the page shows progress
    assert len(queued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    record.refresh_from_db()
    assert (record.status, record.rows, record.report["created"]) == (ImportStatus.PREVIEW, 3, 3)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.import_request_commit(spec=REFERRALS, record=record, user=clerk, skip_invalid=False)
    assert ReferralImport.objects.get(pk=record.pk).status == ImportStatus.COMMITTING
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert JobReferral.objects.count() == 3


def test_the_progress_bar_reads_the_referral_import_too(clerk_client, clerk, area, people):
    record = upload(clerk, area, referral_sheet(people))
    state = clerk_client.get(reverse("employment:referral_import_progress", args=[record.pk])).json()
    assert (state["status"], state["status_label"], state["stale"]) == ("preview", "待确认", False)
    assert state["detail_url"] == reverse("employment:referral_import_detail", args=[record.pk])


def test_a_check_whose_worker_was_lost_is_out_of_date_and_may_be_cancelled(
    clerk, clerk_client, area, people, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=False):
        record = upload(clerk, area, referral_sheet(people))
    # Handed to the broker, and the task is never run: the worker was lost.
    ReferralImport.objects.filter(pk=record.pk).update(work_started_at=timezone.now())
    record.refresh_from_db()
    with pytest.raises(ValidationError, match="当前状态为“正在检查”，不能取消"):
        services.import_cancel(spec=REFERRALS, record=record, user=clerk)
    ReferralImport.objects.filter(pk=record.pk).update(
        work_started_at=timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1)
    )
    record.refresh_from_db()
    assert record.is_stale
    page = clerk_client.get(reverse("employment:referral_import_detail", args=[record.pk])).content.decode()
    assert "处理时间过长，后台任务可能已中断" in page
    services.import_cancel(spec=REFERRALS, record=record, user=clerk)
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
