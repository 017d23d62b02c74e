"""Demo referrals, outcomes of every kind, a labour-export group and wage cases (idempotent), for `load_demo`.

The labour-export group and the wage cases go through the services, as a clerk's entries would. The few
hundred referrals and outcomes are written in bulk and the summary rows brought up to date once for all
the people they name (`tallies.trainees_changed`): through the services each one recounted them, which made
the demo take four times as long. The rows are those the services would have written."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from brands.models import Area, Organisation
from employment import tallies
from employment.models import EmploymentOutcome, JobReferral, LabourExport, WageCase
from employment.services import (
    labour_export_create,
    outcome_build,
    referral_build,
    referral_create,
    wage_case_create,
    wage_case_progress,
)
from training.models import Enrolment

POSITIONS = {
    "housekeeping": ["育婴员", "家政服务员", "养老护理员", "医院陪护"],
    "construction": ["砌筑工", "钢筋工", "装饰装修工", "施工员"],
    "rice-noodle": ["米粉制作师傅", "粉店厨师", "门店店长"],
    "local-specialty": ["电商运营", "物流分拣员", "茶叶加工工", "养殖技术员", "编织工"],
}
EMPLOYERS = [
    "钦州市好帮手家政服务有限公司",
    "广西北部湾建工集团有限公司",
    "钦州港跨境电商产业园运营有限公司",
    "灵山县刮粉食品有限公司",
    "广州某家政服务有限公司",
    "深圳某物流有限公司",
]
CHANNELS = [choice for choice, _label in JobReferral.Channel.choices]


def load(*, clerks: dict) -> dict[str, int]:
    rng = random.Random(2025)
    today = timezone.localdate()
    enrolments = (
        Enrolment.objects.filter(completed=True)
        .select_related("trainee", "batch", "batch__area", "batch__occupation__brand")
        .order_by("batch__end_date", "id")
    )
    # Referrals and outcomes are made once: some people are left short on purpose, so "none yet" cannot
    # tell a finished demo from a new one.
    done = JobReferral.objects.exists() or EmploymentOutcome.objects.exists()
    seen = set()
    referrals, outcomes = [], []
    for number, enrolment in enumerate([] if done else enrolments):
        trainee, batch = enrolment.trainee, enrolment.batch
        if trainee.pk in seen:
            continue
        seen.add(trainee.pk)
        clerk = clerks.get(batch.area.code)
        # Most get their three referrals; every fourth person is still short, as on a real worklist.
        for step in range(3 if number % 4 else rng.choice((0, 1, 2))):
            referrals.append(
                referral_build(
                    user=clerk,
                    trainee=trainee,
                    employer_name=rng.choice(EMPLOYERS),
                    position=rng.choice(POSITIONS[batch.occupation.brand.code]),
                    referred_on=min(batch.end_date + datetime.timedelta(days=7 + 12 * step), today),
                    channel=rng.choice(CHANNELS),
                    result="hired" if step == 2 and number % 3 == 0 else rng.choice(("declined", "no_show", "pending")),
                )
            )
        if number % 3 != 2:
            start = min(batch.end_date + datetime.timedelta(days=30 + number % 40), today)
            kind = ("employed", "employed", "flexible", "entrepreneurship")[number % 4]
            outcomes.append(
                outcome_build(  # keeps only the fields of its kind
                    user=clerk,
                    trainee=trainee,
                    kind=kind,
                    start_date=start,
                    employer_name=rng.choice(EMPLOYERS),
                    contract_signed=number % 5 != 0,
                    social_insurance=number % 5 != 0,
                    business_name=f"{trainee.name}{batch.occupation.name[:2]}工作室",
                    jobs_created=number % 4,
                    work_kind="网约家政服务" if batch.occupation.brand.code == "housekeeping" else "零工",
                )
            )
    JobReferral.objects.bulk_create(referrals)
    EmploymentOutcome.objects.bulk_create(outcomes)
    # Once for everyone, before the labour export's service takes each person's standing as its start:
    # everyone enrolled, since the three-referral rule counts people from their batch's start, completed
    # or not (the demo's rosters of running batches enrol them without completing anyone).
    tallies.trainees_changed(seen | set(Enrolment.objects.values_list("trainee_id", flat=True)))
    _referral_before_training(clerks)
    _labour_export(clerks)
    _wage_cases(clerks, rng)
    return totals()


def totals() -> dict[str, int]:
    """What the registry holds: load_demo's summary asks at the end, after the job fairs' referrals (demo/jobs.py)
    and the follow-ups' wage cases (demo/follow_ups.py) joined these."""
    return {
        "referrals": JobReferral.objects.count(),
        "outcomes": EmploymentOutcome.objects.count(),
        "wage_cases": WageCase.objects.count(),
    }


