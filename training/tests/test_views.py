import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from brands.models import Occupation
from brands.tests.factories import OrganisationFactory
from training.models import Enrolment, PriorityCategory, TrainingBatch

from .factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, name="钦南母婴护理一期")


@pytest.fixture
def enrolment(batch):
    return EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="李秀英"))


def results_data(*rows: tuple[Enrolment, dict]) -> dict:
    """The results page's POST: one row per enrolment, as the page renders it."""
    data = {"rows": [str(e.pk) for e, _ in rows]}
    for e, values in rows:
        prefix = f"e{e.pk}"
        if values.get("completed"):
            data[f"{prefix}-completed"] = "on"
        for name in ("assessment", "certificate", "certificate_number", "certificate_date"):
            data[f"{prefix}-{name}"] = values.get(name, "")
    return data


# --- another area's objects are not found -------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("training:batch_detail", "get"),
        ("training:batch_update", "get"),
        ("training:batch_update", "post"),
        ("training:batch_results", "get"),
        ("training:batch_results", "post"),
    ],
)
def test_a_batch_of_another_area_is_not_found(client, other_clerk, enrolment, url_name, method):
    login(client, other_clerk)
    url = reverse(url_name, args=[enrolment.batch.pk])
    data = {}
    if url_name == "training:batch_update":
        data = {"name": "改名", "start_date": "2024-03-01", "end_date": "2024-03-20"}
    elif url_name == "training:batch_results":
        data = results_data((enrolment, {"completed": True}))
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert "不在您的管辖范围内" in html(response)
    enrolment.refresh_from_db()
    enrolment.batch.refresh_from_db()
    assert not enrolment.completed
    assert enrolment.batch.name == "钦南母婴护理一期"


def test_a_trainee_who_trained_only_in_another_area_is_not_found(client, clerk, other_clerk, enrolment):
    url = reverse("training:trainee_detail", args=[enrolment.trainee.pk])
    assert login(client, other_clerk).get(url).status_code == 404
    assert login(client, clerk).get(url).status_code == 200


# --- lists show the user's area; the city sees all ----------------------------------------------


def test_batch_list_shows_only_the_users_area(client, clerk, city_viewer, area, other_area):
    TrainingBatchFactory(area=area, name="钦南班期甲")
    TrainingBatchFactory(area=other_area, name="钦北班期乙")

    mine = html(login(client, clerk).get(reverse("training:batch_list")))
    assert "钦南班期甲" in mine
    assert "钦北班期乙" not in mine
    # The area filter offers the clerk's own area only.
    assert 'value="450702"' in mine
    assert 'value="450703"' not in mine

    everything = html(login(client, city_viewer).get(reverse("training:batch_list")))
    assert "钦南班期甲" in everything
    assert "钦北班期乙" in everything
    assert "开设班期" not in everything  # the city viewer only reads


def test_batch_list_filters(client, clerk, area):
    housekeeping = TrainingBatchFactory(area=area, name="母婴班", status=TrainingBatch.Status.COMPLETED)
    TrainingBatchFactory(
        area=area,
        name="砌筑班",
        occupation=Occupation.objects.get(name="砌筑工"),
        start_date=datetime.date(2023, 5, 1),
        end_date=datetime.date(2023, 5, 20),
    )
    login(client, clerk)
    by_brand = html(client.get(reverse("training:batch_list"), {"brand": "construction"}))
    assert "砌筑班" in by_brand
    assert "母婴班" not in by_brand
    by_year = html(client.get(reverse("training:batch_list"), {"year": "2024"}))
    assert "母婴班" in by_year
    assert "砌筑班" not in by_year
    by_status = html(client.get(reverse("training:batch_list"), {"status": "completed"}))
    assert "母婴班" in by_status
    assert "砌筑班" not in by_status
    by_occupation = html(client.get(reverse("training:batch_list"), {"occupation": housekeeping.occupation_id}))
    assert "母婴班" in by_occupation
    assert "砌筑班" not in by_occupation


