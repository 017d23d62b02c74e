"""The city administrator's page to add and edit the tasks of a period (新增任务 / 编辑), and the one filter of
the task list, on the page and on /api/v1/tasks/."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from brands.models import Department, PlanPeriod
from plantasks import services
from plantasks.models import PlanTask

pytestmark = pytest.mark.django_db


def _form_data(task: PlanTask | None = None, **changes) -> dict:
    data = {
        "period": PlanPeriod.objects.get(code="2021-2025").pk,
        "section": "三（九）1",
        "title": "开展家政服务进社区活动",
        "wording": "组织家政企业进社区开展服务展示。",
        "brand": "",
        "lead": Department.objects.get(code="swj").pk,
        "departments": [Department.objects.get(code="fl").pk],
        "due": "持续推进",
        "metrics": ["trainings", "jobs"],
        "reporting_from": "2025-01-01",
        "sort_order": "40",
    }
    if task is not None:
        data.pop("period")
        data.update(
            section=task.section,
            title=task.title,
            wording=task.wording,
            brand=task.brand_id or "",
            lead=task.lead_id,
            departments=[d.pk for d in task.departments.all()],
            due=task.due,
            metrics=task.metrics,
            reporting_from=task.reporting_from.isoformat(),
            sort_order=str(task.sort_order),
        )
    data.update(changes)
    return data


def test_the_city_administrator_adds_a_task_and_the_lead_joins_its_departments(admin_client_city, fourteenth):
    board = admin_client_city.get(reverse("dashboard:task_board"), {"period": "2021-2025"}).content.decode()
    assert "新增任务" in board and reverse("plantasks:task_create") in board
    form = admin_client_city.get(reverse("plantasks:task_create"), {"period": "2021-2025"})
    assert form.status_code == 200 and "推荐岗位不少于3次" in form.content.decode()  # the metrics' checkboxes

    response = admin_client_city.post(reverse("plantasks:task_create"), _form_data(), follow=True)
    page = response.content.decode()
    assert "已新增任务 三（九）1 开展家政服务进社区活动。" in page
    task = PlanTask.objects.get(period=fourteenth, section="三（九）1")
    # The lead (市商务局) was not ticked among the responsible units: it was added.
    assert {d.code for d in task.departments.all()} == {"swj", "fl"}
    assert task.metric_labels == ["培训人次", "带动就业创业人次"]
    assert "市商务局、市妇联" in page or "市妇联、市商务局" in page
    entry = AuditEntry.objects.get(subject__startswith="新增规划任务 三（九）1")
    assert entry.username == "city_admin_city"


def test_the_city_administrator_edits_a_task_from_its_page(admin_client_city, fourteenth):
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    detail = admin_client_city.get(reverse("plantasks:task_detail", args=[task.pk])).content.decode()
    assert reverse("plantasks:task_edit", args=[task.pk]) in detail and "编辑" in detail
    form = admin_client_city.get(reverse("plantasks:task_edit", args=[task.pk])).content.decode()
    assert 'value="打造“八桂家政”劳务品牌"' in form

    data = _form_data(task, title="打造“八桂家政”劳务品牌（提质扩容）", metrics=["trainings"])
    response = admin_client_city.post(reverse("plantasks:task_edit", args=[task.pk]), data, follow=True)
    assert "已保存任务 二（一） 打造“八桂家政”劳务品牌（提质扩容）。" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "打造“八桂家政”劳务品牌（提质扩容）" and task.metrics == ["trainings"]
    assert AuditEntry.objects.get(subject="修改规划任务 二（一）（十四五）").detail == "修改了：任务、关联指标"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"section": "二（二）"}, "条目“二（二）”在规划期“十四五（2021–2025）”中已被其他任务使用。"),
        ({"title": "  "}, "该字段是必填项。"),
        ({"reporting_from": "2027-01-01"}, "季度报告起始日须在规划期“十四五（2021–2025）”的年度内（2021–2025 年）。"),
        ({"reporting_from": "2025-13-40"}, "输入一个有效的日期。"),
        ({"lead": "999999"}, "选择一个有效的选项"),
        ({"metrics": ["headcount"]}, "选择一个有效的选项"),
        ({"sort_order": "-1"}, "确保该值大于或等于0。"),
        ({"sort_order": "x" * 40}, "输入整数。"),
    ],
)
def test_bad_input_is_shown_in_chinese_and_nothing_is_saved(admin_client_city, fourteenth, changes, message):
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    response = admin_client_city.post(reverse("plantasks:task_edit", args=[task.pk]), _form_data(task, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert "未能保存" in page and message in page
    task.refresh_from_db()
    assert task.section == "二（一）" and task.title == "打造“八桂家政”劳务品牌"


def test_a_new_tasks_section_must_be_free_in_its_period(admin_client_city, fourteenth):
    response = admin_client_city.post(reverse("plantasks:task_create"), _form_data(section="二（一）"))
    assert "条目“二（一）”在规划期“十四五（2021–2025）”中已被其他任务使用。" in response.content.decode()
    assert PlanTask.objects.filter(period=fourteenth, section="二（一）").count() == 1


def test_a_closed_periods_tasks_are_read_only(admin_client_city, city_admin, fourteenth):
    fourteenth.status = PlanPeriod.Status.CLOSED
    fourteenth.save(update_fields=["status"])
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    detail = admin_client_city.get(reverse("plantasks:task_detail", args=[task.pk])).content.decode()
    assert "规划期已结束，任务只读" in detail and reverse("plantasks:task_edit", args=[task.pk]) not in detail
    board = admin_client_city.get(reverse("dashboard:task_board"), {"period": "2021-2025"}).content.decode()
    assert "新增任务" not in board and reverse("plantasks:task_edit", args=[task.pk]) not in board
    response = admin_client_city.post(
        reverse("plantasks:task_edit", args=[task.pk]), _form_data(task, title="改名"), follow=True
    )
    assert "规划期“十四五（2021–2025）”已结束，其任务只能查看，不能修改。" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "打造“八桂家政”劳务品牌"
    # Nor can a task be added to it: the period is not offered, and a posted one is refused.
    response = admin_client_city.post(reverse("plantasks:task_create"), _form_data(), follow=True)
    assert response.status_code == 200 and not PlanTask.objects.filter(section="三（九）1").exists()
    with pytest.raises(services.ValidationError, match="已结束"):
        services.task_update(task=task, by=city_admin, title="改名")


def test_a_new_task_without_an_open_period_sends_the_city_back_to_the_board(admin_client_city, fourteenth):
    fourteenth.status = PlanPeriod.Status.CLOSED
    fourteenth.save(update_fields=["status"])
    response = admin_client_city.get(reverse("plantasks:task_create"), follow=True)
    assert "没有进行中的规划期" in response.content.decode()


def test_only_the_city_administrator_adds_or_edits(client, fgw, city_viewer, clerk, fourteenth):
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    for user in (fgw, city_viewer, clerk):
        client.force_login(user)
        assert client.get(reverse("plantasks:task_create")).status_code == 403
        assert client.get(reverse("plantasks:task_edit", args=[task.pk])).status_code == 403
        assert (
            client.post(reverse("plantasks:task_edit", args=[task.pk]), _form_data(task, title="x")).status_code == 403
        )
        if user.has_perm("plantasks.view_plantask"):
            page = client.get(reverse("plantasks:task_detail", args=[task.pk])).content.decode()
            assert reverse("plantasks:task_edit", args=[task.pk]) not in page
            assert "新增任务" not in client.get(reverse("plantasks:task_list")).content.decode()
    client.force_login(city_viewer)
    assert "新增任务" not in client.get(reverse("dashboard:task_board")).content.decode()
    with pytest.raises(services.PermissionDenied):
        services.task_update(task=task, by=fgw, title="x")
    task.refresh_from_db()
    assert task.title == "打造“八桂家政”劳务品牌"


@pytest.mark.parametrize("path", ["999999/edit/", "0/edit/", "abc/edit/", "new/?period=%00%ff"])
def test_a_bad_address_is_never_a_500(admin_client_city, fourteenth, path):
    assert admin_client_city.get(f"/tasks/{path}").status_code in (200, 400, 404)


# --- the task list's filter: page and API ------------------------------------------------------------


def _report(user, task, assessment: str, text: str = "进展。"):
    return services.task_report_submit(
        user=user, task=task, year=2025, quarter=3, text=text, assessment=assessment, today=datetime.date(2025, 11, 20)
    )


def test_the_task_list_filters_by_period_department_brand_status_and_words(
    admin_client_city, fgw, reporting_task, fourteenth
):
    _report(fgw, reporting_task, "behind")
    url = reverse("plantasks:task_list")

    def shown(**query) -> set[str]:
        response = admin_client_city.get(url, query)
        return {task.section for task in response.context["tasks"]}

    assert len(shown(period="2021-2025")) == 13
    assert shown(department="fgw") == {"二（一）", "三（一）1", "三（二）2", "三（二）3", "三（三）1"}
    assert shown(brand="construction") == {"二（二）"}
    assert shown(status="behind") == {"二（一）"}
    assert "二（一）" not in shown(status="none") and len(shown(status="none")) == 12
    assert shown(q="家政") == {"二（一）"}
    assert shown(q="三（二）") == {"三（二）1", "三（二）2", "三（二）3"} & shown(period="2021-2025")
    assert shown(department="fgw", status="behind", q="八桂") == {"二（一）"}
    page = admin_client_city.get(url, {"period": "2021-2025"}).content.decode()
    assert "全部责任单位" in page and "市发展改革委" in page  # the filter bar's drop-downs


@pytest.mark.parametrize(
    "query",
    [{"period": "2" * 21}, {"department": "d" * 31}, {"brand": "b" * 33}, {"status": "late"}, {"q": "长" * 51}],
)
def test_a_bad_filter_value_is_a_chinese_message_on_the_page_and_a_400_on_the_api(admin_client_city, query):
    response = admin_client_city.get(reverse("plantasks:task_list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "筛选条件有误" in page and response.context["tasks"] == []
    api = admin_client_city.get("/api/v1/tasks/", query)
    assert api.status_code == 400
    errors = api.json()["errors"]
    assert set(errors) == set(query) and all("\u4e00" <= errors[name][0][0] <= "\u9fff" for name in query), errors


def test_a_well_formed_code_that_names_nothing_lists_nothing(admin_client_city):
    """As every list's codes (core.filters), and as the API's schema promises: not an error, no task."""
    for query in ({"period": "2099-2100"}, {"department": "nobody"}, {"brand": "<b>"}):
        response = admin_client_city.get(reverse("plantasks:task_list"), query)
        assert response.context["tasks"] == [] and "没有符合条件的任务。" in response.content.decode()
        assert admin_client_city.get("/api/v1/tasks/", query).json()["count"] == 0


def test_the_api_filters_with_the_same_rules_and_in_the_users_scope(client, admin_client_city, fgw, reporting_task):
    _report(fgw, reporting_task, "behind")
    listed = admin_client_city.get("/api/v1/tasks/", {"status": "behind", "period": "2021-2025"}).json()
    assert [task["section"] for task in listed["results"]] == ["二（一）"]
    assert admin_client_city.get("/api/v1/tasks/", {"status": ""}).status_code == 400
    client.force_login(fgw)
    # 二（二） (建工) is not 市发展改革委's: filtering by its brand finds nothing for the reporter.
    assert client.get("/api/v1/tasks/", {"brand": "construction"}).json()["count"] == 0
    assert client.get("/api/v1/tasks/", {"department": "swj"}).json()["count"] == 3  # tasks both answer for


def test_the_filtered_list_and_api_query_counts_do_not_grow_with_tasks(
    admin_client_city, fgw, reporting_task, django_assert_max_num_queries
):
    _report(fgw, reporting_task, "behind")
    with django_assert_max_num_queries(20):
        assert (
            admin_client_city.get(reverse("plantasks:task_list"), {"status": "behind", "q": "八桂"}).status_code == 200
        )
    with django_assert_max_num_queries(16):
        assert admin_client_city.get("/api/v1/tasks/", {"status": "none", "department": "fgw"}).status_code == 200


def test_two_saves_of_one_section_at_once_are_refused_as_the_check_refuses(monkeypatch, city_admin, fourteenth):
    """Both checked before either wrote: the database's constraint answers, in the check's words."""
    monkeypatch.setattr(services, "_section_free", lambda **kwargs: None)
    monkeypatch.setattr(PlanTask, "full_clean", lambda self, **kwargs: None)
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    with pytest.raises(services.ValidationError) as refused:
        services.task_update(task=task, by=city_admin, section="二（二）")
    assert refused.value.message_dict == {
        "section": ["条目“二（二）”在规划期“十四五（2021–2025）”中已被其他任务使用。"]
    }
    task.refresh_from_db()
    assert task.section == "二（一）"
