"""跟踪服务 pages as a clerk uses them: the worklist, recording a follow-up, another area's 404."""

import datetime

import pytest
from django.urls import reverse

from employment.models import EmploymentOutcome, WageCase
from employment.tests.factories import EmploymentOutcomeFactory

from ..models import FollowUp
from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _months_ago(months: int) -> datetime.date:
    from ..schedule import add_months

    return add_months(TODAY, -months)


def test_the_worklist_lists_due_points_of_the_area_only(clerk_client, area, other_area):
    mine = EmploymentOutcomeFactory(area=area, start_date=_months_ago(4), trainee__name="张三")
    EmploymentOutcomeFactory(area=other_area, start_date=_months_ago(4), trainee__name="李四")
    FollowUpFactory(outcome=mine, months=1)

    page = clerk_client.get(reverse("followups:worklist")).content.decode()

    assert "张三" in page and "李四" not in page
    cell = '<td class="text-nowrap">第 {} 个月</td>'
    assert cell.format(3) in page  # 1 is recorded, 6 and 12 are not yet due
    assert cell.format(1) not in page and cell.format(6) not in page


def test_the_worklist_shows_a_wrong_filter_in_chinese(clerk_client):
    response = clerk_client.get(reverse("followups:worklist"), {"months": "7"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_a_clerk_records_a_follow_up_and_opens_a_wage_case(clerk_client, area, clerk):
    outcome = EmploymentOutcomeFactory(area=area, start_date=_months_ago(2), employer_name="钦州某建筑公司")
    url = reverse("followups:outcome", args=[outcome.pk])
    response = clerk_client.post(
        url,
        {
            "months": "1",
            "followed_on": TODAY.isoformat(),
            "reached": "1",
            "employment": "same",
            "wage_band": "3000",
            "contract_signed": "1",
            "social_insurance": "0",
            "problems": "两个月工资未发",
            "open_wage_case": "on",
            "wage_case_amount": "6000",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已登记" in page and "并已转为欠薪举报投诉案件" in page
    follow_up = FollowUp.objects.get(outcome=outcome, months=1)
    assert follow_up.wage_case.employer_name == "钦州某建筑公司"
    assert follow_up.wage_case.status == WageCase.Status.RECEIVED
    assert follow_up.social_insurance is False

    again = clerk_client.post(url, {"months": "1", "followed_on": TODAY.isoformat(), "reached": "0"})
    assert again.status_code == 200
    assert "跟踪服务还没有保存" in again.content.decode()  # the recorded point is no longer offered
    assert FollowUp.objects.filter(outcome=outcome).count() == 1


def test_bad_input_is_a_chinese_message_never_a_500(clerk_client, area):
    outcome = EmploymentOutcomeFactory(area=area, start_date=_months_ago(2))
    url = reverse("followups:outcome", args=[outcome.pk])
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    page = clerk_client.post(url, {"months": "1", "followed_on": future, "reached": "1"}).content.decode()
    assert "联系上本人时请选择在岗情况" in page
    page = clerk_client.post(
        url, {"months": "1", "followed_on": future, "reached": "1", "employment": "none"}
    ).content.decode()
    assert "跟踪日期不能晚于今天" in page
    assert not FollowUp.objects.exists()


def test_another_areas_follow_ups_are_not_found(client, other_clerk, area):
    outcome = EmploymentOutcomeFactory(area=area, start_date=_months_ago(2))
    follow_up = FollowUpFactory(outcome=outcome, months=1)
    client.force_login(other_clerk)
    assert client.get(reverse("followups:outcome", args=[outcome.pk])).status_code == 404
    assert client.get(reverse("followups:detail", args=[follow_up.pk])).status_code == 404
    assert client.post(reverse("followups:outcome", args=[outcome.pk]), {"months": "3"}).status_code == 404


def test_a_start_up_is_not_followed(clerk_client, area):
    outcome = EmploymentOutcomeFactory(
        area=area, start_date=_months_ago(2), kind=EmploymentOutcome.Kind.ENTREPRENEURSHIP
    )
    assert clerk_client.get(reverse("followups:outcome", args=[outcome.pk])).status_code == 404


def test_the_outcome_page_links_from_the_persons_employment_page(clerk_client, area):
    from training.tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(batch__area=area)
    outcome = EmploymentOutcomeFactory(area=area, trainee=enrolment.trainee, start_date=_months_ago(2))
    page = clerk_client.get(reverse("employment:trainee_employment", args=[outcome.trainee_id])).content.decode()
    assert reverse("followups:outcome", args=[outcome.pk]) in page


@pytest.mark.parametrize("rows", [1, 25])
def test_the_worklist_query_count_does_not_grow(clerk_client, area, rows, django_assert_max_num_queries):
    for _ in range(rows):
        EmploymentOutcomeFactory(area=area, start_date=_months_ago(7))
    with django_assert_max_num_queries(19):  # the page's points: a count and a page of the UNION, one in_bulk
        page = clerk_client.get(reverse("followups:worklist")).content.decode()
    assert page.count("登记跟踪</a>") == min(3 * rows, 50)  # 1, 3 and 6 months due; 50 a page


def test_the_worklist_export_lists_what_the_page_lists(clerk_client, area, city_viewer, client):
    EmploymentOutcomeFactory(area=area, start_date=_months_ago(2), trainee__name="王五")
    response = clerk_client.get(reverse("followups:worklist_xlsx"), {"state": "overdue"})
    assert response.status_code == 200
    client.force_login(city_viewer)
    assert client.get(reverse("followups:worklist_xlsx")).status_code == 403  # no lists of persons


def test_deleting_an_outcome_in_the_admin_takes_its_follow_ups(admin_client_city, area):
    outcome = EmploymentOutcomeFactory(area=area, start_date=_months_ago(2))
    FollowUpFactory(outcome=outcome, months=1)
    url = reverse("admin:employment_employmentoutcome_delete", args=[outcome.pk])
    assert admin_client_city.post(url, {"post": "yes"}).status_code == 302
    assert not FollowUp.objects.exists()


def test_posting_when_every_point_is_recorded_says_so(clerk_client, area, settings):
    settings.FOLLOW_UP_MONTHS = [1]
    outcome = EmploymentOutcomeFactory(area=area, start_date=_months_ago(2))
    FollowUpFactory(outcome=outcome, months=1)
    url = reverse("followups:outcome", args=[outcome.pk])
    page = clerk_client.post(url, {"months": "1", "reached": "0"}, follow=True).content.decode()
    assert "各节点的跟踪均已登记" in page
    assert FollowUp.objects.count() == 1