def test_batch_list_counts_enrolled_and_completed(client, clerk, batch):
    EnrolmentFactory.create_batch(2, batch=batch)
    EnrolmentFactory(batch=batch, completed=True)
    page = html(login(client, clerk).get(reverse("training:batch_list")))
    assert '<td class="text-end">3</td>' in page
    assert '<td class="text-end">1</td>' in page


def test_trainee_list_shows_only_trainees_of_the_users_area(client, clerk, city_viewer, area, other_area):
    EnrolmentFactory(batch=TrainingBatchFactory(area=area), trainee=TraineeFactory(name="钦南学员"))
    EnrolmentFactory(batch=TrainingBatchFactory(area=other_area), trainee=TraineeFactory(name="钦北学员"))

    mine = html(login(client, clerk).get(reverse("training:trainee_list")))
    assert "钦南学员" in mine
    assert "钦北学员" not in mine

    everything = html(login(client, city_viewer).get(reverse("training:trainee_list")))
    assert "钦南学员" in everything
    assert "钦北学员" in everything


def test_trainee_search_by_name_and_by_last_digits(client, clerk, area):
    batch = TrainingBatchFactory(area=area)
    wang = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="王小红")).trainee
    EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="陈大明"))
    login(client, clerk)

    by_name = html(client.get(reverse("training:trainee_list"), {"q": "小红"}))
    assert "王小红" in by_name
    assert "陈大明" not in by_name

    by_digits = html(client.get(reverse("training:trainee_list"), {"q": wang.id_number[-6:]}))
    assert "王小红" in by_digits
    assert "陈大明" not in by_digits

    nothing = html(client.get(reverse("training:trainee_list"), {"q": "不存在的人"}))
    assert "没有找到“不存在的人”" in nothing


def test_trainee_detail_lists_only_batches_in_the_users_scope(client, clerk, city_viewer, area, other_area):
    trainee = TraineeFactory(name="黄丽")
    EnrolmentFactory(trainee=trainee, batch=TrainingBatchFactory(area=area, name="钦南班"), completed=True)
    EnrolmentFactory(trainee=trainee, batch=TrainingBatchFactory(area=other_area, name="钦北班"))
    url = reverse("training:trainee_detail", args=[trainee.pk])

    mine = html(login(client, clerk).get(url))
    assert "钦南班" in mine
    assert "钦北班" not in mine
    assert "已结业" in mine

    everything = html(login(client, city_viewer).get(url))
    assert "钦南班" in everything
    assert "钦北班" in everything


# --- permissions ---------------------------------------------------------------------------------


def test_reviewer_may_read_but_not_open_or_change_batches(client, reviewer, enrolment):
    login(client, reviewer)
    assert client.get(reverse("training:batch_create")).status_code == 403
    response = client.post(
        reverse("training:batch_create"),
        {"area": enrolment.batch.area_id, "occupation": enrolment.batch.occupation_id},
    )
    assert response.status_code == 403
    assert "没有权限" in html(response)
    assert client.get(reverse("training:batch_update", args=[enrolment.batch.pk])).status_code == 403
    assert client.get(reverse("training:batch_results", args=[enrolment.batch.pk])).status_code == 403
    detail = client.get(reverse("training:batch_detail", args=[enrolment.batch.pk]))
    assert detail.status_code == 200
    assert "登记结业与证书" not in html(detail)
    assert "修改班期" not in html(detail)


