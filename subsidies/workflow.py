"""The path of a subsidy application, as one table: (level, state, action) -> (roles, next state).

The services enforce it (`step_check`); the pages, the bulk pages, the API and the templates read it
(`actions_for`, `may`, `actionable`) to offer only what the user may do, under
the table's own words. Nowhere else says who may do what.

Two levels, by the application's area:
- a county's application (钦南区 … 自贸区钦州港片区): its county clerk submits, its county reviewer reviews,
  the city administrator approves and records the payment;
- a city-level application (the city's own area 钦州市, e.g. a 市级龙头企业's award): the city clerk submits,
  the city administrator approves it as submitted (no county reviewer owns the city area) and records the
  payment.
Whoever holds an application at a step may reject it (驳回) or return it for correction (退回修改); the
clerk corrects a draft or a returned application and resubmits it, or gives it up: voids a draft
(作废) or withdraws a returned application (撤回), which ends it as a rejection does. Evidence is added
while the application is with the county or waits for its first check, and removed only while its clerk
holds it. An actor acts only on applications of their area (accounts.scoping.require_area), and nobody
reviews or approves what they created, submitted or reviewed."""

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from accounts.roles import Role
from accounts.scoping import require_area, scope_for
from brands.models import Area

from .models import SubsidyApplication

Status = SubsidyApplication.Status
COUNTY, CITY = "county", "city"


@dataclass(frozen=True)
class Action:
    name: str
    verb: str  # "不能{verb}" when the state does not allow it
    label: str  # the button
    done: str = ""  # the message once done
    moves: bool = True  # a step of the path (a button of its own); False: evidence, kept on its own panel


ACTIONS = {
    action.name: action
    for action in (
        Action("update", "修改", "修改申请", "已修改。"),
        Action("submit", "提交", "提交审核", "已提交，等待县区审核员审核。"),
        Action("review", "审核", "审核通过", "已审核，报送市人社局审批。"),
        Action("approve", "审批", "审批通过", "已审批，已占用预算。"),
        Action("pay", "登记拨付", "登记拨付", "已登记拨付。"),
        Action("reject", "驳回", "驳回", "已驳回。"),
        Action("return", "退回修改", "退回修改", "已退回修改。"),
        Action("add_evidence", "上传证明材料", "上传", moves=False),
        Action("remove_evidence", "删除证明材料", "删除", moves=False),
    )
}
# The actions that move an application forward, in the order of the path (the bulk pages offer these).
FORWARD = ("submit", "review", "approve")
# The clerk giving up their own application is no rejection: the same end, under its own words.
_VOID = replace(ACTIONS["reject"], verb="作废", label="作废草稿", done="已作废。")
_WITHDRAW = replace(ACTIONS["reject"], verb="撤回", label="撤回申请", done="已撤回。")
_CITY_SUBMIT = replace(ACTIONS["submit"], done="已提交，等待市人社局管理员审批。")


@dataclass(frozen=True)
class Step:
    roles: frozenset
    to: str
    refused: str  # the message for anyone not holding one of `roles`
    not_own: tuple[str, ...] = ()  # the actor must not be any of these people
    not_own_message: str = ""
    words: Action | None = None  # this row's button and messages, when not the action's own


_COUNTY_CLERK = frozenset({Role.COUNTY_CLERK})
_CITY_CLERK = frozenset({Role.CITY_CLERK})
_REVIEWER = frozenset({Role.COUNTY_REVIEWER})
_CITY_ADMIN = frozenset({Role.CITY_ADMIN})
_NOT_OWN_REVIEW = ("created_by", "submitted_by")
_NOT_OWN_APPROVE = ("created_by", "submitted_by", "reviewed_by")
_REVIEW_OWN = "不能审核自己登记或提交的补贴申请。"
_APPROVE_OWN = "不能审批自己登记、提交或审核的补贴申请。"


def _clerk_rows(level: str, roles: frozenset, who: str) -> dict:
    update = f"只有{who}可以修改草稿；需要更正金额的，请在审核、审批时退回修改。"
    submit = _CITY_SUBMIT if level == CITY else None
    rows = {}
    for state, held, give_up in ((Status.DRAFT, "草稿", _VOID), (Status.RETURNED, "退回修改的申请", _WITHDRAW)):
        rows[level, state, "update"] = Step(roles, state, update)
        rows[level, state, "submit"] = Step(roles, Status.SUBMITTED, f"只有{who}可以提交补贴申请。", words=submit)
        rows[level, state, "reject"] = Step(roles, Status.REJECTED, f"只有{who}可以处理{held}。", words=give_up)
        rows[level, state, "remove_evidence"] = Step(roles, state, "只有本地区的经办员可以删除证明材料。")
    for state in (Status.DRAFT, Status.RETURNED, Status.SUBMITTED):
        rows[level, state, "add_evidence"] = Step(
            roles | _CITY_ADMIN, state, f"只有{who}或市人社局管理员可以上传证明材料。"
        )
    return rows


def _holder_rows(level: str, state: str, roles: frozenset, message: str) -> dict:
    return {
        (level, state, "reject"): Step(roles, Status.REJECTED, message),
        (level, state, "return"): Step(roles, Status.RETURNED, message),
    }


