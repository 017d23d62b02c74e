"""The life of a vacancy, as one table: (state, action) -> next state. The service enforces it
(`vacancy_services.vacancy_act`); the vacancy page reads it (`actions_from`) to offer only its buttons.
Who may act is the area rule: only the county that registered the vacancy (or a city-wide role)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .vacancy_models import Vacancy

Status = Vacancy.Status


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the button
    done: str  # the message once done


ACTIONS = {
    action.name: action
    for action in (
        Action("fill", "标记已招满", "岗位已标记为已招满，不再参与匹配。"),
        Action("close", "关闭岗位", "岗位已关闭，不再参与匹配。"),
        Action("reopen", "重新开放", "岗位已重新开放招聘。"),
    )
}

TRANSITIONS = {
    (Status.OPEN, "fill"): Status.FILLED,
    (Status.OPEN, "close"): Status.CLOSED,
    (Status.FILLED, "reopen"): Status.OPEN,
    (Status.CLOSED, "reopen"): Status.OPEN,
}


def next_state(vacancy: Vacancy, action: str) -> str:
    state = TRANSITIONS.get((vacancy.status, action))
    if state is None:
        label = ACTIONS[action].label if action in ACTIONS else action
        raise ValidationError(f"岗位当前为“{vacancy.get_status_display()}”，不能{label}。")
    return state


def actions_from(vacancy: Vacancy) -> list[Action]:
    return [ACTIONS[action] for (state, action) in TRANSITIONS if state == vacancy.status]
