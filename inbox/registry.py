"""The inbox (待办): what needs the user today, computed from the records. Each item is a label, a count and
the link to the page where the work is done.

Items come from providers: functions `(user) -> list[Item]` registered with `@provider`. A provider asks only
its own app's selectors (which scope by the user) and counts with a query or two; items with a count of 0 are
left out. `inbox_items` is cached per user for INBOX_CACHE_SECONDS: the navigation badge asks on every page."""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Item:
    key: str  # stable, for the API and tests: "imports_to_commit"
    label: str  # what the user reads: "待确认导入的表格"
    count: int
    url: str  # the page where the work is done
    urgent: bool = False  # returned to the user, overdue: shown in warning colours

    def as_dict(self) -> dict:
        return asdict(self)


PROVIDERS: list[Callable] = []


def provider(function: Callable) -> Callable:
    PROVIDERS.append(function)
    return function


def _cache_key(user) -> str:
    return f"inbox:v1:{user.pk}"


def inbox_items(user, *, fresh: bool = False) -> list[Item]:
    """The user's items, in the order the providers were registered."""
    if not user.is_authenticated:
        return []
    key = _cache_key(user)
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return [Item(**item) for item in cached]
    from . import providers  # noqa: F401 (registers the providers)

    items = [item for function in PROVIDERS for item in function(user) if item.count]
    cache.set(key, [item.as_dict() for item in items], settings.INBOX_CACHE_SECONDS)
    return items


def inbox_total(items: list[Item]) -> int:
    return sum(item.count for item in items)
