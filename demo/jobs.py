"""Demo vacancies, two brand job fairs with attendance and intentions, and referrals made from a vacancy
and from an intention (idempotent), for `load_demo`. Everything goes through the services, as a clerk's
entries would; a vacancy is known by its employer and title, a fair by its title."""

import datetime
from typing import NamedTuple

from django.utils import timezone

from brands.models import CITY_AREA_CODE, Area, BrandLine, Occupation, Organisation
from brands.services import organisation_upsert
from core.credit_code import make_uscc
from employment.models import JobReferral
from employment.services import referral_set_result
from employment.vacancy_models import FairIntention, JobFair, Vacancy
from employment.vacancy_services import (
    fair_attend,
    fair_create,
    intention_create,
    intention_refer,
    referrals_to_vacancies,
    vacancy_act,
    vacancy_create,
)
from training.models import Enrolment

# (area code, name): employers the vacancies need beyond demo/brands.py's.
EMPLOYERS = [
    ("450702", "钦州市月嫂之家家政服务有限公司"),
    ("450702", "广西北部湾建工集团钦州分公司"),
    ("450721", "灵山县茶业有限公司"),
    ("450722", "浦北县编织工艺品有限公司"),
    ("QZFTZ", "钦州港海工装备有限公司"),
]


class _Vacancy(NamedTuple):
    area: str  # its code
    employer: str
    occupation: str
    title: str
    openings: int
    wage_min: int | None
    wage_max: int | None
    certificate: str = ""
    age_max: int | None = None
    kind: str = "full_time"
    status: str = "open"
    destination: str = ""  # a placement elsewhere (劳务输出): no work area in Qinzhou


VACANCIES = [
    _Vacancy("450702", "钦州市月嫂之家家政服务有限公司", "母婴护理员", "住家月嫂", 8, 6000, 9000, "level4", 50),
    _Vacancy("450702", "钦州市月嫂之家家政服务有限公司", "母婴护理员", "产后护理师", 4, 5000, 7000, "", 45),
    _Vacancy("450702", "钦州市阿蚝海产养殖有限公司", "大蚝养殖工", "大蚝养殖技术员", 6, 4000, 6000, kind="seasonal"),
    _Vacancy("450702", "钦州港跨境电商产业园运营有限公司", "跨境电商师", "跨境电商运营专员", 5, 4500, 7000, "", 35),
    _Vacancy("450702", "钦州市月嫂之家家政服务有限公司", "养老护理员", "养老院护理员", 10, 3800, 5000, "", 55),
    _Vacancy("450703", "钦州市好帮手家政服务有限公司", "家务服务员", "家政保洁员", 12, 3500, 4800, "", 55),
    _Vacancy("450703", "钦州市好帮手家政服务有限公司", "家务服务员", "钟点工（零工）", 20, None, None, kind="gig"),
    _Vacancy("450703", "广西北部湾建工集团钦州分公司", "砌筑工", "砌筑工", 15, 6000, 8500, "level5", 55),
    _Vacancy("450721", "灵山县刮粉食品有限公司", "灵山刮粉制作工", "刮粉制作师傅", 6, 4000, 6000),
    _Vacancy("450721", "灵山县茶业有限公司", "茶叶加工工", "茶叶加工季节工", 25, 3000, 4000, kind="seasonal"),
    _Vacancy("450721", "广西北部湾建工集团钦州分公司", "农村建筑工匠", "乡村建筑工匠", 10, 5000, 7000, "", 60),
    _Vacancy("450722", "浦北县编织工艺品有限公司", "编织工", "藤编工", 12, 3200, 4500),
    _Vacancy(
        "450722",
        "浦北县人力资源服务有限公司",
        "编织工",
        "广东手工编织（劳务输出）",
        30,
        4500,
        6000,
        "",
        45,
        destination="广东省东莞市",
    ),
    _Vacancy("QZFTZ", "钦州港跨境电商产业园运营有限公司", "物流服务师", "港口物流分拣员", 20, 4000, 5500, "", 45),
    _Vacancy(
        "QZFTZ", "钦州港海工装备有限公司", "船舶海工", "船舶电焊工", 8, 7000, 10000, "level4", 50, status="filled"
    ),
    _Vacancy(
        "450703",
        "钦州市好帮手家政服务有限公司",
        "家务服务员",
        "2024 年春节保洁（已结束）",
        10,
        3000,
        4000,
        kind="seasonal",
        status="closed",
    ),
]

# (area code, title, brand code, day, place, organiser, the vacancies' titles brought there)
FAIRS = [
    (
        "450702",
        "2025 年“八桂家政”专场招聘会",
        "housekeeping",
        "2025-03-15",
        "钦州市人力资源市场一楼大厅",
        "钦南区人力资源和社会保障局",
        ["住家月嫂", "产后护理师", "养老院护理员"],
    ),
    (
        "450721",
        "2025 年“八桂米粉师傅”暨乡村工匠专场招聘会",
        "rice-noodle",
        "2025-05-20",
        "灵山县人力资源市场",
        "灵山县人力资源和社会保障局",
        ["刮粉制作师傅", "乡村建筑工匠"],
    ),
]


