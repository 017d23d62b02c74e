from django import forms

from brands.models import BrandLine, Department, PlanPeriod
from core.forms import FREE_TEXT_MAX_LENGTH, add_bootstrap_classes

from .models import Metric, TaskReport
from .services import SORT_ORDER_MAX, TASK_FIELDS, task_fields


class TaskReportForm(forms.Form):
    quarter = forms.ChoiceField(label="季度")
    assessment = forms.ChoiceField(label="自评状态", choices=TaskReport.Assessment.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="进展情况",
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
    attachment = forms.FileField(label="附件（可选）", required=False)

    def __init__(self, *args, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(f"{y}-{q}", f"{y}年第{q}季度") for y, q in reversed(quarters)]
        add_bootstrap_classes([self.fields["quarter"], self.fields["attachment"]])

    def clean_quarter(self):
        year, quarter = self.cleaned_data["quarter"].split("-")
        return int(year), int(quarter)


class PlanTaskForm(forms.Form):
    """The city administrator's task of a period (services.task_create / task_update check and write it)."""

    period = forms.ModelChoiceField(label="规划期", queryset=PlanPeriod.objects.none(), empty_label=None)
    section = forms.CharField(
        label="条目", max_length=30, help_text="方案中的序号，例如 三（一）1；同一规划期内不能重复。"
    )
    title = forms.CharField(label="任务", max_length=100)
    wording = forms.CharField(
        label="方案原文", max_length=FREE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    brand = forms.ModelChoiceField(
        label="劳务品牌", queryset=BrandLine.objects.none(), required=False, empty_label="不属于某个品牌"
    )
    lead = forms.ModelChoiceField(label="牵头单位", queryset=Department.objects.none(), empty_label="请选择")
    departments = forms.ModelMultipleChoiceField(
        label="责任单位",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="牵头单位总是责任单位之一：未勾选时保存后自动加入。",
    )
    due = forms.CharField(label="完成时限", max_length=30, help_text="到2025年、持续推进，或一个日期。")
    metrics = forms.MultipleChoiceField(
        label="关联指标", choices=Metric.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reporting_from = forms.DateField(
        label="季度报告起始日",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="从这一天所在季度起，每个季度结束后各责任单位须报告进展；须在规划期的年度内。",
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=SORT_ORDER_MAX, initial=0)

    def __init__(self, *args, periods, brands, departments, task=None, **kwargs):
        if task is not None:
            kwargs.setdefault("initial", {**task_fields(task), "period": task.period})
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["brand"].queryset = brands
        self.fields["lead"].queryset = departments
        self.fields["departments"].queryset = departments
        if task is not None:  # a task stays in its period
            del self.fields["period"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-check-input")
        add_bootstrap_classes(self.fields.values())

    def service_values(self) -> dict:
        """The cleaned fields as task_create / task_update take them (the period only when adding)."""
        return {name: self.cleaned_data[name] for name in (*TASK_FIELDS, "period") if name in self.fields}
