import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from brands.models import Occupation, Organisation
from brands.tests.factories import OrganisationFactory
from training.models import PriorityCategory
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from ..models import EmploymentOutcome, JobReferral, LabourExport, WageCase
from .factories import EmploymentOutcomeFactory, JobReferralFactory, LabourExportFactory, WageCaseFactory

pytestmark = pytest.mark.django_db

# Pages must not grow with rows: one bound that holds for 3 rows and for 30.
MAX_QUERIES = 22


def html(response) -> str:
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def completed_batch(area, **kwargs):
    kwargs.setdefault("end_date", datetime.date(2024, 3, 20))
    kwargs.setdefault("start_date", kwargs["end_date"] - datetime.timedelta(days=19))
    return TrainingBatchFactory(area=area, status="completed", **kwargs)


def completed(trainee, batch):
    EnrolmentFactory(trainee=trainee, batch=batch, completed=True)
    return trainee


@pytest.fixture
def batch(area):
    return completed_batch(area, name="钦南母婴护理一期")


@pytest.fixture
def trainee(batch):
    return completed(TraineeFactory(name="李秀英"), batch)


@pytest.fixture
def referral(trainee, area):
    return JobReferralFactory(trainee=trainee, area=area, employer_name="钦州好帮手家政", position="育婴员")


def referral_data(**overrides) -> dict:
    data = {
        "employer": "",
        "employer_name": "钦州市安心家政服务有限公司",
        "position": "母婴护理员",
        "referred_on": "2024-04-02",
        "channel": JobReferral.Channel.JOB_FAIR,
        "result": JobReferral.Result.PENDING,
        "note": "",
    }
    return {**data, **overrides}


def outcome_data(**overrides) -> dict:
    data = {"kind": "employed", "start_date": "2024-05-06", "employer_name": "钦州市安心家政服务有限公司"}
    return {**data, **overrides}


# --- another area's objects are not found and nothing changes ------------------------------------


def test_another_areas_trainee_is_not_found_anywhere(client, other_clerk, trainee, referral):
    login(client, other_clerk)
    assert client.get(reverse("employment:trainee_employment", args=[trainee.pk])).status_code == 404
    response = client.post(reverse("employment:referral_create", args=[trainee.pk]), referral_data())
    assert response.status_code == 404
    assert "不在您的管辖范围内" in html(response)
    response = client.post(reverse("employment:outcome_create", args=[trainee.pk]), outcome_data())
    assert response.status_code == 404
    response = client.post(reverse("employment:referral_result", args=[referral.pk]), {"result": "hired"})
    assert response.status_code == 404
    assert JobReferral.objects.count() == 1
    assert not EmploymentOutcome.objects.exists()
    referral.refresh_from_db()
    assert referral.result == JobReferral.Result.PENDING