def load(*, clerks: dict) -> dict[str, int]:
    today = timezone.localdate()
    areas = {area.code: area for area in Area.objects.all()}
    for serial, (area_code, name) in enumerate(EMPLOYERS, start=1):
        admin_code = area_code if area_code.isdigit() else CITY_AREA_CODE
        organisation_upsert(
            name=name,
            kind=Organisation.Kind.ENTERPRISE,
            area=areas[area_code],
            uscc=make_uscc(admin_code=admin_code, serial=20260000 + serial),
        )
    employers = {o.name: o for o in Organisation.objects.filter(kind__in=["enterprise", "hr_agency"])}
    vacancies = {}
    for row in VACANCIES:
        place, area = row.destination, areas[row.area]
        vacancy = Vacancy.objects.filter(employer=employers[row.employer], title=row.title).first()
        if vacancy is None:
            vacancy = vacancy_create(
                user=clerks.get(row.area),
                employer=employers[row.employer],
                occupation=Occupation.objects.get(name=row.occupation),
                title=row.title,
                work_area=None if place else area,
                address="" if place else f"{area.short_name}城区",
                destination=place,
                openings=row.openings,
                wage_min=row.wage_min,
                wage_max=row.wage_max,
                certificate=row.certificate,
                age_min=18,
                age_max=row.age_max,
                kind=row.kind,
                valid_from=datetime.date(2025, 1, 1),
                valid_to=today + datetime.timedelta(days=180) if row.status != "closed" else datetime.date(2025, 3, 1),
                source=Vacancy.Source.LABOUR_COOPERATION if place else Vacancy.Source.EMPLOYER,
            )
            if row.status != "open":
                action = "fill" if row.status == "filled" else "close"
                vacancy_act(vacancy=vacancy, user=clerks.get(row.area), action=action)
        vacancies[row.title] = vacancy
    for area_code, title, brand, day, place, organiser, brought in FAIRS:
        _fair(
            clerks.get(area_code),
            areas[area_code],
            title,
            brand,
            day,
            place,
            organiser,
            [vacancies[t] for t in brought],
        )
    _referrals_from_vacancies(clerks, vacancies)
    return {
        "vacancies": Vacancy.objects.count(),
        "fairs": JobFair.objects.count(),
        "intentions": FairIntention.objects.count(),
    }


def _fair(clerk, area, title, brand, day, place, organiser, brought) -> None:
    fair = JobFair.objects.filter(title=title).first()
    if fair is None:
        fair = fair_create(
            user=clerk,
            title=title,
            held_on=datetime.date.fromisoformat(day),
            place=place,
            organiser=organiser,
            brand=BrandLine.objects.get(code=brand),
            employers={vacancy.employer for vacancy in brought},
        )
    for vacancy in brought:
        if vacancy.fair_id is None:
            vacancy.fair, vacancy.source = fair, Vacancy.Source.JOB_FAIR
            vacancy.save(update_fields=["fair", "source"])
    # The people who trained there in the fair's occupations, with no job yet: a dozen sign in.
    occupations = {vacancy.occupation_id for vacancy in brought}
    people = [
        enrolment.trainee
        for enrolment in Enrolment.objects.filter(
            completed=True, batch__area=area, batch__occupation_id__in=occupations
        )
        .exclude(trainee__outcomes__isnull=False)
        .select_related("trainee", "batch")
        .order_by("trainee_id")[:12]
    ]
    fair_attend(user=clerk, fair=fair, trainees=people)
    by_occupation = {vacancy.occupation_id: vacancy for vacancy in brought}
    for number, trainee in enumerate(people[:6]):
        occupation = trainee.enrolments.filter(batch__area=area).values_list("batch__occupation_id", flat=True)[0]
        vacancy = by_occupation.get(occupation, brought[0])
        intention = intention_create(user=clerk, fair=fair, trainee=trainee, vacancy=vacancy)
        if number < 3 and intention.referral_id is None:
            intention_refer(user=clerk, intention=intention)  # half become referrals, half still wait


def _referrals_from_vacancies(clerks: dict, vacancies: dict) -> None:
    """A few people referred from the vacancy page: the vacancy's best matches, once."""
    from employment.vacancy_selectors import candidates_for_vacancy

    for title in ("家政保洁员", "港口物流分拣员", "藤编工"):
        vacancy = vacancies[title]
        if JobReferral.objects.filter(vacancy=vacancy).exists():
            continue
        clerk = clerks.get(vacancy.area.code)
        if people := list(candidates_for_vacancy(user=clerk, vacancy=vacancy)[:3]):
            made = referrals_to_vacancies(
                user=clerk,
                trainees=people,
                vacancies=[vacancy],
                referred_on=timezone.localdate() - datetime.timedelta(days=7),
                channel=JobReferral.Channel.OTHER,
            )
            # One of them was hired (the outcome after it is left for the clerk to record).
            referral_set_result(referral=made[0], user=clerk, result=JobReferral.Result.HIRED)
