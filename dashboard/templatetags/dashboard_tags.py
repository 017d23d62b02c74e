"""Presentation of the progress figures: percentages of numbers the selector gives, never new counts."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()

NO_VALUE = "—"


def _ratio(value, total) -> float | None:
    if value is None or not total:
        return None
    return value / total


@register.filter
def percent_of(value, total, digits=1) -> str:
    """`value` as a percentage of `total` ("12.5%"), or "—" when there is nothing to compare with."""
    return as_percent(_ratio(value, total), digits)


@register.filter
def as_percent(rate, digits=1) -> str:
    """A rate the selector gives as a fraction (0.9412) shown as "94.1%"; "—" for None."""
    return NO_VALUE if rate is None else f"{rate * 100:.{int(digits)}f}%"


@register.filter
def bar_width(value, total) -> str:
    """A CSS width in percent for a progress bar, kept between 0 and 100 (dot decimal whatever the locale)."""
    ratio = _ratio(value, total)
    if ratio is None:
        return "0"
    return f"{min(max(ratio, 0.0), 1.0) * 100:.2f}"


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def drill_url(context, metric: str, area: str = "", brand: str = "", year=None) -> str:
    """The drill-down page listing the records behind one figure (any subset of area, brand, year); a
    cumulative figure (no year) of the page's plan period (`period` in the context) lists that period's years."""
    period = context.get("period")
    params = {
        "metric": metric,
        "area": area,
        "brand": brand,
        "year": year,
        "period": getattr(period, "code", "") if not year else "",
    }
    return f"{reverse('dashboard:drill')}?{urlencode({name: value for name, value in params.items() if value})}"


@register.filter
def num(value) -> str:
    """A count or amount with thousands separators ("12,000", as in the xlsx and `progress_report`); "—" for None.

    (The zh-hans locale groups no digits, so `intcomma` would print "12000".)"""
    if value is None or value == "":
        return NO_VALUE
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
