"""Demo class approval and attendance (idempotent), for `load_demo`: approved classes with their teaching plan,
schedule and attendance, and one plan waiting for the reviewer.

The batches come from demo/training.py (recorded after they ended, so approved with the historic note); their
schedule is written as the bureau's paper file had it, and attendance goes through the page's service."""

import datetime
from decimal import Decimal

from training import class_services
from training.models import ClassModule, ClassPlan, ClassSession, ClassTeacher, TrainingBatch

# (area code, occupation): the demo batches given a full class file.
FILED = [("450702", "母婴护理员"), ("450721", "灵山刮粉制作工"), ("450722", "编织工")]
MODULES = [("职业道德与安全知识", Decimal(8), Decimal(0)), ("专业技能实操", Decimal(8), Decimal(40))]
TEACHERS = [("韦丽萍", "高级技师 证书编号 GX2019-0312"), ("黄建国", "技师 证书编号 GX2020-1105")]
# A session every weekday of the batch's first two weeks, mornings and afternoons.
TIMES = [(datetime.time(8, 30), datetime.time(11, 30)), (datetime.time(14, 30), datetime.time(17, 30))]
WAITING = ("450702", "钦州猪脚粉制作工")


def load(*, clerks: dict, reviewers: dict) -> dict[str, int]:
    filed = 0
    for area_code, occupation in FILED:
        batch = (
            TrainingBatch.objects.filter(area__code=area_code, occupation__name=occupation, class_plan__isnull=False)
            .order_by("start_date")
            .first()
        )
        if batch is not None and not batch.class_plan.sessions.exists():
            _file(batch, clerks.get(area_code))
            filed += 1
    _waiting(clerks.get(WAITING[0]))
    return {"filed": filed, "sessions": ClassSession.objects.count()}


def _file(batch: TrainingBatch, clerk) -> None:
    plan = batch.class_plan
    plan.venue = plan.venue or f"{batch.provider or batch.area}实训室"
    plan.planned_size = plan.planned_size or batch.enrolments.count()
    plan.save(update_fields=["venue", "planned_size"])
    modules = [ClassModule.objects.create(plan=plan, name=n, theory_hours=t, practice_hours=p) for n, t, p in MODULES]
    teachers = [ClassTeacher.objects.create(plan=plan, name=n, qualification=q) for n, q in TEACHERS]
    day, sessions = batch.start_date, []
    while day <= batch.end_date and len(sessions) < 16:
        if day.weekday() < 5:
            for number, (start, end) in enumerate(TIMES):
                sessions.append(
                    ClassSession(
                        plan=plan,
                        date=day,
                        start_time=start,
                        end_time=end,
                        hours=Decimal(3),
                        module=modules[number],
                        teacher=teachers[number],
                    )
                )
        day += datetime.timedelta(days=1)
    ClassSession.objects.bulk_create(sessions)
    people = list(batch.enrolments.order_by("id").values_list("pk", flat=True))
    for number, session in enumerate(ClassSession.objects.filter(plan=plan)):
        # Nearly everyone comes; one in seven misses one session in five.
        present = {pk for index, pk in enumerate(people) if not (index % 7 == 3 and number % 5 == 0)}
        class_services.attendance_mark(session=session, user=clerk, present_ids=present, shown_ids=set(people))


def _waiting(clerk) -> None:
    """The coming batch's plan, filed and submitted by the clerk: the reviewer's queue has one to approve."""
    batch = TrainingBatch.objects.filter(area__code=WAITING[0], occupation__name=WAITING[1]).first()
    if batch is None or clerk is None or ClassPlan.objects.filter(batch=batch).exists():
        return
    if batch.status != TrainingBatch.Status.PLANNED:
        return
    plan = class_services.class_plan_open(batch=batch, user=clerk)
    class_services.class_plan_update(plan=plan, user=clerk, venue="钦南区众创职业培训学校 米粉实训室", planned_size=30)
    module = class_services.class_module_add(
        plan=plan, user=clerk, name="钦州猪脚粉制作工艺", theory_hours=Decimal(12), practice_hours=Decimal(36)
    )
    teacher = class_services.class_teacher_add(
        plan=plan, user=clerk, name="梁志强", qualification="中式面点师 二级/技师"
    )
    for offset in range(3):
        class_services.class_session_save(
            plan=plan,
            user=clerk,
            date=batch.start_date + datetime.timedelta(days=offset),
            start_time=datetime.time(8, 30),
            end_time=datetime.time(12, 30),
            module=module,
            teacher=teacher,
        )
    class_services.class_plan_act(plan=plan, user=clerk, action="submit")