def test_pages_need_a_login(client, batch):
    response = client.get(reverse("training:batch_detail", args=[batch.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- opening and changing a batch -----------------------------------------------------------------


def batch_form_data(area, **overrides) -> dict:
    data = {
        "area": area.pk,
        "occupation": Occupation.objects.get(name="母婴护理员").pk,
        "provider": "",
        "name": "2025年母婴护理员第一期",
        "start_date": "2025-04-01",
        "end_date": "2025-04-20",
        "mode": TrainingBatch.Mode.REGULAR,
        "status": TrainingBatch.Status.PLANNED,
        "capacity": "40",
    }
    data.update(overrides)
    return data


def test_clerk_opens_a_batch_of_their_area(client, clerk, area):
    provider = OrganisationFactory(area=area, name="钦南职业培训学校")
    login(client, clerk)

    form = html(client.get(reverse("training:batch_create")))
    assert "钦南区" in form
    assert "钦北区" not in form  # only the clerk's own area is offered
    assert "<optgroup" in form and "八桂家政" in form  # occupations grouped by brand
    assert "钦南职业培训学校" in form

    response = client.post(reverse("training:batch_create"), batch_form_data(area, provider=provider.pk), follow=True)
    assert response.status_code == 200
    page = html(response)
    assert "已开设班期“2025年母婴护理员第一期”" in page
    assert "2025年4月1日 至 2025年4月20日" in page
    assert "钦南职业培训学校" in page
    assert "上传花名册" in page
    batch = response.context["batch"]
    assert batch.area == area
    assert batch.created_by == clerk
    assert batch.capacity == 40


def test_a_batch_that_ends_before_it_starts_is_refused_on_the_form(client, clerk, area):
    response = login(client, clerk).post(
        reverse("training:batch_create"), batch_form_data(area, start_date="2025-04-20", end_date="2025-04-01")
    )
    assert response.status_code == 200
    assert "结业日期不能早于开班日期。" in html(response)
    assert not TrainingBatch.objects.exists()


def test_a_duplicate_batch_is_refused_with_the_constraint_message(client, clerk, area):
    TrainingBatchFactory(
        area=area, provider=None, start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 4, 20)
    )
    response = login(client, clerk).post(reverse("training:batch_create"), batch_form_data(area))
    assert response.status_code == 200
    assert "同一地区、工种和起止日期的班期已经存在。" in html(response)
    assert TrainingBatch.objects.count() == 1


def test_clerk_cannot_open_a_batch_in_another_area(client, clerk, other_area):
    response = login(client, clerk).post(reverse("training:batch_create"), batch_form_data(other_area))
    assert response.status_code == 200
    assert "选择一个有效的选项" in html(response)
    assert not TrainingBatch.objects.exists()


def test_city_admin_picks_the_area(client, city_admin, other_area):
    login(client, city_admin)
    form = html(client.get(reverse("training:batch_create")))
    assert "请选择地区" in form and "钦北区" in form and "灵山县" in form
    response = client.post(reverse("training:batch_create"), batch_form_data(other_area))
    assert response.status_code == 302
    assert TrainingBatch.objects.get().area == other_area


def test_clerk_changes_a_batch(client, clerk, batch):
    login(client, clerk)
    form = html(client.get(reverse("training:batch_update", args=[batch.pk])))
    assert "钦南母婴护理一期" in form
    assert 'value="2024-03-01"' in form
    response = client.post(
        reverse("training:batch_update", args=[batch.pk]),
        batch_form_data(batch.area, name="改过名的班期", status=TrainingBatch.Status.RUNNING, provider=""),
        follow=True,
    )
    assert "已保存班期“改过名的班期”的修改。" in html(response)
    batch.refresh_from_db()
    assert batch.name == "改过名的班期"
    assert batch.status == TrainingBatch.Status.RUNNING
    assert batch.provider is None


def test_a_batch_with_completed_trainees_cannot_be_reopened(client, clerk, batch):
    batch.status = TrainingBatch.Status.COMPLETED
    batch.save()
    EnrolmentFactory(batch=batch, completed=True)
    response = login(client, clerk).post(
        reverse("training:batch_update", args=[batch.pk]),
        batch_form_data(
            batch.area,
            name=batch.name,
            start_date="2024-03-01",
            end_date="2024-03-20",
            status=TrainingBatch.Status.RUNNING,
        ),
    )
    assert response.status_code == 200
    page = html(response)
    assert "已有学员结业的班期不能改回未结业状态。" in page
    assert "修改班期：钦南母婴护理一期" in page
    batch.refresh_from_db()
    assert batch.status == TrainingBatch.Status.COMPLETED


def test_an_occupation_no_longer_published_stays_on_its_batch(client, clerk, area):
    retired = Occupation.objects.get(name="砌筑工")
    retired.published_to = retired.published_from
    retired.save()
    batch = TrainingBatchFactory(area=area, occupation=retired)
    login(client, clerk)
    assert "砌筑工" in html(client.get(reverse("training:batch_update", args=[batch.pk])))
    assert "砌筑工" not in html(client.get(reverse("training:batch_create")))


# --- results and certificates ------------------------------------------------------------------


def test_results_page_records_completion_and_certificates(client, clerk, batch):
    first = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="甲学员"))
    second = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="乙学员"))
    login(client, clerk)
    page = html(client.get(reverse("training:batch_results", args=[batch.pk])))
    assert "本页全部结业" in page and "全班 2 人标记为已结业" in page
    assert "甲学员" in page and "乙学员" in page

    response = client.post(
        reverse("training:batch_results", args=[batch.pk]),
        results_data(
            (
                first,
                {
                    "completed": True,
                    "assessment": "passed",
                    "certificate": "level5",
                    "certificate_number": "S000123",
                    "certificate_date": "2024-04-01",
                },
            ),
            (second, {"completed": True, "assessment": "failed"}),
        ),
        follow=True,
    )
    detail = html(response)
    assert response.redirect_chain[-1][0] == reverse("training:batch_detail", args=[batch.pk])
    assert "已保存 2 名学员的结业与证书信息。" in detail
    assert "职业技能等级证书（五级/初级工）" in detail
    assert "S000123" in detail
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.completed and first.certificate == "level5" and first.certificate_date == datetime.date(2024, 4, 1)
    assert second.completed and second.assessment == "failed" and not second.certificate


