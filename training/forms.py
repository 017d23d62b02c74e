"""Forms of the batch and trainee pages: they parse input; the rules live in services and the database."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.forms.models import model_to_dict

from brands.models import Occupation

from .models import Enrolment, TrainingBatch

DATE_INPUT = {"type": "date"}


class OccupationChoiceIterator(forms.models.ModelChoiceIterator):
    """Occupations in <optgroup>s by brand line; the queryset is ordered by brand already."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for occupation in self.queryset:
            groups.setdefault(str(occupation.brand), []).append(self.choice(occupation))
        yield from groups.items()


class OccupationChoiceField(forms.ModelChoiceField):
    iterator = OccupationChoiceIterator


def occupations_grouped(occupations) -> list:
    """(brand, [(pk, name), ...]) groups for a plain ChoiceField."""
    groups: dict[str, list] = {}
    for occupation in occupations:
        groups.setdefault(str(occupation.brand), []).append((str(occupation.pk), occupation.name))
    return list(groups.items())


class BatchForm(forms.Form):
    """开设 / 修改班期. The area is fixed once the batch exists (it decides who owns the records)."""

    area = forms.ModelChoiceField(label="承办地区", queryset=None, empty_label="请选择地区")
    occupation = OccupationChoiceField(
        label="职业（工种）",
        queryset=None,
        empty_label="请选择工种",
        help_text="动态培训清单中当前发布的工种，按劳务品牌分组。",
    )
    provider = forms.ModelChoiceField(
        label="培训机构",
        queryset=None,
        required=False,
        empty_label="（未指定）",
        help_text="单位名录中的单位；名录里没有的，请先在“单位名录”登记。",
    )
    name = forms.CharField(
        label="班期名称",
        max_length=100,
        required=False,
        help_text="可留空，系统按“地区 工种 开班日期”显示。",
    )
    start_date = forms.DateField(label="开班日期", widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"))
    end_date = forms.DateField(label="结业日期", widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"))
    mode = forms.ChoiceField(label="培训方式", choices=TrainingBatch.Mode.choices, initial=TrainingBatch.Mode.REGULAR)
    status = forms.ChoiceField(label="状态", choices=TrainingBatch.Status.choices, initial=TrainingBatch.Status.PLANNED)
    capacity = forms.IntegerField(label="计划人数", required=False, min_value=1, max_value=100000)

    def __init__(
        self,
        *args,
        areas: QuerySet,
        providers: QuerySet,
        today: datetime.date,
        batch: TrainingBatch | None = None,
        show_provider_area: bool = False,
        **kwargs,
    ):
        if batch is not None:
            kwargs.setdefault("initial", model_to_dict(batch, fields=list(self.base_fields)))
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        area_field.queryset = areas
        if batch is not None:
            area_field.disabled = True
            area_field.help_text = "班期开设后不能更改承办地区。"
        elif len(areas) == 1:
            # A county clerk has one area: preselect it rather than ask.
            area_field.empty_label = None
            self.initial.setdefault("area", areas[0].pk)

        occupations = Occupation.objects.published_on(today)
        if batch is not None:
            occupations = occupations | Occupation.objects.filter(pk=batch.occupation_id)
        self.fields["occupation"].queryset = occupations.select_related("brand").order_by(
            "brand__sort_order", "sort_order", "name"
        )

        provider_field = self.fields["provider"]
        provider_field.queryset = providers
        if show_provider_area:
            provider_field.label_from_instance = lambda organisation: f"{organisation.name}（{organisation.area}）"

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("area", css_class="col-md-4"), Column("occupation", css_class="col-md-8")),
            Row(Column("name", css_class="col-md-8"), Column("capacity", css_class="col-md-4")),
            "provider",
            Row(Column("start_date", css_class="col-md-6"), Column("end_date", css_class="col-md-6")),
            Row(Column("mode", css_class="col-md-6"), Column("status", css_class="col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "结业日期不能早于开班日期。")
        return cleaned

    def changes(self) -> dict:
        """The editable fields, as `services.batch_update` takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "area"}


class EnrolmentResultForm(forms.Form):
    """One row of the results page: one trainee of the batch."""

    completed = forms.BooleanField(
        label="已结业", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input js-completed"})
    )
    assessment = forms.ChoiceField(
        label="考核结果",
        choices=Enrolment.Assessment.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    certificate = forms.ChoiceField(
        label="证书",
        choices=Enrolment.Certificate.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    certificate_number = forms.CharField(
        label="证书编号",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    certificate_date = forms.DateField(
        label="发证日期",
        required=False,
        widget=forms.DateInput(attrs={**DATE_INPUT, "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, enrolment: Enrolment, batch: TrainingBatch | None = None, **kwargs):
        self.enrolment = enrolment
        kwargs.setdefault("prefix", f"e{enrolment.pk}")
        kwargs.setdefault("initial", model_to_dict(enrolment, fields=list(self.base_fields)))
        super().__init__(*args, **kwargs)
        entrepreneurship = Enrolment.Certificate.ENTREPRENEURSHIP
        if (
            batch is not None
            and batch.mode != TrainingBatch.Mode.ENTREPRENEURSHIP
            and enrolment.certificate != entrepreneurship
        ):
            # The 创业培训合格证书 belongs to 创业培训 batches (the service refuses it elsewhere): not offered.
            self.fields["certificate"].choices = [c for c in Enrolment.Certificate.choices if c[0] != entrepreneurship]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{enrolment.trainee.name} {field.label}"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class TraineeSearchForm(forms.Form):
    q = forms.CharField(
        label="姓名或身份证号码",
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": "输入姓名，或身份证号码（完整号码或末 4 位以上）",
            }
        ),
    )
