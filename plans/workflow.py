"""The path of an annual plan and of a monthly report, as one table: (kind, state, action) -> (roles, next
state), on the pattern of subsidies/workflow.py. The services enforce it (`step_check`); the pages read it
(`actions_for`, `may`) to offer only the buttons the user may press, under the table's own words.

- Annual plan (年度计划): the county clerk drafts it (brand lines, key projects, milestones), the county
  reviewer submits it, the city administrator accepts it (its lines become that year's area targets) or
  returns it; the county updates milestone progress whatever the plan's state.
- Monthly report (月报): the county clerk or reviewer writes the note, the county reviewer submits it (the
  figures are computed and kept as submitted), the city administrator accepts it (the month is locked) or
  returns it, and may reopen an accepted month with a reason (the month is unlocked, the report goes back
  to the county to submit again)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from accounts.scoping import require_area, scope_for

from .models import AnnualPlan, MonthlyReport, Status

PLAN, REPORT, YEAR_REPORT = "plan", "report", "year_report"


@dataclass(frozen=True)
class Action:
    name: str
    verb: str  # "不能{verb}" when the state does not allow it
    label: str  # the button
    done: str = ""
    style: str = "primary"
    needs_reason: bool = False
    moves: bool = True  # a button of the path; False: an edit on the page's own forms


ACTIONS = {
    action.name: action
    for action in (
        Action("update", "修改", "修改", "已保存。", moves=False),
        Action("progress", "更新节点进度", "更新进度", "节点进度已更新。", moves=False),
        Action("submit", "报送", "报送市人社局", "已报送，等待市人社局审核。"),
        Action("accept", "审核通过", "审核通过", "已审核通过。", style="success"),
        Action("return", "退回修改", "退回修改", "已退回县区修改。", style="outline-danger", needs_reason=True),
        Action(
            "reopen",
            "重新开放",
            "重新开放该月",
            "已重新开放该月，县区可更正后重新报送。",
            style="outline-danger",
            needs_reason=True,
        ),
    )
}


@dataclass(frozen=True)
class Step:
    roles: frozenset
    to: str | None  # None: the state stays
    refused: str


_CLERK = frozenset({Role.COUNTY_CLERK})
_REVIEWER = frozenset({Role.COUNTY_REVIEWER})
_COUNTY = _CLERK | _REVIEWER
_CITY_ADMIN = frozenset({Role.CITY_ADMIN})
_EDITABLE = (Status.DRAFT, Status.RETURNED)


def _path(kind: str, name: str) -> dict:
    """The path every plan and report takes: the county reviewer submits it (draft or returned), the city
    administrator accepts or returns it; `name` is the thing's name in the refusals."""
    return {
        **{
            (kind, state, "submit"): Step(_REVIEWER, Status.SUBMITTED, f"只有本县区审核员可以报送{name}。")
            for state in _EDITABLE
        },
        (kind, Status.SUBMITTED, "accept"): Step(_CITY_ADMIN, Status.ACCEPTED, f"只有市人社局管理员可以审核{name}。"),
        (kind, Status.SUBMITTED, "return"): Step(_CITY_ADMIN, Status.RETURNED, f"只有市人社局管理员可以退回{name}。"),
    }


TABLE: dict[tuple[str, str, str], Step] = {
    **{(PLAN, state, "update"): Step(_CLERK, None, "只有本县区经办员可以编制年度计划。") for state in _EDITABLE},
    **_path(PLAN, "年度计划"),
    **{
        (PLAN, state, "progress"): Step(_COUNTY, None, "只有本县区经办员或审核员可以更新节点进度。")
        for state in Status.values
    },
    # The yearly report (年报) goes the monthly report's path with the year's figures; it locks nothing, so
    # there is nothing to reopen.
    **{
        (kind, state, "update"): Step(_COUNTY, None, f"只有本县区经办员或审核员可以填写{name}说明。")
        for kind, name in ((REPORT, "月报"), (YEAR_REPORT, "年报"))
        for state in _EDITABLE
    },
    **_path(REPORT, "月报"),
    **_path(YEAR_REPORT, "年报"),
    (REPORT, Status.ACCEPTED, "reopen"): Step(
        _CITY_ADMIN, Status.RETURNED, "只有市人社局管理员可以重新开放已锁定的月份。"
    ),
}


def kind_of(item) -> str:
    if isinstance(item, AnnualPlan):
        return PLAN
    if isinstance(item, MonthlyReport):
        return YEAR_REPORT if item.is_yearly else REPORT
    raise TypeError(item)


def step_check(item, *, action: str, user) -> Step:
    """The step `user` takes by `action` on a plan or report now, or the refusal: ValidationError when its
    state does not allow it, PermissionDenied when the user may not (OutOfScope for another area)."""
    step = TABLE.get((kind_of(item), item.status, action))
    if step is None:
        raise ValidationError(f"当前状态为“{item.get_status_display()}”，不能{ACTIONS[action].verb}。")
    if scope_for(user).role not in step.roles:
        raise PermissionDenied(step.refused)
    require_area(user, item.area, action="办理年度计划和月报")
    return step


def may(item, user, action: str) -> bool:
    try:
        step_check(item, action=action, user=user)
    except (ValidationError, PermissionDenied):
        return False
    return True


def actions_for(item, user) -> list[Action]:
    """The buttons of the path the user may press on the plan or report now, in the table's order."""
    return [action for name, action in ACTIONS.items() if action.moves and may(item, user, name)]


def roles_taking(kind: str, action: str) -> frozenset:
    """Every role that takes `action` on `kind` somewhere in the table (who may start a new one)."""
    return frozenset().union(*(step.roles for (k, _, name), step in TABLE.items() if k == kind and name == action))