def test_a_certificate_without_completion_is_refused_and_the_input_kept(client, clerk, batch):
    first = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="甲学员"))
    second = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="乙学员"))
    response = login(client, clerk).post(
        reverse("training:batch_results", args=[batch.pk]),
        results_data(
            (first, {"completed": False, "certificate": "special", "certificate_number": "ZX-9"}),
            (second, {"completed": True, "assessment": "passed"}),
        ),
    )
    assert response.status_code == 200
    page = html(response)
    assert "甲学员：未结业的学员不能登记证书。" in page
    assert "还没有保存" in page
    assert page.count('class="table-danger"') == 1  # the refused row is marked
    assert 'value="ZX-9"' in page  # what the clerk typed is still there
    assert '<option value="special" selected>' in page
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.certificate
    assert not second.completed  # nothing of the refused submission was saved


def test_results_ignore_enrolments_of_another_batch(client, clerk, batch, area):
    mine = EnrolmentFactory(batch=batch)
    elsewhere = EnrolmentFactory(batch=TrainingBatchFactory(area=area))
    response = login(client, clerk).post(
        reverse("training:batch_results", args=[batch.pk]),
        results_data((mine, {"completed": True}), (elsewhere, {"completed": True})),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert mine.completed
    assert not elsewhere.completed


def test_an_invalid_certificate_date_is_shown_on_its_row(client, clerk, batch):
    enrolment = EnrolmentFactory(batch=batch)
    response = login(client, clerk).post(
        reverse("training:batch_results", args=[batch.pk]),
        results_data((enrolment, {"completed": True, "certificate_date": "2024-02-30"})),
    )
    assert response.status_code == 200
    assert "输入一个有效的日期。" in html(response)
    enrolment.refresh_from_db()
    assert not enrolment.completed


# --- personal data ------------------------------------------------------------------------------


def test_full_id_number_never_appears_masked_one_does(client, clerk, batch):
    trainee = TraineeFactory(name="周小梅", categories=list(PriorityCategory.objects.all()[:1]))
    EnrolmentFactory(batch=batch, trainee=trainee)
    login(client, clerk)
    pages = [
        reverse("training:batch_detail", args=[batch.pk]),
        reverse("training:batch_results", args=[batch.pk]),
        reverse("training:trainee_list"),
        reverse("training:trainee_detail", args=[trainee.pk]),
    ]
    for url in pages:
        page = html(client.get(url))
        assert "周小梅" in page, url
        assert trainee.masked_id_number in page, url
        assert trainee.id_number not in page, url
        assert trainee.id_number[6:14] not in page, url  # the birth date hidden by the mask


def test_batch_detail_shows_the_roster_and_the_import_history(client, clerk, batch):
    category = PriorityCategory.objects.first()
    trainee = TraineeFactory(name="吴桂芳", categories=[category])
    EnrolmentFactory(
        batch=batch,
        trainee=trainee,
        completed=True,
        certificate=Enrolment.Certificate.SPECIAL,
        certificate_number="ZX-001",
    )
    batch.imports.create(
        uploaded_by=clerk, file_name="一期花名册.xlsx", file_size=10, content=b"x", status="committed", rows=1
    )
    page = html(login(client, clerk).get(reverse("training:batch_detail", args=[batch.pk])))
    assert "吴桂芳" in page
    assert category.name in page
    assert "专项职业能力证书" in page and "ZX-001" in page
    assert "一期花名册.xlsx" in page
    assert reverse("training:import_upload", args=[batch.pk]) in page
    assert reverse("training:roster_template") in page
    assert reverse("training:batch_results", args=[batch.pk]) in page


# --- query counts do not grow with rows ----------------------------------------------------------


def fill(area, rows: int) -> TrainingBatch:
    categories = list(PriorityCategory.objects.all()[:2])
    batch = TrainingBatchFactory(area=area)
    for _ in range(rows):
        EnrolmentFactory(batch=batch, trainee=TraineeFactory(categories=categories))
        TrainingBatchFactory(area=area)
    return batch


@pytest.mark.parametrize("rows", [3, 30])
def test_batch_list_query_count(client, make_staff, area, django_assert_max_num_queries, rows):
    fill(area, rows)
    login(client, make_staff(Role.COUNTY_CLERK, area, username=f"clerk_{rows}"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:batch_list"))
    assert f"共 {rows + 1} 条" in html(response)


@pytest.mark.parametrize("rows", [3, 30])
def test_batch_detail_query_count(client, clerk, area, django_assert_max_num_queries, rows):
    batch = fill(area, rows)
    for number in range(3):
        batch.imports.create(uploaded_by=clerk, file_name=f"{number}.xlsx", file_size=1, content=b"x")
    login(client, clerk)
    with django_assert_max_num_queries(16):  # 16: one for whether the class is approved (issue 17)
        response = client.get(reverse("training:batch_detail", args=[batch.pk]))
    assert f"共 {rows} 条" in html(response)
    assert html(response).count("id-masked") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_trainee_list_query_count(client, clerk, area, django_assert_max_num_queries, rows):
    fill(area, rows)
    login(client, clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:trainee_list"))
    assert f"共 {rows} 条" in html(response)


def test_a_batch_roster_and_the_registry_list_names_in_pinyin_order_on_postgresql(client, clerk, batch):
    """Names as people look them up (finding walk-2026-12: 何, 农, 劳 came in code-point order). PostgreSQL sorts
    by ICU's pinyin collation (core.db.Pinyin); SQLite, which has none, by code point."""
    from django.db import connection

    names = ["张伟", "农丽", "何明", "劳强", "安娜"]
    for name in names:
        EnrolmentFactory(batch=batch, trainee=TraineeFactory(name=name))
    login(client, clerk)
    expected = ["安娜", "何明", "劳强", "农丽", "张伟"] if connection.vendor == "postgresql" else sorted(names)
    # The batch's roster, and the registry (学员查询), which reads its page off an index in the same order.
    for url in (reverse("training:batch_detail", args=[batch.pk]), reverse("training:trainee_list")):
        page = html(client.get(url))
        assert sorted(names, key=page.index) == expected, url