_ROWS: dict[tuple[str, str, str], Step] = {
    # A county's application.
    **_clerk_rows(COUNTY, _COUNTY_CLERK, "本县区经办员"),
    (COUNTY, Status.SUBMITTED, "review"): Step(
        _REVIEWER, Status.REVIEWED, "只有本县区审核员可以审核补贴申请。", _NOT_OWN_REVIEW, _REVIEW_OWN
    ),
    **_holder_rows(COUNTY, Status.SUBMITTED, _REVIEWER, "只有本县区审核员可以处理已提交的申请。"),
    (COUNTY, Status.REVIEWED, "approve"): Step(
        _CITY_ADMIN, Status.APPROVED, "只有市人社局管理员可以审批补贴申请。", _NOT_OWN_APPROVE, _APPROVE_OWN
    ),
    **_holder_rows(COUNTY, Status.REVIEWED, _CITY_ADMIN, "只有市人社局管理员可以处理已审核或已审批的申请。"),
    # A city-level application.
    **_clerk_rows(CITY, _CITY_CLERK, "市人社局经办员"),
    (CITY, Status.SUBMITTED, "approve"): Step(
        _CITY_ADMIN, Status.APPROVED, "只有市人社局管理员可以审批补贴申请。", _NOT_OWN_APPROVE, _APPROVE_OWN
    ),
    **_holder_rows(CITY, Status.SUBMITTED, _CITY_ADMIN, "只有市人社局管理员可以处理已提交的市级申请。"),
    # Both: the city administrator holds an approved application until it is paid.
    **{
        row: step
        for level in (COUNTY, CITY)
        for row, step in {
            (level, Status.APPROVED, "pay"): Step(_CITY_ADMIN, Status.PAID, "只有市人社局管理员可以登记拨付。"),
            **_holder_rows(level, Status.APPROVED, _CITY_ADMIN, "只有市人社局管理员可以处理已审核或已审批的申请。"),
        }.items()
    },
}
# Every row with its words (the action's own unless the row has others).
TABLE = {row: step if step.words else replace(step, words=ACTIONS[row[2]]) for row, step in _ROWS.items()}


def level_of(application: SubsidyApplication) -> str:
    return CITY if application.area.kind == Area.Kind.CITY else COUNTY


def _is_own(step: Step, application: SubsidyApplication, user) -> bool:
    return any(getattr(application, f"{field}_id") == user.pk for field in step.not_own)


def step_check(application: SubsidyApplication, *, action: str, user) -> Step:
    """The step `user` takes by `action` from the application's current state, or the refusal:
    a ValidationError when the state does not allow it, PermissionDenied when the user may not."""
    level, status = level_of(application), application.status
    step = TABLE.get((level, status, action))
    if step is None:
        if level == CITY and (COUNTY, status, action) in TABLE:
            raise ValidationError("市级单位的补贴申请提交后由市人社局管理员直接审批，无需县区审核。")
        raise ValidationError(f"申请当前状态为“{application.get_status_display()}”，不能{ACTIONS[action].verb}。")
    if scope_for(user).role not in step.roles:
        raise PermissionDenied(step.refused)
    require_area(user, application.area, action="办理补贴申请")
    if _is_own(step, application, user):
        raise PermissionDenied(step.not_own_message)
    return step


def may(application: SubsidyApplication, user, action: str) -> bool:
    """Whether `step_check` lets `user` take `action` now: what a page asks before it offers it."""
    try:
        step_check(application, action=action, user=user)
    except (ValidationError, PermissionDenied):
        return False
    return True


def actions_for(application: SubsidyApplication, user) -> list[Action]:
    """The steps of the path `user` may take on the application now, in the table's order, each in this
    row's words (its button label and the message once done): the buttons of the application's page."""
    return [
        TABLE[level_of(application), application.status, name].words
        for name, action in ACTIONS.items()
        if action.moves and may(application, user, name)
    ]


def words(application: SubsidyApplication, action: str) -> Action:
    """The button and messages of `action` from the application's current state (the action's own
    where the state has no such step)."""
    step = TABLE.get((level_of(application), application.status, action))
    return step.words if step is not None else ACTIONS[action]


def ending(application: SubsidyApplication, transitions) -> Action:
    """The words of the step that rejected the application: 驳回 by whoever held it, or its clerk's 作废 of a
    draft or 撤回 of a returned application (the row of the state it left, from its `transitions`)."""
    left = next((t.from_status for t in reversed(transitions) if t.to_status == Status.REJECTED), "")
    step = TABLE.get((level_of(application), left, "reject"))
    return step.words if step is not None else ACTIONS["reject"]


def actionable(user, action: str) -> Q:
    """The applications (of any scope: the selector adds the user's) on which `user` may take `action`:
    the states and levels where their role holds it, less those they may not pass as their own."""
    role = scope_for(user).role
    condition = Q(pk__in=[])
    for (level, status, name), step in TABLE.items():
        if name != action or role not in step.roles:
            continue
        here = Q(status=status) & (Q(area__kind=Area.Kind.CITY) if level == CITY else ~Q(area__kind=Area.Kind.CITY))
        for field in step.not_own:
            here &= ~Q(**{field: user.pk})
        condition |= here
    return condition


def actions_held(user) -> list[str]:
    """The actions the user's role takes somewhere in the table."""
    role = scope_for(user).role
    return [
        action
        for action in ACTIONS
        if any(name == action and role in step.roles for (_, _, name), step in TABLE.items())
    ]


def forward_actions(user) -> list[str]:
    """The forward actions the user's role takes: the bulk pages they may open."""
    held = actions_held(user)
    return [action for action in FORWARD if action in held]


def bulk_action(user, action: str) -> Action:
    """A forward action of the bulk pages and endpoint, or PermissionDenied when the user's role takes it
    nowhere (the URLs admit only FORWARD)."""
    if action not in forward_actions(user):
        raise PermissionDenied(f"您的角色不能{ACTIONS[action].verb}补贴申请。")
    return ACTIONS[action]
