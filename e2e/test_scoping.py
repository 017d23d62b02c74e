"""Issue 7: a clerk of another area cannot reach any of it.

钦南区's batch, its roster imports, its trainee and its subsidy application, made with the services
(as the main flow makes them through the pages), answer 404 to a 钦北区 clerk who logged in through
the form: the pages, the downloads and the form posts. The 钦南区 clerk opens the same addresses,
so a 404 is the scoping at work and not a wrong address."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from subsidies import services as subsidy_services
from subsidies.models import SubsidyApplication
from subsidies.tests.factories import SubsidyRuleFactory
from training import services as training_services
from training.models import Enrolment, RosterImport, TrainingBatch
from training.tests import rosters
from training.tests.factories import TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids, valid_row

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE_NAME = "钦南区花名册.xlsx"
BATCH_NAME = "钦南区母婴护理员（他区不可见）"
PERSON = "黄丽华"


@pytest.fixture
def qinnan_records(clerk, area):
    """A completed 钦南区 batch with two people, one with a certificate and a training-subsidy draft,
    one committed roster import and one still waiting in preview."""
    today = timezone.localdate()
    batch = TrainingBatchFactory(
        area=area,
        name=BATCH_NAME,
        status=TrainingBatch.Status.COMPLETED,
        start_date=today - datetime.timedelta(days=40),
        end_date=today - datetime.timedelta(days=20),
    )
    ids = person_ids(3, start=800)
    committed = rosters.roster_upload(
        batch=batch,
        user=clerk,
        file_name=FILE_NAME,
        content=make_roster([valid_row(ids[0], name=PERSON), valid_row(ids[1], name="苏志强")]),
        mark_completed=True,
    )
    rosters.roster_request_commit(roster_import=committed, user=clerk, skip_invalid=False)
    enrolment = Enrolment.objects.get(batch=batch, trainee__id_number=ids[0])
    training_services.enrolments_record_results(
        batch=batch,
        user=clerk,
        entries=[
            training_services.ResultEntry(
                enrolment_id=enrolment.pk,
                completed=True,
                certificate=Enrolment.Certificate.LEVEL_5,
                certificate_number="S4507022026099",
                certificate_date=batch.end_date,
            )
        ],
    )
    preview = rosters.roster_upload(
        batch=batch, user=clerk, file_name="补录.xlsx", content=make_roster([valid_row(ids[2], name="陆海")])
    )
    created, _ineligible = subsidy_services.training_subsidies_for_batch(
        user=clerk, batch=batch, rule=SubsidyRuleFactory()
    )
    assert RosterImport.objects.get(pk=preview.pk).status == RosterImport.Status.PREVIEW
    return {"batch": batch, "trainee": enrolment.trainee, "preview": preview, "application": created[0]}


def record_urls(records) -> dict[str, str]:
    batch, trainee, preview, application = (records[key] for key in ("batch", "trainee", "preview", "application"))
    return {
        "班期": reverse("training:batch_detail", args=[batch.pk]),
        "修改班期": reverse("training:batch_update", args=[batch.pk]),
        "登记结业与证书": reverse("training:batch_results", args=[batch.pk]),
        "上传花名册": reverse("training:import_upload", args=[batch.pk]),
        "花名册导入": reverse("training:import_detail", args=[preview.pk]),
        "学员档案": reverse("training:trainee_detail", args=[trainee.pk]),
        "岗位推荐与就业": reverse("employment:trainee_employment", args=[trainee.pk]),
        "补贴申请": reverse("subsidies:application_detail", args=[application.pk]),
        "申请培训补贴": reverse("subsidies:batch_applications", args=[batch.pk]),
    }


def download_urls(records) -> dict[str, str]:
    return {
        "导入进度": reverse("training:import_progress", args=[records["preview"].pk]),
        "检查结果下载": reverse("training:import_errors", args=[records["preview"].pk]),
    }


def post_urls(records) -> dict[str, str]:
    preview, application = records["preview"], records["application"]
    return {
        "全部导入": reverse("training:import_commit", args=[preview.pk]),
        "取消导入": reverse("training:import_cancel", args=[preview.pk]),
        "提交审核": reverse("subsidies:application_action", args=[application.pk, "submit"]),
        "登记岗位推荐": reverse("employment:referral_create", args=[records["trainee"].pk]),
    }


def list_urls() -> dict[str, tuple[str, str]]:
    """Lists that name the records for 钦南区: what -> (URL, text of 钦南区's record)."""
    return {
        "培训班期": (reverse("training:batch_list"), BATCH_NAME),
        "花名册导入记录": (reverse("training:import_list"), FILE_NAME),
        "补贴申请": (reverse("subsidies:application_list"), PERSON),
        "岗位推荐工作台": (reverse("employment:worklist"), PERSON),
    }


def csrf_headers(page: Page) -> dict[str, str]:
    """What a form post from one of the pages carries: the CSRF token (and the same-origin Referer)."""
    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    return {"X-CSRFToken": token, "Referer": page.url}


def test_clerk_of_another_area_gets_404_everywhere(sessions, open_as, clerk, other_clerk, qinnan_records):
    sessions.step("钦南区经办员：同样的地址都能打开")
    own = open_as(clerk)
    for what, url in record_urls(qinnan_records).items():
        response = own.goto(url)
        assert response.status == 200, (what, url, response.status)
    for what, url in download_urls(qinnan_records).items():
        assert own.request.get(url).status == 200, (what, url)
    for what, (url, text) in list_urls().items():
        own.goto(url)
        expect(own.locator("main"), what).to_contain_text(text)

    sessions.step("钦北区经办员：页面 404")
    page = open_as(other_clerk)
    for what, url in record_urls(qinnan_records).items():
        response = page.goto(url)
        assert response.status == 404, (what, url, response.status)
        expect(page.locator("h1"), what).to_have_text("页面不存在")
        expect(page.locator("main"), what).not_to_contain_text(PERSON)
    sessions.snapshot(page, "404 for another area")

    sessions.step("钦北区经办员：下载与进度 404")
    for what, url in download_urls(qinnan_records).items():
        assert page.request.get(url).status == 404, (what, url)

    sessions.step("钦北区经办员：表单提交 404，什么也没改")
    page.goto(reverse("training:batch_list"))  # a page of their own, for the CSRF cookie and the Referer
    for what, url in post_urls(qinnan_records).items():
        response = page.request.post(url, headers=csrf_headers(page), form={"mode": "all"})
        assert response.status == 404, (what, url, response.status)
    preview = RosterImport.objects.get(pk=qinnan_records["preview"].pk)
    assert preview.status == RosterImport.Status.PREVIEW
    assert SubsidyApplication.objects.get(pk=qinnan_records["application"].pk).status == "draft"
    assert not qinnan_records["trainee"].referrals.exists()

    sessions.step("钦北区经办员：列表里也没有")
    for what, (url, text) in list_urls().items():
        page.goto(url)
        expect(page.locator("h1"), what).to_be_visible()
        expect(page.locator("main"), what).not_to_contain_text(text)

    sessions.assert_pages_healthy()
