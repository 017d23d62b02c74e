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
