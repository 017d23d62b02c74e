"""The forms of the plans pages: they parse input; the rules are the services' (plans/services.py)."""

from django import forms
from django.utils import timezone

from brands.models import BrandLine
from core.forms import FREE_TEXT_MAX_LENGTH, add_bootstrap_classes


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self.fields.values())


class PlanCreateForm(_Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class PlanLinesForm(_Form):
    """A trainings and a jobs field per brand line of the plan (`lines`)."""

    note = forms.CharField(
        label="说明", required=False, max_length=FREE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            for name, label in (("trainings", "计划培训人次"), ("jobs", "计划带动就业创业人次")):
                field = forms.IntegerField(label=f"{line.brand.name}{label}", min_value=0, max_value=1_000_000)
                field.initial = getattr(line, name)
                field.widget.attrs["class"] = "form-control text-end"
                self.fields[f"{name}_{line.brand_id}"] = field

    def rows(self):
        return [(line, self[f"trainings_{line.brand_id}"], self[f"jobs_{line.brand_id}"]) for line in self.lines]

    def cleaned_lines(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {
            line.brand_id: (data[f"trainings_{line.brand_id}"], data[f"jobs_{line.brand_id}"]) for line in self.lines
        }


class KeyProjectForm(_Form):
    name = forms.CharField(label="项目名称", max_length=100)
    brand = forms.ModelChoiceField(label="劳务品牌", queryset=BrandLine.objects.all(), empty_label="请选择")
    responsible_unit = forms.CharField(label="责任单位", max_length=100)
    planned_investment = forms.DecimalField(label="计划投资（万元）", min_value=0, max_digits=12, decimal_places=2)


class MilestoneForm(_Form):
    title = forms.CharField(label="节点", max_length=100)
    due_date = forms.DateField(label="计划完成日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class MilestoneProgressForm(_Form):
    progress = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    done_on = forms.DateField(
        label="实际完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label="进展说明", required=False, max_length=200)


class ReportOpenForm(_Form):
    month = forms.DateField(label="月份", input_formats=["%Y-%m", "%Y-%m-%d"])


class YearlyReportOpenForm(_Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, error_messages={"invalid": "请填写年度，例如 2025。"}
    )


class ReportNoteForm(_Form):
    note = forms.CharField(
        label="情况说明", required=False, max_length=FREE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(_Form):
    reason = forms.CharField(label="原因", required=False, max_length=300)
