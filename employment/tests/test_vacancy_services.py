"""Referrals from a vacancy and from a fair intention; the vacancy's path; the area rule on writes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.scoping import OutOfScope
from employment.models import JobReferral, ReferralStanding
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .. import vacancy_services
from .vacancy_factories import JobFairFactory, VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(area):
    batch = TrainingBatchFactory(area=area, start_date=datetime.date(2024, 3, 1))
    return [EnrolmentFactory(batch=batch, completed=True, trainee=TraineeFactory(name=n)).trainee for n in "甲乙"]


def test_several_people_referred_to_a_vacancy_in_one_step_each_linked_to_it(clerk, people):
    vacancy = VacancyFactory(title="月嫂")
    made = vacancy_services.referrals_to_vacancies(
        user=clerk, trainees=people, vacancies=[vacancy], referred_on=datetime.date(2024, 5, 1)
    )
    assert len(made) == 2
    referrals = JobReferral.objects.filter(vacancy=vacancy).order_by("trainee__name")
    assert [(r.trainee.name, r.employer_id, r.position, r.area.code) for r in referrals] == [
        ("乙", vacancy.employer_id, "月嫂", "450702"),
        ("甲", vacancy.employer_id, "月嫂", "450702"),
    ]
    # They count toward the three, as a referral typed in does.
    assert ReferralStanding.objects.get(trainee=people[0]).referrals == 1
    # Referring the same people to it again adds nothing.
    assert (
        vacancy_services.referrals_to_vacancies(
            user=clerk, trainees=people, vacancies=[vacancy], referred_on=datetime.date(2024, 5, 2)
        )
        == []
    )
    assert JobReferral.objects.filter(vacancy=vacancy).count() == 2


def test_one_person_to_several_vacancies(clerk, people):
    vacancies = [VacancyFactory(), VacancyFactory()]
    vacancy_services.referrals_to_vacancies(
        user=clerk, trainees=people[:1], vacancies=vacancies, referred_on=datetime.date(2024, 5, 1)
    )
    assert set(JobReferral.objects.filter(trainee=people[0]).values_list("vacancy", flat=True)) == {
        v.pk for v in vacancies
    }


def test_a_closed_vacancy_takes_no_referral(clerk, people):
    vacancy = VacancyFactory()
    vacancy_services.vacancy_act(vacancy=vacancy, user=clerk, action="close")
    with pytest.raises(ValidationError, match="已关闭"):
        vacancy_services.referrals_to_vacancies(
            user=clerk, trainees=people, vacancies=[vacancy], referred_on=datetime.date(2024, 5, 1)
        )
    with pytest.raises(ValidationError, match="不能关闭岗位"):
        vacancy_services.vacancy_act(vacancy=vacancy, user=clerk, action="close")
    vacancy_services.vacancy_act(vacancy=vacancy, user=clerk, action="reopen")
    vacancy.refresh_from_db()
    assert vacancy.status == "open"


def test_only_the_registering_county_changes_a_vacancy(other_clerk):
    vacancy = VacancyFactory()
    with pytest.raises(OutOfScope):
        vacancy_services.vacancy_update(vacancy=vacancy, user=other_clerk, openings=9)
    with pytest.raises(OutOfScope):
        vacancy_services.vacancy_act(vacancy=vacancy, user=other_clerk, action="fill")


def test_vacancy_create_checks_ranges_in_chinese(clerk, area):
    from brands.models import Occupation
    from brands.tests.factories import OrganisationFactory

    with pytest.raises(ValidationError) as error:
        vacancy_services.vacancy_create(
            user=clerk,
            employer=OrganisationFactory(),
            occupation=Occupation.objects.get(name="母婴护理员"),
            title="月嫂",
            work_area=area,
            openings=2,
            wage_min=6000,
            wage_max=4000,
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2025, 12, 31),
        )
    assert "月薪上限不能低于下限。" in str(error.value)


def test_a_fair_intention_becomes_a_referral_in_one_step(clerk, people):
    fair = JobFairFactory(held_on=datetime.date(2024, 6, 1), title="八桂家政专场")
    vacancy = VacancyFactory(fair=fair, source="job_fair")
    intention = vacancy_services.intention_create(user=clerk, fair=fair, trainee=people[0], vacancy=vacancy)
    assert fair.attendances.count() == 1  # the person is signed in with the intention

    referral = vacancy_services.intention_refer(user=clerk, intention=intention)

    assert (referral.vacancy, referral.channel, referral.referred_on) == (
        vacancy,
        JobReferral.Channel.JOB_FAIR,
        datetime.date(2024, 6, 1),
    )
    assert referral.note == "八桂家政专场达成意向"
    intention.refresh_from_db()
    assert intention.referral == referral
    with pytest.raises(ValidationError, match="已转为岗位推荐"):
        vacancy_services.intention_refer(user=clerk, intention=intention)


def test_another_areas_fair_is_not_the_clerks_to_record(other_clerk, people):
    fair = JobFairFactory()
    with pytest.raises(OutOfScope):
        vacancy_services.fair_attend(user=other_clerk, fair=fair, trainees=people)
