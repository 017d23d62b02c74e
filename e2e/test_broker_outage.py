"""A clerk uploads a large roster while the task broker is down (issue 20): the page answers with a Chinese
notice and shows the waiting import, then the check's result once the broker is back and the outbox sweep ran;
the open page follows by itself (its progress poll)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.imports.dispatch import import_sweep
from core.tests.test_imports_outbox import closed_port, point_broker
from qinzhou_brands.celery import app as celery_app
from training.models import RosterImport
from training.tests.factories import TrainingBatchFactory
from training.tests.rosters import chinese_name, make_roster, person_ids, valid_row

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_down(settings):
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    point_broker(f"redis://127.0.0.1:{closed_port()}/0")
    yield
    celery_app.conf.task_always_eager = previous[1]
    point_broker(previous[0])


def test_a_roster_uploaded_while_the_broker_is_down_waits_and_is_checked_once_it_is_back(
    sessions, open_as, clerk, area, broker_down, settings, tmp_path
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    batch = TrainingBatchFactory(area=area)
    roster = tmp_path / "母婴护理员花名册.xlsx"
    roster.write_bytes(
        make_roster([valid_row(id_number, name=chinese_name(n)) for n, id_number in enumerate(person_ids(4))])
    )

    sessions.step("经办员：消息队列不可用时上传花名册")
    page = open_as(clerk)
    page.goto(reverse("training:batch_detail", args=[batch.pk]))
    page.locator("a.btn").filter(has_text="上传花名册").click()
    page.get_by_label("花名册文件（").set_input_files(roster)
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/training/imports/\d+/$"))
    expect(page.get_by_text("后台处理服务暂时连接不上。花名册已保存，不会丢失")).to_be_visible()
    expect(page.locator("#waiting-import")).to_contain_text("正在排队")
    expect(page.locator("#progress-phase")).to_have_text("等待后台处理")
    expect(page.locator("h1 .badge")).to_have_text("正在检查")
    sessions.snapshot(page, "等待后台处理")

    sessions.step("消息队列恢复，定时任务发出等待的导入")
    celery_app.conf.task_always_eager = True  # the broker answers: the task runs (here, in-process)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert import_sweep()["sent"] == 1
    expect(page.locator("h1 .badge")).to_have_text("待确认")  # the open page reloaded by itself
    expect(page.locator("#waiting-import")).to_have_count(0)
    assert RosterImport.objects.get(batch=batch).rows == 4
