"""The path of a class plan (开班申请), as one table: (state, action) -> (roles, next state).

The services enforce it (`step_check`); the pages read it (`actions_for`) to offer only the buttons the user
may press. The county clerk files and submits; the county reviewer of the same area approves or returns; a
returned plan is corrected and submitted again. The city administrator may act for a county."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from accounts.scoping import require_area, scope_for

from .models import ClassPlan

Status = ClassPlan.Status


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    done: str


ACTIONS = {
    action.name: action
    for action in (
        Action("submit", "提交审批", "已提交，等待县区审核员审批。"),
        Action("approve", "批准开班", "已批准开班：可以上传花名册、开班和登记考勤。"),
        Action("return", "退回修改", "已退回经办员修改。"),
    )
}
CLERKS = frozenset({Role.COUNTY_CLERK, Role.CITY_CLERK, Role.CITY_ADMIN})
REVIEWERS = frozenset({Role.COUNTY_REVIEWER, Role.CITY_ADMIN})

TRANSITIONS = {
    (Status.DRAFT, "submit"): (CLERKS, Status.SUBMITTED),
    (Status.RETURNED, "submit"): (CLERKS, Status.SUBMITTED),
    (Status.SUBMITTED, "approve"): (REVIEWERS, Status.APPROVED),
    (Status.SUBMITTED, "return"): (REVIEWERS, Status.RETURNED),
}
# The plan's content (modules, teachers, sessions, venue) is edited by the clerk while it is with them, and
# after approval (each change then recorded); not while the reviewer is looking at it.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.APPROVED})


def step_check(plan: ClassPlan, *, user, action: str) -> Status:
    """The next state, or the refusal in the user's words."""
    require_area(user, plan.batch.area, action="办理开班审批")
    step = TRANSITIONS.get((plan.status, action))
    if step is None:
        raise ValidationError(f"开班申请当前为“{plan.get_status_display()}”，不能{ACTIONS[action].label}。")
    roles, target = step
    if scope_for(user).role not in roles and not user.is_superuser:
        raise PermissionDenied(f"您的角色不能{ACTIONS[action].label}。")
    if action in ("approve", "return") and plan.submitted_by_id == user.pk:
        raise PermissionDenied("不能审批自己提交的开班申请。")
    return target


def actions_for(plan: ClassPlan, user) -> list[Action]:
    """The actions the user may take on the plan now (the page's buttons)."""
    role = scope_for(user).role
    return [
        ACTIONS[action]
        for (state, action), (roles, _target) in TRANSITIONS.items()
        if state == plan.status
        and (role in roles or user.is_superuser)
        and not (action in ("approve", "return") and plan.submitted_by_id == user.pk)
    ]


def may_edit(plan: ClassPlan, user) -> bool:
    return plan.status in EDITABLE and (scope_for(user).role in CLERKS or user.is_superuser)
