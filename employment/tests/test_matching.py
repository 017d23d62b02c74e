"""The scoring function: its order on hand-made people and vacancies, and the database ranking agreeing
with it."""

import datetime

import pytest

from brands.models import Area, Occupation
from training.models import Enrolment
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .. import vacancy_selectors
from ..matching import AGE, AREA, BRAND, CERTIFICATE, OCCUPATION, WEIGHTS, Profile, score
from ..tests.factories import EmploymentOutcomeFactory, JobReferralFactory
from .vacancy_factories import VacancyFactory

TODAY = datetime.date(2025, 6, 1)


def test_each_weight_outweighs_all_later_ones_together():
    order = [OCCUPATION, BRAND, CERTIFICATE, AREA, AGE]
    for position, name in enumerate(order):
        assert WEIGHTS[name] > sum(WEIGHTS[later] for later in order[position + 1 :]), name


class Fake:
    """A vacancy as `score` reads it, without the database."""

    def __init__(self, occupation_id, brand_id, *, certificate="", work_area_id=1, age_min=None, age_max=None):
        self.occupation_id, self.certificate, self.work_area_id = occupation_id, certificate, work_area_id
        self.age_min, self.age_max = age_min, age_max
        self.occupation = type("O", (), {"brand_id": brand_id})()
        self.age_label = f"{age_min}–{age_max} 岁"

    def get_certificate_display(self):
        return "四级证书"


PERSON = Profile(occupation_ids={10}, brand_ids={1}, certificate_rank=2, area_ids={1}, age=30)


def test_occupation_first_then_brand_then_certificate_area_age():
    exact_but_nothing_else = Fake(10, 1, certificate="level3", work_area_id=2, age_min=40, age_max=50)
    brand_with_everything = Fake(11, 1, certificate="", work_area_id=1)
    brand_certificate_only = Fake(11, 1, certificate="level4", work_area_id=2, age_min=40, age_max=50)
    brand_area_and_age = Fake(11, 1, certificate="level2", work_area_id=1)
    other_brand = Fake(20, 2)
    ranked = sorted(
        [other_brand, brand_area_and_age, brand_certificate_only, brand_with_everything, exact_but_nothing_else],
        key=lambda vacancy: -score(PERSON, vacancy).score,
    )
    assert ranked == [
        exact_but_nothing_else,
        brand_with_everything,
        brand_certificate_only,
        brand_area_and_age,
        other_brand,
    ]


def test_reasons_say_what_counted_and_what_did_not():
    match = score(PERSON, Fake(10, 1, certificate="level3", work_area_id=None, age_min=18, age_max=25))
    assert match.score == WEIGHTS[OCCUPATION]
    assert match.reasons == ("工种对口（+100）", "未取得四级证书", "市外输出岗位", "年龄不符（要求 18–25 岁）")
    assert score(PERSON, Fake(10, 1, certificate="level4")).reasons[1] == "证书符合要求（+20）"


@pytest.mark.django_db
def test_a_persons_matches_are_ranked_in_the_database_as_score_ranks_them(area, other_area):
    nanny = Occupation.objects.get(name="母婴护理员")
    batch = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    person = TraineeFactory(birth_date=datetime.date(1990, 1, 1))
    EnrolmentFactory(trainee=person, batch=batch, completed=True, certificate=Enrolment.Certificate.LEVEL_4)
    same_brand = Occupation.objects.filter(brand=nanny.brand).exclude(pk=nanny.pk).first()
    other_brand = Occupation.objects.exclude(brand=nanny.brand).first()
    exact_elsewhere = VacancyFactory(occupation=nanny, work_area=other_area, title="钦北母婴")
    exact_here = VacancyFactory(occupation=nanny, work_area=area, title="钦南母婴")
    brand_here_level3 = VacancyFactory(occupation=same_brand, work_area=area, certificate="level3", title="同品牌高级")
    brand_here_too_young = VacancyFactory(occupation=same_brand, work_area=area, age_max=25, title="同品牌限年龄")
    VacancyFactory(occupation=other_brand, title="他品牌")
    VacancyFactory(occupation=nanny, status="closed", title="已关闭")
    VacancyFactory(occupation=nanny, valid_to=datetime.date(2025, 1, 1), title="已过期")

    matches = vacancy_selectors.matches_for_person(trainee=person, on=TODAY)

    assert [vacancy.title for vacancy in matches] == ["钦南母婴", "钦北母婴", "同品牌限年龄", "同品牌高级"]
    assert [vacancy.score for vacancy in matches] == [vacancy.match.score for vacancy in matches]
    assert matches[0] == exact_here and matches[1] == exact_elsewhere
    assert matches[2] == brand_here_too_young and matches[3] == brand_here_level3
    assert "年龄不符（要求 25 岁以下）" in matches[2].match.reasons


