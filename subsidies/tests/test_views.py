"""The subsidy pages: scope (another area's application is a 404 everywhere), the path through the
pages by the right people, refusals shown in Chinese, the bulk page, budgets and the export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.xlsx import XLSX_CONTENT_TYPE
from training.models import Enrolment

from .. import services
from ..models import ApplicationEvidence, ApplicationTransition, SubsidyApplication

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _detail(pk):
    return reverse("subsidies:application_detail", args=[pk])


def _action(pk, action):
    return reverse("subsidies:application_action", args=[pk, action])


def _login(client, user):
    client.force_login(user)
    return client


def test_other_area_gets_404_everywhere_and_nothing_changes(client, clerk, other_clerk, base_application, budget):
    application = base_application()
    evidence = services.evidence_add(
        application=application, user=clerk, file=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test")
    )
    _login(client, other_clerk)
    urls = [
        ("get", _detail(application.pk), {}),
        ("get", reverse("subsidies:evidence_download", args=[application.pk, evidence.pk]), {}),
        ("post", _action(application.pk, "submit"), {}),
        ("post", _action(application.pk, "review"), {}),
        ("post", _action(application.pk, "approve"), {}),
        ("post", _action(application.pk, "pay"), {"pay-paid_on": TODAY.isoformat(), "pay-voucher_number": "X1"}),
        ("post", _action(application.pk, "reject"), {"reject-reason": "越权"}),
        ("post", _action(application.pk, "return"), {"return-reason": "越权"}),
        (
            "post",
            reverse("subsidies:evidence_upload", args=[application.pk]),
            {"file": SimpleUploadedFile("a.pdf", b"x")},
        ),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.transitions.count() == 1
    assert ApplicationEvidence.objects.filter(application=application).count() == 1
    assert client.get(reverse("subsidies:application_list")).context["page"].paginator.count == 0


def test_path_through_the_pages(client, clerk, reviewer, city_admin, base_rule, base_recognition, budget):
    _login(client, clerk)
    response = client.post(
        reverse("subsidies:application_create"),
        {
            "rule": base_rule.pk,
            "amount": "400000.00",
            "organisation": base_recognition.organisation.pk,
            "recognition": base_recognition.pk,
            "comment": "首次申请",
        },
    )
    application = SubsidyApplication.objects.get()
    assert response.status_code == 302 and response.url == _detail(application.pk)
    upload = client.post(
        reverse("subsidies:evidence_upload", args=[application.pk]),
        {"file": SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4")},
    )
    assert upload.status_code == 302
    page = client.get(_detail(application.pk))
    assert "认定文件.pdf" in page.content.decode()
    evidence = application.evidence.get()
    download = client.get(reverse("subsidies:evidence_download", args=[application.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"

    assert client.post(_action(application.pk, "submit"), {"submit-comment": "材料齐全"}).status_code == 302
    assert "已提交" in client.get(_detail(application.pk)).content.decode()

    _login(client, reviewer)
    page = client.get(_detail(application.pk)).content.decode()
    assert "审核通过" in page and "材料齐全" in page
    assert client.post(_action(application.pk, "review"), {"review-comment": "同意"}).status_code == 302

    _login(client, city_admin)
    assert client.post(_action(application.pk, "approve"), {}).status_code == 302
    page = client.get(_detail(application.pk)).content.decode()
    assert "已审批" in page and "登记拨付" in page
    response = client.post(
        _action(application.pk, "pay"), {"pay-paid_on": TODAY.isoformat(), "pay-voucher_number": "记-2024-001"}
    )
    assert response.status_code == 302
    page = client.get(_detail(application.pk)).content.decode()
    assert "记-2024-001" in page and "已拨付" in page
    application.refresh_from_db()
    assert application.status == Status.PAID
    steps = list(application.transitions.values_list("to_status", flat=True))
    assert steps == [Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED, Status.PAID]
    budgets = client.get(reverse("subsidies:budget_list"))
    assert budgets.status_code == 200
    assert budgets.context["budgets"][0]["paid"] == Decimal("400000.00")


def test_refused_action_shows_its_chinese_message_and_keeps_input(client, clerk, base_application, advance, budget):
    application = advance(base_application(), Status.SUBMITTED)
    # The clerk tries to return their own submission: only the reviewer may.
    _login(client, clerk)
    response = client.post(_action(application.pk, "return"), {"return-reason": "我想再改改"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "只有本县区审核员可以处理已提交的申请。" in content
    assert "我想再改改" in content
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_missing_reason_is_a_form_error(client, reviewer, base_application, advance, budget):
    application = advance(base_application(), Status.SUBMITTED)
    _login(client, reviewer)
    response = client.post(_action(application.pk, "reject"), {"reject-reason": ""})
    assert response.status_code == 200 and "请填写原因。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_approval_over_budget_is_refused_in_chinese(client, city_admin, base_application, advance):
    from .factories import BudgetFactory

    BudgetFactory(amount=Decimal("100.00"))
    application = advance(base_application(), Status.REVIEWED)
    _login(client, city_admin)
    response = client.post(_action(application.pk, "approve"), {})
    assert response.status_code == 200 and "余额不足" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REVIEWED


def test_create_refusal_keeps_input(client, clerk, base_rule, base_recognition):
    _login(client, clerk)
    response = client.post(
        reverse("subsidies:application_create"),
        {
            "rule": base_rule.pk,
            "amount": "999999.00",
            "organisation": base_recognition.organisation.pk,
            "recognition": base_recognition.pk,
            "comment": "超额测试",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "最高限额" in content and "超额测试" in content
    assert not SubsidyApplication.objects.exists()


def test_create_person_application_with_trainee_search(client, clerk, training_rule, make_enrolment):
    enrolment = make_enrolment()
    _login(client, clerk)
    page = client.get(reverse("subsidies:application_create"), {"q": enrolment.trainee.name})
    assert enrolment.trainee.masked_id_number in page.content.decode()
    assert enrolment.trainee.id_number not in page.content.decode()
    response = client.post(
        reverse("subsidies:application_create"),
        {"rule": training_rule.pk, "amount": "1500.00", "enrolment": enrolment.pk},
    )
    assert response.status_code == 302
    assert SubsidyApplication.objects.get().enrolment == enrolment


def test_a_search_by_id_number_posts_and_keeps_the_number_out_of_the_address(
    client, clerk, training_rule, make_enrolment
):
    enrolment, other = make_enrolment(), make_enrolment()
    number = enrolment.trainee.id_number
    url = reverse("subsidies:application_create")
    _login(client, clerk)
    found = client.post(url, {"q": number, "find": "1"})
    assert found.status_code == 302 and number not in found["Location"] and number[-6:] not in found["Location"]
    page = client.get(found["Location"])
    content = page.content.decode()
    assert enrolment.trainee.masked_id_number in content and number not in content
    assert other.trainee.masked_id_number not in content  # narrowed to the person searched
    assert f'action="{found["Location"]}"' in content  # the application form keeps the token, not the number
    response = client.post(
        found["Location"], {"rule": training_rule.pk, "amount": "1500.00", "enrolment": enrolment.pk}
    )
    assert response.status_code == 302
    assert SubsidyApplication.objects.get().enrolment == enrolment


def test_an_old_style_address_with_a_number_is_moved_into_the_session(client, clerk, make_enrolment):
    enrolment = make_enrolment()
    _login(client, clerk)
    response = client.get(reverse("subsidies:application_create"), {"q": enrolment.trainee.id_number})
    assert response.status_code == 302 and enrolment.trainee.id_number not in response["Location"]
    assert enrolment.trainee.masked_id_number in client.get(response["Location"]).content.decode()


def test_an_expired_search_on_the_application_page_says_so(client, clerk):
    _login(client, clerk)
    content = client.get(reverse("subsidies:application_create"), {"s": "gone"}, follow=True).content.decode()
    assert "查找学员的条件已过期" in content


def _make_applications(count, make_enrolment, clerk, rule):
    for _ in range(count):
        services.application_create(user=clerk, rule=rule, amount=Decimal("100.00"), enrolment=make_enrolment())


def test_list_query_count_is_bounded(client, clerk, training_rule, make_enrolment):
    _login(client, clerk)
    url = reverse("subsidies:application_list")
    _make_applications(3, make_enrolment, clerk, training_rule)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200 and response.context["page"].paginator.count == 3
    _make_applications(27, make_enrolment, clerk, training_rule)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page"].paginator.count == 30
    assert len(many) == len(few)
    content = response.content.decode()
    trainee = SubsidyApplication.objects.first().trainee
    assert trainee.masked_id_number in content and trainee.id_number not in content


def test_list_filters(client, clerk, training_rule, make_enrolment):
    _make_applications(2, make_enrolment, clerk, training_rule)
    _login(client, clerk)
    url = reverse("subsidies:application_list")
    assert client.get(url, {"status": "draft"}).context["page"].paginator.count == 2
    assert client.get(url, {"status": "paid"}).context["page"].paginator.count == 0
    assert client.get(url, {"kind": "training", "year": TODAY.year}).context["page"].paginator.count == 2


def test_batch_page_previews_then_creates(client, clerk, training_rule, make_enrolment):
    first = make_enrolment()
    batch = first.batch
    make_enrolment_in_batch = Enrolment.objects.create  # a second trainee without a certificate
    from training.tests.factories import TraineeFactory

    make_enrolment_in_batch(trainee=TraineeFactory(), batch=batch, completed=True, certificate="")
    _login(client, clerk)
    url = reverse("subsidies:batch_applications", args=[batch.pk])
    preview = client.get(url, {"rule": training_rule.pk})
    assert preview.status_code == 200
    assert len(preview.context["eligible"]) == 1
    assert [item.reason for item in preview.context["ineligible"]] == ["无证书"]
    assert "无证书" in preview.content.decode()
    assert not SubsidyApplication.objects.exists()
    assert not ApplicationTransition.objects.exists()
    response = client.post(url, {"rule": training_rule.pk})
    assert response.status_code == 302
    assert SubsidyApplication.objects.get().enrolment == first


def test_batch_page_of_other_area_is_404(client, other_clerk, training_rule, make_enrolment):
    batch = make_enrolment().batch
    _login(client, other_clerk)
    url = reverse("subsidies:batch_applications", args=[batch.pk])
    assert client.get(url, {"rule": training_rule.pk}).status_code == 404
    assert client.post(url, {"rule": training_rule.pk}).status_code == 404
    assert not SubsidyApplication.objects.exists()


def test_budget_export(client, city_admin, base_application, advance, budget):
    advance(base_application(), Status.SUBMITTED)
    _login(client, city_admin)
    response = client.get(reverse("subsidies:budget_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["预算执行"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[1] == str(budget.area)]
    # year, area, allocated, approved and unpaid, paid, remaining: nothing approved yet
    assert rows == [(budget.year, str(budget.area), 1000000, 0, 0, 1000000)]


def test_reviewer_cannot_open_create_page(client, reviewer):
    _login(client, reviewer)
    assert client.get(reverse("subsidies:application_create")).status_code == 403


def test_clerk_corrects_a_draft(client, clerk, base_application):
    application = base_application()
    _login(client, clerk)
    assert "修改申请" in client.get(_detail(application.pk)).content.decode()
    response = client.post(_action(application.pk, "update"), {"update-amount": "300000.00", "update-comment": "改"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.amount == Decimal("300000.00") and application.comment == "改"
    refused = client.post(_action(application.pk, "update"), {"update-amount": "600000.00", "update-comment": "改"})
    assert refused.status_code == 200 and "最高限额" in refused.content.decode()


def test_free_text_on_the_pages_is_limited_as_in_the_api(client, clerk, base_rule, base_recognition, base_application):
    """A 10 MB comment was accepted by the pages where the API takes 1,000 characters."""
    _login(client, clerk)
    created = client.post(
        reverse("subsidies:application_create"),
        {
            "rule": base_rule.pk,
            "amount": "1000.00",
            "organisation": base_recognition.organisation.pk,
            "recognition": base_recognition.pk,
            "comment": "长" * 1001,
        },
    )
    assert created.status_code == 200 and "不超过 1000 字符" in created.content.decode()
    application = base_application()
    count = SubsidyApplication.objects.count()
    updated = client.post(
        _action(application.pk, "update"), {"update-amount": "1000.00", "update-comment": "长" * 1001}
    )
    assert updated.status_code == 200 and "不超过 1000 字符" in updated.content.decode()
    application.refresh_from_db()
    assert application.comment != "长" * 1001 and SubsidyApplication.objects.count() == count


def test_create_export_service_application(client, clerk, area):
    from brands.tests.factories import OrganisationFactory
    from employment.tests.factories import LabourExportFactory

    from .factories import SubsidyRuleFactory

    rule = SubsidyRuleFactory(kind="export_service", amount=Decimal("200.00"))
    export = LabourExportFactory(agency=OrganisationFactory(area=area, kind="hr_agency"))
    _login(client, clerk)
    response = client.post(
        reverse("subsidies:application_create"),
        {"rule": rule.pk, "amount": "200.00", "organisation": export.agency.pk, "labour_export": export.pk},
    )
    assert response.status_code == 302
    assert SubsidyApplication.objects.get().labour_export == export


# --- the budgets page as the walk of 2026-12 found it ------------------------------------------------


def test_budget_amounts_have_thousands_separators_and_a_small_use_shows(
    client, city_admin, base_application, advance, budget
):
    advance(base_application(amount=Decimal("4000.00")), Status.APPROVED)  # 0.4% of 1,000,000
    _login(client, city_admin)
    page = client.get(reverse("subsidies:budget_list")).content.decode()
    assert "1,000,000.00" in page and "1000000.00" not in page  # as the dashboard's ¥13,500,000
    assert "996,000.00" in page  # the remainder
    assert "已使用 &lt;1%" in page and "已使用 0%" not in page
    assert 'bg-warning" style="width: 1.00%"' in page  # approved, not paid: a visible sliver


def test_budget_use_is_rounded_and_an_untouched_budget_is_at_zero(
    client, city_admin, base_application, advance, budget
):
    _login(client, city_admin)
    assert "已使用 0%" in client.get(reverse("subsidies:budget_list")).content.decode()
    advance(base_application(amount=Decimal("125000.00")), Status.APPROVED)
    page = client.get(reverse("subsidies:budget_list")).content.decode()
    assert "已使用 12%" in page and 'style="width: 12.50%"' in page


def test_the_status_summary_follows_the_path(
    client, clerk, city_admin, base_application, advance, budget, training_rule, make_enrolment
):
    advance(base_application(amount=Decimal("100.00")), Status.APPROVED)
    for amount, status in (("200.00", Status.DRAFT), ("300.00", Status.SUBMITTED)):
        application = services.application_create(
            user=clerk, rule=training_rule, amount=Decimal(amount), enrolment=make_enrolment()
        )
        advance(application, status)
    _login(client, city_admin)
    totals = client.get(reverse("subsidies:budget_list")).context["totals"]
    (by_status,) = [total for total in totals if total["by"] == "status"]
    assert [row["label"] for row in by_status["rows"]] == ["草稿", "已提交", "已审批"]
