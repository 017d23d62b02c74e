"""Forms of the dashboard pages: they parse the query string and the allocation grid; the counting rules
live in the selectors and the writes in `brands.services`."""

import re

from django import forms

from brands.models import Area, BrandLine, PlanPeriod, Target
from brands.selectors import default_period, occupation_list, period_by_code, period_list
from brands.services import ALLOCATION_MAX_VALUE, PERIOD_TARGET_MAX_VALUE

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


class PeriodField(forms.CharField):
    """?period=CODE: a plan period by its code; blank is the default period (containing today, else the
    last closed one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "规划期")
        super().__init__(**kwargs)

    def clean(self, value) -> PlanPeriod | None:
        code = (super().clean(value) or "").strip()
        if not code:
            return default_period()
        period = period_by_code(code)
        if period is None:
            known = "、".join(p.code for p in period_list()) or "（尚无规划期）"
            raise forms.ValidationError(f"未知的规划期“{code}”：可选 {known}。")
        return period


class DashboardFilterForm(forms.Form):
    """?year=YYYY narrows the dashboard to one year; anything else shows the whole plan period.
    ?period=CODE chooses the period whose years the cumulative figures count."""

    period = PeriodField(widget=forms.Select(attrs={"class": "form-select w-auto"}))

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
        self.fields["period"].widget.choices = [
            (p.code, f"{p.name} {p.year_from}–{p.year_to}{'（已结束）' if p.is_closed else ''}") for p in period_list()
        ]
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
    period = PeriodField()

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
        error_messages={
            "invalid_choice": "年度无效：只能分配规划期内各年度的目标（见“规划期”页面）。",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years of every open period (a closed period's targets are part of its closing report).
        self.fields["year"].choices = [
            (y, f"{y} 年（{p.name}）") for p in period_list() if not p.is_closed for y in p.years
        ]

    @staticmethod
    def default_year() -> int | None:
        """The first year the page opens on: the first open year of the default period, else of any open one."""
        period = default_period()
        open_periods = [p for p in period_list() if not p.is_closed]
        if period is not None and not period.is_closed:
            return period.year_from
        return open_periods[0].year_from if open_periods else None


class PeriodTargetsForm(forms.Form):
    """The city's whole-period targets of a plan period: trainings and jobs, all brands and per brand line."""

    def __init__(self, *args, brands: list[BrandLine], initial_values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.brands = brands
        self.keys = {}
        for metric, label in METRIC_CHOICES:
            for brand in [None, *brands]:
                name = f"{metric}_{brand.code if brand else 'all'}"
                self.keys[name] = (metric, brand)
                self.fields[name] = TargetField(
                    label=f"{brand or '全部品牌'} · {label}",
                    max_value=PERIOD_TARGET_MAX_VALUE,
                    initial=initial_values.get((metric, brand.pk if brand else None)),
                    widget=forms.TextInput(
                        attrs={"class": "form-control form-control-sm text-end", "inputmode": "numeric"}
                    ),
                )

    def values(self) -> dict:
        return {key: self.cleaned_data.get(name) for name, key in self.keys.items()}


class PeriodCreateForm(forms.Form):
    code = forms.SlugField(
        label="代码",
        max_length=20,
        help_text="例如 2026-2030（字母、数字、连字符）。",
        error_messages={"invalid": "代码只能包含字母、数字、连字符和下划线，例如 2026-2030。"},
    )
    name = forms.CharField(label="名称", max_length=30, help_text="例如 十五五。")
    year_from = _year_field(DRILL_FIRST_YEAR, DRILL_LAST_YEAR)
    year_to = _year_field(DRILL_FIRST_YEAR, DRILL_LAST_YEAR)
    document_title = forms.CharField(label="规划文件标题", max_length=200, required=False)
    document_number = forms.CharField(label="文号", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_from"].label = "起始年度"
        self.fields["year_to"].label = "截止年度"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
            self.add_error("year_to", "截止年度不能早于起始年度。")
        return data


class PeriodAttendanceForm(forms.Form):
    """The period's minimum attendance rate for completion; blank means not set (no default is invented)."""

    min_attendance_rate = forms.IntegerField(
        label="结业最低出勤率（%）",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": "请填写 1 到 100 之间的整数。",
            "min_value": "出勤率须在 1%% 到 100%% 之间。",
            "max_value": "出勤率须在 1%% 到 100%% 之间。",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_attendance_rate"].widget.attrs.update({"class": "form-control", "style": "max-width: 8rem"})


class PeriodLinesForm(forms.Form):
    """The brand lines and occupations a period runs."""

    brand_lines = forms.ModelMultipleChoiceField(
        label="劳务品牌", queryset=BrandLine.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    occupations = forms.ModelMultipleChoiceField(
        label="职业（工种）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "未知的工种。", "invalid_pk_value": "未知的工种。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupations"].queryset = occupation_list()


# 1000, 1,000 or 1，000 (the full-width comma a Chinese keyboard types); full-width digits too (\\d).
GROUPED_NUMBER = re.compile(r"\s*\d{1,3}(?:[,，]\d{3})+\s*")


class TargetField(forms.IntegerField):
    """A target as people write numbers: thousands separators (ASCII or full-width comma) accepted; blank
    means no target."""

    def __init__(self, *, max_value: int, **kwargs):
        messages = {
            "invalid": "请填写整数（人次），不填表示不设目标。",
            "min_value": "目标不能为负数。",
            "max_value": f"目标不能超过 {max_value:,}。",
        }
        super().__init__(required=False, min_value=0, max_value=max_value, error_messages=messages, **kwargs)

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
                    max_value=ALLOCATION_MAX_VALUE,
                    initial=initial_values.get((area.pk, brand.pk)),
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