@pytest.mark.django_db
def test_a_vacancys_people_priority_first_then_score_without_the_employed_or_fully_referred(area, clerk):
    from training.models import PriorityCategory

    nanny = Occupation.objects.get(name="母婴护理员")
    batch = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    vacancy = VacancyFactory(occupation=nanny, work_area=area, certificate="level4", age_max=40)

    def person(name, *, certificate="", born=datetime.date(1990, 1, 1), categories=()):
        trainee = TraineeFactory(name=name, birth_date=born, categories=list(categories))
        EnrolmentFactory(trainee=trainee, batch=batch, completed=True, certificate=certificate)
        return trainee

    category = PriorityCategory.objects.first()
    person("甲有证", certificate="level4")
    person("乙无证")
    person("丙重点无证", categories=[category])
    person("丁年长有证", certificate="level3", born=datetime.date(1960, 1, 1))
    employed = person("戊已就业", certificate="level4")
    EmploymentOutcomeFactory(trainee=employed, area=area)
    referred = person("己已推荐3次", certificate="level4")
    for day in (1, 2, 3):
        JobReferralFactory(trainee=referred, area=area, referred_on=datetime.date(2024, 4, day))
    from employment import tallies

    tallies.trainees_changed([referred.pk])
    Area.objects.get(code="450703")  # another area's people are not the clerk's to see
    other = TraineeFactory(name="庚他区")
    EnrolmentFactory(
        trainee=other,
        batch=TrainingBatchFactory(area=Area.objects.get(code="450703"), occupation=nanny),
        completed=True,
    )

    people = list(vacancy_selectors.candidates_for_vacancy(user=clerk, vacancy=vacancy, on=TODAY))
    vacancy_selectors.explain_for_vacancy(people, vacancy, on=TODAY)

    assert [p.name for p in people] == ["丙重点无证", "甲有证", "丁年长有证", "乙无证"]
    assert [p.score for p in people] == [p.match.score for p in people]


@pytest.mark.django_db
def test_a_vacancys_people_scored_in_the_database_as_score_scores_them_on_every_criterion(area, other_area, clerk):
    """The grouped per-person subquery agrees with `score` on each part: occupation or brand, certificate
    held on any completed training, a completed training in the work area, age; unfinished training
    earns nothing; who was already referred to the vacancy is left out."""
    nanny = Occupation.objects.get(name="母婴护理员")
    same_brand = Occupation.objects.filter(brand=nanny.brand).exclude(pk=nanny.pk).first()
    other_brand = Occupation.objects.exclude(brand=nanny.brand).first()
    here = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    there_same_brand = TrainingBatchFactory(
        area=other_area, occupation=same_brand, start_date=datetime.date(2023, 3, 1)
    )
    there_other_brand = TrainingBatchFactory(
        area=other_area, occupation=other_brand, start_date=datetime.date(2023, 5, 1)
    )
    vacancy = VacancyFactory(occupation=nanny, work_area=other_area, certificate="level4", age_min=18, age_max=40)

    def person(name, *, born=datetime.date(1990, 1, 1), completed=True, certificate="", also=()):
        trainee = TraineeFactory(name=name, birth_date=born)
        EnrolmentFactory(trainee=trainee, batch=here, completed=completed, certificate=certificate)
        for batch, batch_certificate in also:
            EnrolmentFactory(trainee=trainee, batch=batch, completed=True, certificate=batch_certificate)
        return trainee

    person("甲对口三级证", certificate="level3")  # 100 + 20 + 0 + 5
    person("乙未结业同品牌外区四级证", completed=False, also=[(there_same_brand, "level4")])  # 40 + 20 + 10 + 5
    person("丙未结业", completed=False)  # 0 + 0 + 0 + 5
    person("丁对口无证外区他品牌", also=[(there_other_brand, "")])  # 100 + 0 + 10 + 5
    person("戊对口五级证超龄", certificate="level5", born=datetime.date(1970, 1, 1))  # 100 + 0 + 0 + 0
    already = person("己已推荐此岗位", certificate="level4")
    JobReferralFactory(trainee=already, area=area, vacancy=vacancy, referred_on=datetime.date(2025, 5, 1))

    people = list(vacancy_selectors.candidates_for_vacancy(user=clerk, vacancy=vacancy, on=TODAY))
    vacancy_selectors.explain_for_vacancy(people, vacancy, on=TODAY)

    assert [(p.name, p.score) for p in people] == [
        ("甲对口三级证", 125),
        ("丁对口无证外区他品牌", 115),
        ("戊对口五级证超龄", 100),
        ("乙未结业同品牌外区四级证", 75),
        ("丙未结业", 5),
    ]
    assert [p.score for p in people] == [p.match.score for p in people]
    assert people[3].match.reasons == (
        "同一劳务品牌（+40）",
        "证书符合要求（+20）",
        "在工作地区参加过培训（+10）",
        "年龄符合（+5）",
    )