def test_another_areas_labour_export_is_not_found(client, other_clerk, trainee, area):
    export = LabourExportFactory(area=area)
    EmploymentOutcomeFactory(trainee=trainee, labour_export=export)
    response = login(client, other_clerk).get(reverse("employment:labour_export_detail", args=[export.pk]))
    assert response.status_code == 404
    assert trainee.name not in html(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_areas_wage_case_is_not_found(client, other_clerk, area, method):
    case = WageCaseFactory(area=area, employer_name="钦南欠薪单位")
    data = {"status": "closed", "closed_on": "2024-07-01", "resolution": "已支付"}
    response = getattr(login(client, other_clerk), method)(reverse("employment:wage_case_detail", args=[case.pk]), data)
    assert response.status_code == 404
    assert "钦南欠薪单位" not in html(response)
    case.refresh_from_db()
    assert case.status == WageCase.Status.RECEIVED


def test_a_referral_made_by_another_area_counts_but_shows_only_as_a_number(client, other_clerk, trainee, other_area):
    # The person also trained in 钦北区: its clerk sees that 钦南区 made a referral (it counts toward the
    # three), but not 钦南区's record: employer, position and result stay with the area that made it.
    completed(trainee, completed_batch(other_area))
    JobReferralFactory(trainee=trainee, position="育婴员", employer_name="钦南家政公司")
    page = html(login(client, other_clerk).get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert "育婴员" not in page and "钦南家政公司" not in page
    assert "已推荐 1 次，还差 2 次" in page
    assert "其他县区另有 1 次岗位推荐" in page
    assert 'name="result"' not in page.split('id="add-referral"')[0]


def test_an_outcome_recorded_and_counted_in_another_area_shows_only_as_a_number(
    client, clerk, other_clerk, trainee, other_area
):
    completed(trainee, completed_batch(other_area))
    EmploymentOutcomeFactory(trainee=trainee, employer_name="钦南食品厂")  # recorded by 钦南区
    other_page = html(login(client, other_clerk).get(reverse("employment:trainee_employment", args=[trainee.pk])))
    own_page = html(login(client, clerk).get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert "钦南食品厂" not in other_page
    assert "其他县区另登记了 1 条就业创业结果" in other_page
    assert "钦南食品厂" in own_page and "其他县区另登记" not in own_page


# --- lists: a county sees its own area, the city sees all ---------------------------------------


def test_worklist_shows_only_the_users_area(client, clerk, city_viewer, trainee, other_area, recount_tallies):
    completed(TraineeFactory(name="钦北学员"), completed_batch(other_area))
    recount_tallies()
    mine = html(login(client, clerk).get(reverse("employment:worklist")))
    assert "李秀英" in mine
    assert "钦北学员" not in mine
    assert "共 <strong" in mine and "1</strong> 人未达到 3 次推荐" in mine
    everything = html(login(client, city_viewer).get(reverse("employment:worklist")))
    assert "李秀英" in everything
    assert "钦北学员" in everything
    assert "登记推荐" not in everything  # the city viewer only reads


def test_labour_export_list_shows_only_the_users_area(client, clerk, city_viewer, area, other_area):
    LabourExportFactory(area=area, destination="广东省深圳市")
    LabourExportFactory(area=other_area, destination="浙江省宁波市")
    mine = html(login(client, clerk).get(reverse("employment:labour_export_list")))
    assert "广东省深圳市" in mine
    assert "浙江省宁波市" not in mine
    everything = html(login(client, city_viewer).get(reverse("employment:labour_export_list")))
    assert "广东省深圳市" in everything
    assert "浙江省宁波市" in everything
    assert "登记劳务输出" not in everything


def test_wage_case_list_shows_only_the_users_area(client, clerk, city_viewer, area, other_area):
    WageCaseFactory(area=area, employer_name="钦南某建筑公司")
    WageCaseFactory(area=other_area, employer_name="钦北某建筑公司")
    mine = html(login(client, clerk).get(reverse("employment:wage_case_list")))
    assert "钦南某建筑公司" in mine
    assert "钦北某建筑公司" not in mine
    assert "钦北区" not in mine
    everything = html(login(client, city_viewer).get(reverse("employment:wage_case_list")))
    assert "钦南某建筑公司" in everything
    assert "钦北某建筑公司" in everything
    assert "合计" in everything


# --- the trainee's page: referrals and outcomes --------------------------------------------------


def test_add_a_referral_through_the_page(client, clerk, trainee, area):
    url = reverse("employment:trainee_employment", args=[trainee.pk])
    login(client, clerk)
    assert "还没有岗位推荐记录" in html(client.get(url))
    response = client.post(reverse("employment:referral_create", args=[trainee.pk]), referral_data(), follow=True)
    page = html(response)
    assert response.redirect_chain[-1][0].startswith(url)
    assert "已为李秀英登记岗位推荐" in page
    assert "钦州市安心家政服务有限公司" in page
    assert "2024-04-02" in page
    assert "专场招聘" in page
    assert "已推荐 1 次，还差 2 次" in page
    referral = JobReferral.objects.get()
    assert referral.area == area
    assert referral.created_by == clerk


def test_a_referral_to_an_organisation_of_the_directory(client, clerk, trainee, area):
    employer = OrganisationFactory(name="钦州市八桂家政有限公司", kind=Organisation.Kind.ENTERPRISE, area=area)
    login(client, clerk)
    page = html(client.get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert "钦州市八桂家政有限公司" in page  # offered in the select
    client.post(
        reverse("employment:referral_create", args=[trainee.pk]), referral_data(employer=employer.pk, employer_name="")
    )
    assert JobReferral.objects.get().employer == employer


def test_a_refused_referral_shows_the_reason_and_keeps_what_was_typed(client, clerk, trainee):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = login(client, clerk).post(
        reverse("employment:referral_create", args=[trainee.pk]),
        referral_data(referred_on=tomorrow.isoformat(), position="月嫂岗位", note="本人意向强"),
    )
    page = html(response)
    assert response.status_code == 200
    assert "推荐日期不能晚于今天。" in page
    assert 'value="月嫂岗位"' in page
    assert 'value="本人意向强"' in page
    assert not JobReferral.objects.exists()


def test_a_referral_names_an_employer_one_way_only(client, clerk, trainee, area):
    employer = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, area=area)
    login(client, clerk)
    url = reverse("employment:referral_create", args=[trainee.pk])
    assert "请选择或填写用人单位。" in html(client.post(url, referral_data(employer_name="")))
    assert "二选一" in html(client.post(url, referral_data(employer=employer.pk)))
    assert not JobReferral.objects.exists()


def test_change_a_referral_result(client, clerk, referral):
    login(client, clerk)
    response = client.post(reverse("employment:referral_result", args=[referral.pk]), {"result": "hired"}, follow=True)
    assert "推荐结果已改为“已录用”" in html(response)
    referral.refresh_from_db()
    assert referral.result == JobReferral.Result.HIRED


def test_the_fewer_than_three_mark_shows_until_the_third_referral(client, clerk, trainee):
    url = reverse("employment:trainee_employment", args=[trainee.pk])
    login(client, clerk)
    JobReferralFactory(trainee=trainee, referred_on=datetime.date(2024, 4, 1))
    JobReferralFactory(trainee=trainee, referred_on=datetime.date(2024, 4, 8))
    page = html(client.get(url))
    assert "已推荐 2 次，还差 1 次" in page
    assert "已达 3 次" not in page
    client.post(reverse("employment:referral_create", args=[trainee.pk]), referral_data(referred_on="2024-04-15"))
    page = html(client.get(url))
    assert "已达 3 次" in page
    assert "还差" not in page


def test_referrals_are_listed_in_time_order(client, clerk, trainee):
    JobReferralFactory(trainee=trainee, referred_on=datetime.date(2024, 6, 1), position="第三个岗位")
    JobReferralFactory(trainee=trainee, referred_on=datetime.date(2024, 4, 1), position="第一个岗位")
    JobReferralFactory(trainee=trainee, referred_on=datetime.date(2024, 5, 1), position="第二个岗位")
    page = html(login(client, clerk).get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert page.index("第一个岗位") < page.index("第二个岗位") < page.index("第三个岗位")


def test_add_outcomes_of_each_kind_through_the_page(client, clerk, trainee):
    login(client, clerk)
    url = reverse("employment:outcome_create", args=[trainee.pk])
    client.post(url, outcome_data(contract_signed="on", social_insurance="on"))
    client.post(
        url,
        outcome_data(kind="entrepreneurship", employer_name="", business_name="秀英米粉店", jobs_created="2"),
    )
    response = client.post(url, outcome_data(kind="flexible", employer_name="", work_kind="家政钟点工"), follow=True)
    page = html(response)
    assert "已为李秀英登记灵活就业结果：家政钟点工。" in page
    assert "秀英米粉店" in page
    assert "带动就业 2 人" in page
    assert "钦州市安心家政服务有限公司" in page
    assert page.count("计入 钦南区 · 八桂家政") == 3
    employed = EmploymentOutcome.objects.get(kind="employed")
    assert employed.contract_signed and employed.social_insurance


def test_an_outcome_before_any_training_is_shown_as_not_counted(client, clerk, trainee):
    EmploymentOutcomeFactory(trainee=trainee, start_date=datetime.date(2023, 1, 5), employer_name="培训前的单位")
    page = html(login(client, clerk).get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert "培训前的单位" in page
    assert "不计入：开始日期早于任何已结业培训" in page
    assert "计入 钦南区" not in page


def test_an_outcome_missing_the_fields_of_its_kind_is_refused_on_the_form(client, clerk, trainee):
    login(client, clerk)
    url = reverse("employment:outcome_create", args=[trainee.pk])
    page = html(client.post(url, outcome_data(kind="entrepreneurship", employer_name="", note="开店")))
    assert "创业结果请填写创办实体名称。" in page
    assert 'value="开店"' in page
    page = html(client.post(url, outcome_data(employer_name="")))
    assert "就业结果请选择或填写用人单位。" in page
    page = html(client.post(url, outcome_data(kind="entrepreneurship", business_name="某店", business_uscc="123")))
    assert "统一社会信用代码" in page
    assert not EmploymentOutcome.objects.exists()


def test_a_city_viewer_reads_the_page_but_cannot_record(client, city_viewer, trainee, referral):
    login(client, city_viewer)
    page = html(client.get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert "育婴员" in page
    assert "登记岗位推荐" not in page
    assert client.post(reverse("employment:referral_create", args=[trainee.pk]), referral_data()).status_code == 403
    assert (
        client.post(reverse("employment:referral_result", args=[referral.pk]), {"result": "hired"}).status_code == 403
    )
    assert JobReferral.objects.count() == 1


def test_a_city_administrator_records_for_the_area_they_choose(client, city_admin, trainee, area):
    login(client, city_admin)
    url = reverse("employment:referral_create", args=[trainee.pk])
    assert "请选择地区" in html(client.get(reverse("employment:trainee_employment", args=[trainee.pk])))
    client.post(url, referral_data(area=area.pk))
    assert JobReferral.objects.get().area == area


# --- the worklist ----------------------------------------------------------------------------------


@pytest.fixture
def worklist_people(area, recount_tallies):
    """Three people short of three referrals and one who has three, as the clerk would find them."""
    early = completed_batch(area, end_date=datetime.date(2023, 6, 30))
    late = completed_batch(area, end_date=datetime.date(2024, 6, 30))
    poor = PriorityCategory.objects.get(code="poverty-alleviated")
    late_priority = completed(TraineeFactory(name="黄脱贫", categories=[poor]), late)
    early_ordinary = completed(TraineeFactory(name="陈先结业"), early)
    late_ordinary = completed(TraineeFactory(name="王后结业"), late)
    done = completed(TraineeFactory(name="刘已推荐"), early)
    JobReferralFactory.create_batch(3, trainee=done)
    JobReferralFactory(trainee=early_ordinary)
    recount_tallies()  # the factories went behind the services' back
    return [late_priority, early_ordinary, late_ordinary]


def test_worklist_order_priority_groups_then_oldest_completion(client, clerk, worklist_people):
    page = html(login(client, clerk).get(reverse("employment:worklist")))
    assert "刘已推荐" not in page
    assert page.index("黄脱贫") < page.index("陈先结业") < page.index("王后结业")
    assert "脱贫人口" in page
    assert "1 / 3" in page
    assert "3</strong> 人未达到 3 次推荐" in page


def test_worklist_filters(client, clerk, area, worklist_people, recount_tallies):
    construction = completed_batch(area, occupation=Occupation.objects.get(name="砌筑工"))
    completed(TraineeFactory(name="赵砌筑"), construction)
    recount_tallies()
    login(client, clerk)
    page = html(client.get(reverse("employment:worklist"), {"brand": "construction"}))
    assert "赵砌筑" in page
    assert "黄脱贫" not in page
    page = html(client.get(reverse("employment:worklist"), {"batch": construction.pk}))
    assert "赵砌筑" in page
    assert "陈先结业" not in page


def test_the_city_picks_an_area_before_a_batch_in_the_worklist_filter(client, city_admin, area, other_area):
    ours = completed_batch(area, end_date=datetime.date(2024, 6, 30))
    theirs = completed_batch(other_area, end_date=datetime.date(2024, 6, 30))
    login(client, city_admin)
    page = html(client.get(reverse("employment:worklist")))
    assert "按班期筛选请先选地区" in page
    assert f'<option value="{ours.pk}"' not in page and f'<option value="{theirs.pk}"' not in page
    page = html(client.get(reverse("employment:worklist"), {"area": area.code}))
    assert f'<option value="{ours.pk}"' in page
    assert f'<option value="{theirs.pk}"' not in page


def test_worklist_xlsx_has_the_same_rows_with_masked_ids(client, clerk, worklist_people):
    response = login(client, clerk).get(reverse("employment:worklist_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]
    assert [row[1] for row in rows] == ["黄脱贫", "陈先结业", "王后结业"]
    for row, trainee in zip(rows, worklist_people, strict=True):
        assert row[2] == trainee.masked_id_number
        assert "********" in row[2]
        assert row[0]  # the 推荐编号 that the referral import takes in place of the ID number
    assert rows[1][7] == 1 and rows[1][8] == 2
    content = b"".join(str(cell).encode() for row in sheet.iter_rows(values_only=True) for cell in row)
    for trainee in worklist_people:
        assert trainee.id_number.encode() not in content


def test_the_worklist_offers_the_export_only_to_roles_that_may_export_persons(client, clerk, city_viewer):
    xlsx = reverse("employment:worklist_xlsx")
    assert xlsx in html(login(client, clerk).get(reverse("employment:worklist")))
    assert xlsx not in html(login(client, city_viewer).get(reverse("employment:worklist")))
    assert client.get(xlsx).status_code == 403  # and the address itself is refused to the city viewer


def test_worklist_xlsx_takes_the_filters(client, clerk, area, worklist_people):
    response = login(client, clerk).get(reverse("employment:worklist_xlsx"), {"brand": "construction"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert not [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]  # heading and header only


# --- labour export -------------------------------------------------------------------------------


def test_create_a_labour_export_through_the_page(client, clerk, area, other_area, trainee):
    agency = OrganisationFactory(name="钦州人力资源服务公司", kind=Organisation.Kind.HR_AGENCY, area=area)
    second = completed(TraineeFactory(name="张二妹"), trainee.enrolments.get().batch)
    completed(TraineeFactory(name="钦北学员"), completed_batch(other_area))
    login(client, clerk)
    form_page = html(client.get(reverse("employment:labour_export_create")))
    assert "钦州人力资源服务公司" in form_page
    assert "李秀英" in form_page
    assert "钦北学员" not in form_page
    assert trainee.id_number not in form_page

    response = client.post(
        reverse("employment:labour_export_create"),
        {
            "agency": agency.pk,
            "destination": "广东省深圳市",
            "employer_name": "深圳某家政公司",
            "departed_on": "2024-05-10",
            "trainees": [trainee.pk, second.pk],
        },
        follow=True,
    )
    page = html(response)
    assert "已登记有组织劳务输出：2 人输出至广东省深圳市" in page
    assert trainee.masked_id_number in page
    assert "张二妹" in page
    assert "深圳某家政公司" in page
    export = LabourExport.objects.get()
    assert export.outcomes.count() == 2
    listing = html(client.get(reverse("employment:labour_export_list")))
    assert "广东省深圳市" in listing
    trainee_page = html(client.get(reverse("employment:trainee_employment", args=[trainee.pk])))
    assert reverse("employment:labour_export_detail", args=[export.pk]) in trainee_page


def test_a_labour_export_without_people_keeps_the_form(client, clerk, area, trainee):
    agency = OrganisationFactory(kind=Organisation.Kind.HR_AGENCY, area=area)
    response = login(client, clerk).post(
        reverse("employment:labour_export_create"),
        {"agency": agency.pk, "destination": "广东省东莞市", "departed_on": "2024-05-10"},
    )
    page = html(response)
    assert "请至少选择一名输出人员。" in page
    assert 'value="广东省东莞市"' in page
    assert not LabourExport.objects.exists()


# --- wage cases ----------------------------------------------------------------------------------


def test_create_and_close_a_wage_case(client, clerk, area):
    login(client, clerk)
    response = client.post(
        reverse("employment:wage_case_create"),
        {"employer_name": "钦州某建筑劳务公司", "received_on": "2024-06-03", "workers": "12", "amount_owed": "86000"},
        follow=True,
    )
    assert "钦州某建筑劳务公司" in html(response)
    case = WageCase.objects.get()
    assert case.area == area
    assert case.amount_owed == Decimal("86000")
    url = reverse("employment:wage_case_detail", args=[case.pk])
    client.post(url, {"status": "investigating"})
    case.refresh_from_db()
    assert case.status == WageCase.Status.INVESTIGATING
    page = html(
        client.post(url, {"status": "closed", "closed_on": "2024-06-20", "resolution": "已足额支付"}, follow=True)
    )
    assert "已结案" in page
    assert "已足额支付" in page
    case.refresh_from_db()
    assert case.status == WageCase.Status.CLOSED


def test_closing_a_wage_case_without_a_resolution_is_refused(client, clerk, area):
    case = WageCaseFactory(area=area, status=WageCase.Status.INVESTIGATING)
    response = login(client, clerk).post(
        reverse("employment:wage_case_detail", args=[case.pk]), {"status": "closed", "closed_on": "2024-06-20"}
    )
    page = html(response)
    assert response.status_code == 200
    assert "结案须填写处理结果。" in page
    assert 'value="2024-06-20"' in page
    case.refresh_from_db()
    assert case.status == WageCase.Status.INVESTIGATING
    assert case.closed_on is None


def test_a_resolution_longer_than_the_apis_free_text_is_refused(client, clerk, area):
    case = WageCaseFactory(area=area, status=WageCase.Status.INVESTIGATING)
    response = login(client, clerk).post(
        reverse("employment:wage_case_detail", args=[case.pk]),
        {"status": "closed", "closed_on": "2024-06-20", "resolution": "付" * 1001},
    )
    assert response.status_code == 200
    assert "不超过 1000 字符" in html(response)
    case.refresh_from_db()
    assert case.status == WageCase.Status.INVESTIGATING


def test_wage_case_closure_rate_against_the_target(client, city_viewer, area, other_area):
    closed = {"status": WageCase.Status.CLOSED, "closed_on": datetime.date(2024, 6, 20), "resolution": "已支付"}
    WageCaseFactory.create_batch(2, area=area, **closed)
    WageCaseFactory(area=other_area, **closed)
    WageCaseFactory(area=other_area)
    page = html(login(client, city_viewer).get(reverse("employment:wage_case_list")))
    assert "100.0%" in page
    assert "50.0%" in page
    assert "75.0%" in page  # the total
    assert page.count("progress-bar bg-success") == 1
    assert page.count("progress-bar bg-danger") == 2


def test_the_status_filter(client, clerk, area):
    WageCaseFactory(area=area, employer_name="未结单位")
    WageCaseFactory(
        area=area,
        employer_name="已结单位",
        status=WageCase.Status.CLOSED,
        closed_on=datetime.date(2024, 6, 20),
        resolution="已支付",
    )
    page = html(login(client, clerk).get(reverse("employment:wage_case_list"), {"status": "closed"}))
    assert "已结单位" in page
    assert "未结单位" not in page


# --- query counts do not grow with rows ----------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_worklist_queries(client, clerk, area, django_assert_max_num_queries, rows, recount_tallies):
    batch = completed_batch(area)
    poor = PriorityCategory.objects.get(code="poverty-alleviated")
    for _ in range(rows):
        trainee = completed(TraineeFactory(categories=[poor]), batch)
        JobReferralFactory(trainee=trainee)
    recount_tallies()
    login(client, clerk)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("employment:worklist"))
    assert html(response).count("1 / 3") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_trainee_employment_queries(client, clerk, area, trainee, django_assert_max_num_queries, rows):
    export = LabourExportFactory(area=area)
    employer = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, area=area)
    for day in range(rows):
        JobReferralFactory(trainee=trainee, employer=employer, employer_name="")
        EmploymentOutcomeFactory(
            trainee=trainee,
            employer=employer,
            employer_name="",
            labour_export=export,
            start_date=datetime.date(2024, 4, 1) + datetime.timedelta(days=day),
        )
    login(client, clerk)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("employment:trainee_employment", args=[trainee.pk]))
    assert html(response).count("计入 钦南区 · 八桂家政") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_labour_export_list_queries(client, clerk, area, django_assert_max_num_queries, rows):
    agency = OrganisationFactory(kind=Organisation.Kind.HR_AGENCY, area=area)
    for _ in range(rows):
        export = LabourExportFactory(area=area, agency=agency, employer=OrganisationFactory(area=area))
        EmploymentOutcomeFactory(labour_export=export)
    login(client, clerk)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("employment:labour_export_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_labour_export_detail_queries(client, clerk, area, django_assert_max_num_queries, rows):
    export = LabourExportFactory(area=area, employer=OrganisationFactory(area=area))
    poor = PriorityCategory.objects.get(code="poverty-alleviated")
    for _ in range(rows):
        EmploymentOutcomeFactory(
            labour_export=export, trainee=TraineeFactory(categories=[poor]), employer=export.employer, employer_name=""
        )
    login(client, clerk)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("employment:labour_export_detail", args=[export.pk]))
    assert html(response).count("脱贫人口") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_wage_case_list_queries(client, city_viewer, area, other_area, django_assert_max_num_queries, rows):
    for index in range(rows):
        WageCaseFactory(area=area if index % 2 else other_area, employer=OrganisationFactory(area=area))
    login(client, city_viewer)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("employment:wage_case_list"))
    assert response.status_code == 200


def test_a_case_closed_before_it_was_received_is_refused_and_shown_as_saved(client, clerk, area):
    case = WageCaseFactory(area=area, status=WageCase.Status.INVESTIGATING, received_on=datetime.date(2024, 6, 1))
    page = html(
        login(client, clerk).post(
            reverse("employment:wage_case_detail", args=[case.pk]),
            {"status": "closed", "closed_on": "2024-05-01", "resolution": "已支付"},
        )
    )
    assert "结案日期不能早于受理日期。" in page
    assert "调查处理中" in page  # the case as it is saved, not as the refused change left it
    assert "已支付" in page  # what the clerk typed is kept
    case.refresh_from_db()
    assert case.status == WageCase.Status.INVESTIGATING


def test_a_closed_case_cannot_be_changed(client, clerk, area):
    case = WageCaseFactory(
        area=area, status=WageCase.Status.CLOSED, closed_on=datetime.date(2024, 6, 20), resolution="已支付"
    )
    url = reverse("employment:wage_case_detail", args=[case.pk])
    login(client, clerk)
    assert "保存进度" not in html(client.get(url))
    page = html(client.post(url, {"status": "investigating"}, follow=True))
    assert "该案件已结案，不能再修改状态。" in page
    case.refresh_from_db()
    assert case.status == WageCase.Status.CLOSED


def test_the_employment_page_has_unique_element_ids(client, clerk, trainee):
    """Both record forms are on the page: a label must point at its own form's field."""
    page = html(login(client, clerk).get(reverse("employment:trainee_employment", args=[trainee.pk])))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "referral_employer_name" in ids and "outcome_employer_name" in ids
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_an_empty_worklist_says_whether_anyone_has_completed_yet(client, clerk, area):
    page = html(login(client, clerk).get(reverse("employment:worklist")))
    assert "还没有已开班的参训学员" in page and "都已达到" not in page
    person = completed(TraineeFactory(name="黄满额"), completed_batch(area))
    for number in range(3):
        JobReferralFactory(trainee=person, area=area, position=f"岗位{number}")
    page = html(client.get(reverse("employment:worklist")))
    assert "所有参训学员都已达到 3 次推荐" in page and "还没有已开班的参训学员" not in page
