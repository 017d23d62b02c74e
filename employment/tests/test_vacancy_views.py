"""The vacancy register, matching and job-fair pages as a clerk uses them; another area's objects are 404."""

import datetime

import pytest
from django.urls import reverse

from brands.models import Area, Occupation
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from ..models import JobReferral
from ..vacancy_models import FairIntention, Vacancy
from .vacancy_factories import JobFairFactory, VacancyFactory

pytestmark = pytest.mark.django_db

# The list must not grow with rows: one bound for 3 rows and for 23.
MAX_QUERIES = 17


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def nanny():
    return Occupation.objects.get(name="母婴护理员")


@pytest.fixture
def trainee(area, nanny):
    batch = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    return EnrolmentFactory(batch=batch, completed=True, trainee=TraineeFactory(name="李秀英")).trainee


@pytest.fixture
def vacancy(area, nanny):
    return VacancyFactory(area=area, occupation=nanny, title="高级月嫂")


def test_every_county_sees_open_vacancies_but_only_its_own_closed_ones(client, other_clerk, area):
    VacancyFactory(area=area, title="钦南招聘中")
    closed = VacancyFactory(area=area, title="钦南已关闭", status=Vacancy.Status.CLOSED)
    client.force_login(other_clerk)
    page = html(client.get(reverse("employment:vacancy_list")))
    assert "钦南招聘中" in page and "钦南已关闭" not in page
    assert client.get(reverse("employment:vacancy_detail", args=[closed.pk])).status_code == 404


def test_another_countys_vacancy_cannot_be_changed(client, other_clerk, vacancy):
    client.force_login(other_clerk)
    assert client.get(reverse("employment:vacancy_detail", args=[vacancy.pk])).status_code == 200
    assert client.get(reverse("employment:vacancy_update", args=[vacancy.pk])).status_code == 404
    response = client.post(reverse("employment:vacancy_act", args=[vacancy.pk]), {"action": "close"})
    assert response.status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.status == "open"


def test_a_clerk_registers_a_vacancy_and_bad_ranges_get_chinese_messages(client, clerk, nanny, area):
    from brands.tests.factories import OrganisationFactory

    employer = OrganisationFactory(name="钦州好帮手家政", kind="enterprise")
    client.force_login(clerk)
    data = {
        "employer": employer.pk,
        "occupation": nanny.pk,
        "title": "住家育婴员",
        "work_area": area.pk,
        "openings": "2",
        "wage_min": "6000",
        "wage_max": "5000",
        "kind": "full_time",
        "valid_from": "2025-01-01",
        "valid_to": "2099-01-01",
        "source": "employer",
    }
    response = client.post(reverse("employment:vacancy_create"), data)
    assert response.status_code == 200 and "月薪上限不能低于下限。" in html(response)
    data["wage_max"] = "8000"
    response = client.post(reverse("employment:vacancy_create"), data, follow=True)
    assert "已登记岗位：钦州好帮手家政 · 住家育婴员" in html(response)
    assert Vacancy.objects.get(title="住家育婴员").area == area


def test_refer_several_people_from_the_vacancy_page(client, clerk, trainee, vacancy, area, nanny):
    batch = trainee.enrolments.first().batch
    second = EnrolmentFactory(batch=batch, completed=True, trainee=TraineeFactory(name="王芳")).trainee
    client.force_login(clerk)
    page = html(client.get(reverse("employment:vacancy_detail", args=[vacancy.pk])))
    assert "李秀英" in page and "王芳" in page and "工种对口（+100）" in page

    response = client.post(reverse("employment:vacancy_refer", args=[vacancy.pk]), {"chosen": []})
    assert "请先勾选要推荐的对象。" in html(response)

    response = client.post(
        reverse("employment:vacancy_refer", args=[vacancy.pk]),
        {"chosen": [trainee.pk, second.pk], "referred_on": "2025-01-10", "channel": "other"},
        follow=True,
    )
    assert "已推荐 2 人到“高级月嫂”" in html(response)
    assert set(JobReferral.objects.filter(vacancy=vacancy).values_list("trainee__name", flat=True)) == {
        "李秀英",
        "王芳",
    }
    # Referred people leave the vacancy's list of matches.
    matches = html(client.get(reverse("employment:vacancy_detail", args=[vacancy.pk]))).split('id="referrals"')
    assert "李秀英" not in matches[0] and "李秀英" in matches[1]