BEFORE_TRAINING_NOTE = "培训前的推荐（演示：不计入至少3次）"


def _referral_before_training(clerks: dict) -> None:
    """A referral dated years before the person's first brand batch (2019): recorded, but not counted
    toward the three, and the person's page says 不计入."""
    if JobReferral.objects.filter(note=BEFORE_TRAINING_NOTE).exists():
        return
    enrolment = (
        Enrolment.objects.filter(completed=True, batch__area__code="450702")
        .select_related("trainee", "batch")
        .order_by("batch__start_date", "id")
        .first()
    )
    if enrolment is None:
        return
    first_start = enrolment.trainee.enrolments.order_by("batch__start_date").values_list(
        "batch__start_date", flat=True
    )[0]
    referral_create(
        user=clerks.get("450702"),
        trainee=enrolment.trainee,
        employer_name=EMPLOYERS[0],
        position=POSITIONS["housekeeping"][1],
        referred_on=min(datetime.date(2019, 5, 20), first_start - datetime.timedelta(days=30)),
        channel=JobReferral.Channel.JOB_FAIR,
        result=JobReferral.Result.DECLINED,
        note=BEFORE_TRAINING_NOTE,
    )


def _labour_export(clerks: dict) -> None:
    agency = Organisation.objects.filter(kind=Organisation.Kind.HR_AGENCY, area__code="450722").first()
    if agency is None or LabourExport.objects.exists():
        return
    people = [
        enrolment.trainee
        for enrolment in Enrolment.objects.filter(completed=True, batch__area__code="450722")
        .exclude(trainee__outcomes__isnull=False)
        .select_related("trainee")[:6]
    ]
    if people:
        labour_export_create(
            user=clerks.get("450722"),
            agency=agency,
            destination="广东省深圳市",
            employer_name="深圳某电子厂",
            departed_on=datetime.date(2025, 9, 1),
            trainees=people,
            note="粤桂劳务协作专列",
        )


def _wage_cases(clerks: dict, rng: random.Random) -> None:
    for area in Area.objects.exclude(kind=Area.Kind.CITY):
        if WageCase.objects.filter(area=area).exists():
            continue
        clerk = clerks.get(area.code)
        for number in range(rng.randint(6, 12)):
            received = datetime.date(2022, 3, 1) + datetime.timedelta(days=rng.randrange(0, 1300))
            case = wage_case_create(
                user=clerk,
                received_on=received,
                workers=rng.randint(1, 40),
                amount_owed=Decimal(rng.randrange(3000, 600000)),
                employer_name=f"{area.short_name}某建筑劳务有限公司{number + 1}",
            )
            # Nearly all closed, a few still open: the closure rate sits around the 98% line.
            if number or area.code in ("450702", "450721"):
                closed = min(received + datetime.timedelta(days=rng.randint(10, 90)), timezone.localdate())
                wage_case_progress(
                    case=case, user=clerk, status="closed", closed_on=closed, resolution="已督促足额支付"
                )
            else:
                wage_case_progress(case=case, user=clerk, status="investigating")
