from django import forms

from core.forms import FREE_TEXT_MAX_LENGTH

from .models import TaskReport


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
        self.fields["quarter"].widget.attrs["class"] = "form-select"
        self.fields["attachment"].widget.attrs["class"] = "form-control"

    def clean_quarter(self):
        year, quarter = self.cleaned_data["quarter"].split("-")
        return int(year), int(quarter)