def test_a_persons_matches_and_refer_to_several(client, clerk, other_clerk, trainee, vacancy, nanny):
    second = VacancyFactory(occupation=nanny, title="医院陪护")
    client.force_login(clerk)
    page = html(client.get(reverse("employment:trainee_matches", args=[trainee.pk])))
    assert "高级月嫂" in page and "医院陪护" in page
    response = client.post(
        reverse("employment:trainee_refer", args=[trainee.pk]),
        {"chosen": [vacancy.pk, second.pk], "referred_on": "2025-01-10", "channel": "online"},
        follow=True,
    )
    assert "已为李秀英推荐 2 个岗位" in html(response)
    assert JobReferral.objects.filter(trainee=trainee, vacancy__isnull=False).count() == 2
    client.force_login(other_clerk)
    assert client.get(reverse("employment:trainee_matches", args=[trainee.pk])).status_code == 404


def test_the_worklist_suggests_vacancies(client, clerk, trainee, vacancy, recount_tallies):
    recount_tallies()
    client.force_login(clerk)
    page = html(client.get(reverse("employment:worklist")))
    assert "建议岗位" in page and f"{vacancy.employer.name} · 高级月嫂" in page


def test_fair_intention_recorded_and_referred_in_one_step(client, clerk, trainee, area, nanny):
    fair = JobFairFactory(area=area, title="八桂家政专场")
    fair_vacancy = VacancyFactory(occupation=nanny, fair=fair, source="job_fair", title="家政服务员")
    client.force_login(clerk)
    response = client.post(
        reverse("employment:intention_create", args=[fair.pk]), {"id_number": "123", "vacancy": fair_vacancy.pk}
    )
    assert response.status_code == 200 and "身份证号码" in html(response)
    response = client.post(
        reverse("employment:intention_create", args=[fair.pk]),
        {"id_number": trainee.id_number, "vacancy": fair_vacancy.pk},
        follow=True,
    )
    assert "已登记李秀英的达成意向：家政服务员" in html(response)
    intention = FairIntention.objects.get()
    response = client.post(reverse("employment:intention_refer", args=[intention.pk]), follow=True)
    assert "已将李秀英的意向转为岗位推荐：家政服务员" in html(response)
    referral = JobReferral.objects.get(vacancy=fair_vacancy)
    assert referral.channel == "job_fair"


def test_another_areas_fair_and_intention_are_404(client, other_clerk, trainee, area, nanny):
    fair = JobFairFactory(area=area)
    intention = FairIntention.objects.create(fair=fair, trainee=trainee, vacancy=VacancyFactory(occupation=nanny))
    client.force_login(other_clerk)
    assert client.get(reverse("employment:fair_detail", args=[fair.pk])).status_code == 404
    assert client.post(reverse("employment:intention_refer", args=[intention.pk])).status_code == 404
    assert client.post(reverse("employment:intention_create", args=[fair.pk]), {}).status_code == 404
    assert fair.title not in html(client.get(reverse("employment:fair_list")))


def test_vacancy_list_queries_do_not_grow(client, clerk, django_assert_max_num_queries):
    client.force_login(clerk)
    for n in range(3):
        VacancyFactory(title=f"岗位甲{n}")
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("employment:vacancy_list"))
    for n in range(20):
        VacancyFactory(title=f"岗位乙{n}", area=Area.objects.get(code="450703"))
    with django_assert_max_num_queries(MAX_QUERIES):
        assert "岗位乙19" in html(client.get(reverse("employment:vacancy_list")))