@pytest.mark.django_db
def test_a_vacancy_without_requirements_outside_qinzhou_gives_everyone_the_certificate_and_age_points(area, clerk):
    nanny = Occupation.objects.get(name="母婴护理员")
    batch = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    export = VacancyFactory(occupation=nanny, work_area=None, destination="广东省深圳市")
    finished, unfinished = TraineeFactory(name="甲结业"), TraineeFactory(name="乙未结业")
    EnrolmentFactory(trainee=finished, batch=batch, completed=True)
    EnrolmentFactory(trainee=unfinished, batch=batch, completed=False)

    people = list(vacancy_selectors.candidates_for_vacancy(user=clerk, vacancy=export, on=TODAY))
    vacancy_selectors.explain_for_vacancy(people, export, on=TODAY)

    assert [(p.name, p.score, p.match.score) for p in people] == [("甲结业", 125, 125), ("乙未结业", 25, 25)]
    assert "市外输出岗位" in people[0].match.reasons


def test_the_index_of_fully_referred_people_is_the_three_referral_rule():
    """Matching's exclusion `referrals >= REFERRALS_REQUIRED` can use the partial index only while its
    condition is the same rule."""
    from django.db.models import Q

    from ..counting import REFERRALS_REQUIRED
    from ..models import ReferralStanding

    index = next(index for index in ReferralStanding._meta.indexes if index.name == "standing_fully_referred")
    assert index.condition == Q(referrals__gte=REFERRALS_REQUIRED)


@pytest.mark.django_db
def test_a_persons_matches_stop_at_the_limit_best_first(area):
    nanny = Occupation.objects.get(name="母婴护理员")
    person = TraineeFactory(birth_date=datetime.date(1990, 1, 1))
    batch = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    same_brand = Occupation.objects.filter(brand=nanny.brand).exclude(pk=nanny.pk).first()
    for number in range(3):
        VacancyFactory(occupation=same_brand, work_area=area, title=f"同品牌{number}")
    VacancyFactory(occupation=nanny, work_area=area, title="对口", valid_to=datetime.date(2099, 1, 1))

    matches = vacancy_selectors.matches_for_person(trainee=person, on=TODAY, limit=2)

    assert [vacancy.title for vacancy in matches] == ["对口", "同品牌0"]
    assert [vacancy.match.score for vacancy in matches] == [135, 75]
    assert matches[0].employer.name  # read with its employer for the page


@pytest.mark.django_db
def test_a_vacancys_people_page_by_page_with_the_count_from_the_same_query(area, clerk, django_assert_num_queries):
    nanny = Occupation.objects.get(name="母婴护理员")
    batch = TrainingBatchFactory(area=area, occupation=nanny, start_date=datetime.date(2024, 3, 1))
    vacancy = VacancyFactory(occupation=nanny, work_area=area)
    for name in ("甲", "乙", "丙", "丁", "戊"):
        EnrolmentFactory(trainee=TraineeFactory(name=name), batch=batch, completed=True)

    def page(number):
        return vacancy_selectors.candidates_page(user=clerk, vacancy=vacancy, number=number, per_page=2, on=TODAY)

    everyone = [p.name for p in vacancy_selectors.candidates_for_vacancy(user=clerk, vacancy=vacancy, on=TODAY)]
    with django_assert_num_queries(1):
        second = page("2")
        assert [p.name for p in second] == everyone[2:4]
        assert (second.paginator.count, second.paginator.num_pages, second.has_next()) == (5, 3, True)
    assert [p.name for p in page("9")] == everyone[4:]  # past the end: the last page
    assert page("9").number == 3
    assert [p.name for p in page("第二页")] == everyone[:2]
    assert page(None).number == 1


@pytest.mark.django_db
def test_a_vacancy_nobody_fits_has_one_empty_page(area, clerk):
    vacancy = VacancyFactory(work_area=area)

    page = vacancy_selectors.candidates_page(user=clerk, vacancy=vacancy, number="3", per_page=2, on=TODAY)

    assert (list(page), page.number, page.paginator.count, page.paginator.num_pages) == ([], 1, 0, 1)
