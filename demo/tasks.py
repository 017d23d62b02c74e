"""Demo reports on the plan's tasks (任务分工), for `load_demo`: the department reporters of demo/accounts.py
report on the current period's tasks (copied forward from 十四五 when 十五五 was created) in every state —
按进度, 滞后, 已完成 — and leave other quarters unreported, so the city's board shows overdue ones.
Idempotent: a quarter already reported is left alone; everything goes through the service."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from brands.selectors import default_period
from plantasks import services
from plantasks.models import PlanTask, TaskReport
from plantasks.quarters import reportable_quarters

from .accounts import DEPARTMENT_LOGINS

# username → [(task section, assessment, words)]; each is reported for every reportable quarter but the
# oldest (left overdue), except where noted by the task's own list being reported in full.
REPORTS = {
    "dept_fgw": [
        (
            "二（一）",
            TaskReport.Assessment.ON_TRACK,
            "将家政服务业纳入服务业发展规划，支持员工制家政企业申报服务业发展专项资金。",
        ),
        ("三（二）2", TaskReport.Assessment.BEHIND, "零工市场选址尚未确定，拟下季度完成方案报批。"),
    ],
    "dept_jyj": [
        (
            "三（一）2",
            TaskReport.Assessment.ON_TRACK,
            "组织 3 所职业院校与家政、建工企业签订校企合作协议，开设订单班。",
        ),
        (
            "三（二）1",
            TaskReport.Assessment.DONE,
            "面向应届毕业生举办劳务品牌专场招聘会 2 场，推荐岗位信息已全部推送。",
        ),
    ],
    "dept_swj": [
        ("二（三）", TaskReport.Assessment.ON_TRACK, "组织米粉企业参加东盟博览会，推介钦州猪脚粉、灵山刮粉品牌。"),
    ],
    # dept_zgh reports nothing: its quarters show as overdue on the board.
}


def load() -> dict[str, int]:
    period = default_period()
    if period is None:
        return {"task_reports": 0}
    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEPARTMENT_LOGINS)}
    tasks = {t.section: t for t in PlanTask.objects.filter(period=period).select_related("period")}
    written = 0
    for username, entries in REPORTS.items():
        user = users.get(username)
        if user is None:
            continue
        for section, assessment, text in entries:
            task = tasks.get(section)
            if task is None:
                continue
            quarters = reportable_quarters(task, today=today)
            for year, quarter in quarters[1:] or quarters:
                exists = TaskReport.objects.filter(
                    task=task, department__code=DEPARTMENT_LOGINS[username], year=year, quarter=quarter
                ).exists()
                if not exists:
                    services.task_report_submit(
                        user=user, task=task, year=year, quarter=quarter, text=text, assessment=assessment
                    )
                    written += 1
    return {"task_reports": TaskReport.objects.filter(task__period=period).count(), "task_reports_written": written}
