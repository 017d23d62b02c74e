"""Forms of the dashboard pages: they parse the query string and the allocation grid; the counting rules
live in the selectors and the writes in `brands.services`."""

import re

from django import forms

from brands.models import Area, BrandLine, Target
from brands.selectors import PLAN_FIRST_YEAR, PLAN_LAST_YEAR
from brands.services import ALLOCATION_MAX_VALUE

# The years the dashboard can be narrowed to (as `progress_report --year` accepts them).
FILTER_FIRST_YEAR, FILTER_LAST_YEAR = 2021, 2030
# A drill-down may ask for any year a figure was counted in, including before or after the plan.
DRILL_FIRST_YEAR, DRILL_LAST_YEAR = 2000, 2099
METRIC_CHOICES = [
    (Target.Metric.TRAININGS.value, Target.Metric.TRAININGS.label),
    (Target.Metric.JOBS.value, Target.Metric.JOBS.label),
]


def _year_field(first: int, last: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label="年度",
        min_value=first,
        max_value=last,
        error_messages={
            "invalid": f"年度无效：请填写 {first} 至 {last} 之间的四位数字年份。",
            "min_value": f"年度超出范围：请填写 {first} 至 {last} 之间的年份。",
            "max_value": f"年度超出范围：请填写 {first} 至 {last} 之间的年份。",
        },
        **kwargs,
    )


class DashboardFilterForm(forms.Form):
    """?year=YYYY narrows the dashboard to one year; anything else shows the whole plan period."""

    year = forms.TypedChoiceField(
        label="年度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全部年度累计")] + [(y, f"{y} 年") for y in range(FILTER_FIRST_YEAR, FILTER_LAST_YEAR + 1)],
        error_messages={
            "invalid_choice": f"年度“%(value)s”无效：请选择 {FILTER_FIRST_YEAR} 至 {FILTER_LAST_YEAR} 年之间的年份。"
            "下面显示的是全部年度的累计进度。"
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        """`years`: offer only these (those with data or targets), not every year the filter accepts."""
        super().__init__(*args, **kwargs)
        if years is not None:
            field = self.fields["year"]
            field.choices = [choice for choice in field.choices if choice[0] == "" or choice[0] in years]


class DrillForm(forms.Form):
    """The figure a drill-down lists: a metric and any subset of area, brand line and year."""

    metric = forms.ChoiceField(
        choices=METRIC_CHOICES,
        error_messages={
            "required": "未知的指标：请从进度看板上的数字进入。",
            "invalid_choice": "未知的指标“%(value)s”：只能查看培训人次或带动就业创业人次。",
        },
    )
    area = forms.CharField(required=False, max_length=12)
    brand = forms.CharField(required=False, max_length=32)
    year = _year_field(DRILL_FIRST_YEAR, DRILL_LAST_YEAR, required=False)

    def __init__(self, *args, areas: list[Area], brands: list[BrandLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {area.code: area for area in areas}
        self.brands = {brand.code: brand for brand in brands}

    def _known(self, name: str, known: dict, message: str):
        code = self.cleaned_data[name].strip()
        if code and code not in known:
            raise forms.ValidationError(message % code)
        return known[code] if code else None

    def clean_area(self) -> Area | None:
        return self._known("area", self.areas, "未知的地区代码“%s”。")

    def clean_brand(self) -> BrandLine | None:
        return self._known("brand", self.brands, "未知的劳务品牌“%s”。")


class TargetChoiceForm(forms.Form):
    """Which grid the allocation page edits: a metric and a year of the plan."""

    metric = forms.ChoiceField(
        label="指标",
        choices=METRIC_CHOICES,
        initial=Target.Metric.TRAININGS.value,
        error_messages={"invalid_choice": "未知的指标：只能分配培训人次或带动就业创业人次。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=[(y, f"{y} 年") for y in range(PLAN_FIRST_YEAR, PLAN_LAST_YEAR + 1)],
        initial=PLAN_FIRST_YEAR,
        error_messages={
            "invalid_choice": f"年度无效：只能分配 {PLAN_FIRST_YEAR} 至 {PLAN_LAST_YEAR} 年的目标。",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )


# 1000, 1,000 or 1，000 (the full-width comma a Chinese keyboard types); full-width digits too (\\d).
GROUPED_NUMBER = re.compile(r"\s*\d{1,3}(?:[,，]\d{3})+\s*")


class TargetField(forms.IntegerField):
    """A target as people write numbers: thousands separators (ASCII or full-width comma) accepted."""

    def to_python(self, value):
        if isinstance(value, str) and GROUPED_NUMBER.fullmatch(value):
            value = value.replace(",", "").replace("，", "")
        return super().to_python(value)


class TargetGridForm(forms.Form):
    """One integer input per county-level area × brand line; blank means no target for that cell."""

    def __init__(self, *args, areas: list[Area], brands: list[BrandLine], initial_values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas, self.brands = areas, brands
        for area in areas:
            for brand in brands:
                name = self.field_name(area, brand)
                self.fields[name] = TargetField(
                    label=f"{area} · {brand}",
                    required=False,
                    min_value=0,
                    max_value=ALLOCATION_MAX_VALUE,
                    initial=initial_values.get((area.pk, brand.pk)),
                    error_messages={
                        "invalid": "请填写整数（人次），不填表示不设目标。",
                        "min_value": "目标不能为负数。",
                        "max_value": f"目标不能超过 {ALLOCATION_MAX_VALUE:,}。",
                    },
                    # A text input, so that what was typed comes back as typed (with the message under it)
                    # rather than being blanked by the browser's own number parsing.
                    widget=forms.TextInput(
                        attrs={
                            "class": "form-control form-control-sm text-end target-cell",
                            "inputmode": "numeric",
                            "autocomplete": "off",
                            "data-area": area.code,
                            "data-brand": brand.code,
                            "aria-label": f"{area} {brand}",
                        }
                    ),
                )

    @staticmethod
    def field_name(area: Area, brand: BrandLine) -> str:
        return f"cell_{area.code}_{brand.code}"

    def rows(self) -> list[dict]:
        """The grid for the template: one row per area, its cells as bound fields in brand order."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
        return [
            {"area": area, "cells": [self[self.field_name(area, brand)] for brand in self.brands]}
            for area in self.areas
        ]

    def values(self) -> dict:
        """{(area, brand): value or None}, for `targets_allocate`; only after `is_valid()`."""
        return {
            (area, brand): self.cleaned_data.get(self.field_name(area, brand))
            for area in self.areas
            for brand in self.brands
        }
