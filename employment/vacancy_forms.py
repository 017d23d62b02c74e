"""Forms of the vacancy register, job fairs and matching pages: they parse input; the rules live in
`vacancy_services` and the database."""

import datetime

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet

from brands.models import Occupation
from brands.selectors import brand_lines, reporting_areas
from training.models import Enrolment

from .forms import form_helper, organisation_label, set_areas
from .models import JobReferral
from .vacancy_models import Vacancy

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VacancyForm(forms.Form):
    area = forms.ModelChoiceField(label="登记地区", queryset=None, empty_label="请选择地区")
    employer = forms.ModelChoiceField(label="用人单位", queryset=None, empty_label="请从单位名录选择")
    occupation = forms.ModelChoiceField(label="职业（工种）", queryset=None, empty_label="请选择工种")
    title = forms.CharField(label="岗位名称", max_length=100)
    work_area = forms.ModelChoiceField(
        label="工作地区", queryset=None, required=False, empty_label="（市外输出岗位不选）"
    )
    address = forms.CharField(label="工作地址", max_length=200, required=False)
    destination = forms.CharField(
        label="市外输出目的地",
        max_length=100,
        required=False,
        help_text="劳务输出到钦州市外的岗位填写，如：广东省深圳市。",
    )
    openings = forms.IntegerField(label="招聘人数", min_value=1, max_value=100000)
    wage_min = forms.IntegerField(label="月薪下限（元）", min_value=0, max_value=1000000, required=False)
    wage_max = forms.IntegerField(label="月薪上限（元）", min_value=0, max_value=1000000, required=False)
    certificate = forms.ChoiceField(
        label="证书要求",
        required=False,
        choices=[
            ("", "不要求"),
            *((c, label) for c, label in Enrolment.Certificate.choices if c and c != "entrepreneurship"),
        ],
        help_text="要求某一等级时，持更高等级证书的人员同样符合。",
    )
    age_min = forms.IntegerField(label="最低年龄", min_value=16, max_value=80, required=False)
    age_max = forms.IntegerField(label="最高年龄", min_value=16, max_value=80, required=False)
    kind = forms.ChoiceField(label="用工形式", choices=Vacancy.Kind.choices)
    valid_from = forms.DateField(label="有效期起", widget=DATE_INPUT)
    valid_to = forms.DateField(label="有效期止", widget=DATE_INPUT)
    source = forms.ChoiceField(label="岗位来源", choices=Vacancy.Source.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, organisations: QuerySet, areas: QuerySet | None, show_area: bool, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        set_areas(self, areas)
        self.fields["employer"].queryset = organisations
        self.fields["employer"].label_from_instance = organisation_label(show_area)
        self.fields["occupation"].queryset = Occupation.objects.select_related("brand").order_by(
            "brand__sort_order", "sort_order"
        )
        self.fields["occupation"].label_from_instance = lambda o: f"{o.brand.name} · {o.name}"
        self.fields["work_area"].queryset = reporting_areas()
        self.helper = form_helper()
        self.helper.layout = Layout(
            *(["area"] if areas is not None else []),
            Row(Column("employer", css_class="col-md-6"), Column("occupation", css_class="col-md-6")),
            Row(
                Column("title", css_class="col-md-6"),
                Column("kind", css_class="col-md-3"),
                Column("openings", css_class="col-md-3"),
            ),
            Row(Column("work_area", css_class="col-md-4"), Column("address", css_class="col-md-8")),
            "destination",
            Row(
                Column("wage_min", css_class="col-md-3"),
                Column("wage_max", css_class="col-md-3"),
                Column("age_min", css_class="col-md-3"),
                Column("age_max", css_class="col-md-3"),
            ),
            Row(Column("certificate", css_class="col-md-6"), Column("source", css_class="col-md-6")),
            Row(Column("valid_from", css_class="col-md-6"), Column("valid_to", css_class="col-md-6")),
            "note",
        )

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("work_area")
            and not (cleaned.get("destination") or "").strip()
            and "work_area" not in self.errors
        ):
            self.add_error("work_area", "请选择工作地区，或填写市外输出目的地。")
        for low, high, message in (
            ("wage_min", "wage_max", "月薪上限不能低于下限。"),
            ("age_min", "age_max", "最高年龄不能低于最低年龄。"),
            ("valid_from", "valid_to", "有效期止不能早于有效期起。"),
        ):
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[high] < cleaned[low]:
                self.add_error(high, message)
        return cleaned


class ReferSeveralForm(forms.Form):
    """Refer the ticked people (or vacancies) in one step: the date, the channel and, for a city user,
    the area recording the referrals."""

    area = forms.ModelChoiceField(label="推荐地区", queryset=None, empty_label="请选择地区")
    chosen = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "请先勾选要推荐的对象。",
            "invalid_choice": "所选对象不在可选名单中，请刷新页面后重试。",
        },
    )
    referred_on = forms.DateField(label="推荐日期", widget=DATE_INPUT)
    channel = forms.ChoiceField(
        label="推荐渠道", choices=JobReferral.Channel.choices, initial=JobReferral.Channel.OTHER
    )

    def __init__(self, *args, choices: list[int], areas: QuerySet | None, today: datetime.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(pk, pk) for pk in choices]
        self.fields["referred_on"].widget.attrs["max"] = today.isoformat()
        self.initial.setdefault("referred_on", today)
        set_areas(self, areas)
        self.today = today

    def clean_referred_on(self):
        day = self.cleaned_data["referred_on"]
        if day > self.today:
            raise forms.ValidationError("推荐日期不能晚于今天。")
        return day


class JobFairForm(forms.Form):
    area = forms.ModelChoiceField(label="举办地区", queryset=None, empty_label="请选择地区")
    title = forms.CharField(label="招聘会名称", max_length=100)
    held_on = forms.DateField(label="举办日期", widget=DATE_INPUT)
    place = forms.CharField(label="举办地点", max_length=200)
    brand = forms.ModelChoiceField(label="劳务品牌", queryset=None, required=False, empty_label="（综合）")
    organiser = forms.CharField(label="主办单位", max_length=100)
    employers = forms.ModelMultipleChoiceField(
        label="参会单位", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args, organisations: QuerySet, areas: QuerySet | None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        set_areas(self, areas)
        self.fields["brand"].queryset = brand_lines()
        self.fields["employers"].queryset = organisations
        self.helper = form_helper()


class IntentionForm(forms.Form):
    """达成意向: a person (by full ID number, as on the sign-in sheet) and one of the fair's vacancies."""

    id_number = forms.CharField(label="身份证号码", max_length=30)
    vacancy = forms.ModelChoiceField(label="意向岗位", queryset=None, empty_label="请选择岗位")

    def __init__(self, *args, vacancies: QuerySet, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies
        self.fields["vacancy"].label_from_instance = lambda v: f"{v.employer.name} · {v.title}"
        self.helper = form_helper()
        self.helper.layout = Layout(
            Row(Column("id_number", css_class="col-md-5"), Column("vacancy", css_class="col-md-7"))
        )


class VacancyActionForm(forms.Form):
    action = forms.CharField(max_length=20)
