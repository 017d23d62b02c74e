"""Forms of the employment pages: they parse input; the rules live in services and the database."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.db.models import QuerySet

from core.forms import FREE_TEXT_MAX_LENGTH, past_date_input

from .models import EmploymentOutcome, JobReferral, WageCase

EMPLOYER_BOTH = "已从单位名录中选择了单位，请清空这一栏（二选一）。"


def form_helper() -> FormHelper:
    """Crispy fields only: the page's template holds the <form> tag and the CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def set_areas(form: forms.Form, areas: QuerySet | None) -> None:
    """The `area` field offers `areas` to a city user; a county user (None) records for their own area: no field."""
    if areas is None:
        del form.fields["area"]
    else:
        form.fields["area"].queryset = areas


def organisation_label(show_area: bool):
    if show_area:
        return lambda organisation: f"{organisation.name}（{organisation.area}）"
    return lambda organisation: organisation.name


class RecordForm(forms.Form):
    """A record made for an area (chosen only by a city user) that names an employer: picked from the
    organisation directory or typed in, one or the other."""

    area = forms.ModelChoiceField(label="登记地区", queryset=None, empty_label="请选择地区")
    employer = forms.ModelChoiceField(label="用人单位", queryset=None, required=False, empty_label="（从单位名录选择）")
    employer_name = forms.CharField(
        label="或填写单位名称",
        max_length=100,
        required=False,
        help_text="单位名录中没有的单位，直接填写名称。",
    )

    employer_label = "用人单位"
    employer_missing = "请选择或填写用人单位。"

    def __init__(
        self,
        *args,
        organisations: QuerySet,
        today: datetime.date,
        areas: QuerySet | None = None,
        show_area: bool = False,
        **kwargs,
    ):
        """`areas`: the areas a city user chooses from; None for a county user (their own area is used)."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today
        set_areas(self, areas)
        employer = self.fields["employer"]
        employer.label = self.employer_label
        employer.queryset = organisations
        employer.label_from_instance = organisation_label(show_area)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = past_date_input(today)
        self.helper = form_helper()

    def area_row(self) -> list:
        return ["area"] if "area" in self.fields else []

    def employer_required(self, cleaned: dict) -> bool:
        return True

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("employer_name") or "").strip()
        cleaned["employer_name"] = name
        if cleaned.get("employer") and name:
            self.add_error("employer_name", EMPLOYER_BOTH)
        elif not (cleaned.get("employer") or name or "employer" in self.errors) and self.employer_required(cleaned):
            self.add_error("employer", self.employer_missing)
        return cleaned


class ReferralForm(RecordForm):
    position = forms.CharField(label="推荐岗位", max_length=100)
    referred_on = forms.DateField(label="推荐日期")
    channel = forms.ChoiceField(label="推荐渠道", choices=JobReferral.Channel.choices)
    result = forms.ChoiceField(label="推荐结果", choices=JobReferral.Result.choices, initial=JobReferral.Result.PENDING)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        # The referral and outcome forms share a page: their own id prefixes keep every element id unique.
        kwargs.setdefault("auto_id", "referral_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("referred_on", self.today)
        self.helper.layout = Layout(
            *self.area_row(),
            Row(Column("employer", css_class="col-md-6"), Column("employer_name", css_class="col-md-6")),
            Row(Column("position", css_class="col-md-6"), Column("referred_on", css_class="col-md-6")),
            Row(Column("channel", css_class="col-md-6"), Column("result", css_class="col-md-6")),
            "note",
        )


class OutcomeForm(RecordForm):
    """One outcome; the fields of the other kinds are hidden on the page and ignored by the service."""

    kind = forms.ChoiceField(label="类型", choices=[("", "请选择类型"), *EmploymentOutcome.Kind.choices])
    start_date = forms.DateField(label="开始日期", help_text="上岗、创办或开始灵活就业的日期；按此日期计入年度。")
    contract_signed = forms.BooleanField(label="已签订劳动合同", required=False)
    social_insurance = forms.BooleanField(label="已缴纳社会保险", required=False)
    business_name = forms.CharField(label="创办实体名称", max_length=100, required=False)
    business_uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="个体工商户、企业等已登记的填写，未登记的可不填。",
    )
    jobs_created = forms.IntegerField(
        label="带动就业人数", min_value=0, max_value=100000, required=False, help_text="不含创业者本人。"
    )
    work_kind = forms.CharField(
        label="灵活就业形式",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：家政钟点工、网约配送、零工市场打零工"}),
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    employer_missing = "就业结果请选择或填写用人单位。"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "outcome_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "js-outcome-kind"

        def kind_block(kind, *rows):
            return Div(*rows, css_class="js-kind-fields", data_kind=kind)

        self.helper.layout = Layout(
            *self.area_row(),
            Row(Column("kind", css_class="col-md-6"), Column("start_date", css_class="col-md-6")),
            kind_block(
                EmploymentOutcome.Kind.EMPLOYED,
                Row(Column("employer", css_class="col-md-6"), Column("employer_name", css_class="col-md-6")),
                Row(Column("contract_signed", css_class="col-md-6"), Column("social_insurance", css_class="col-md-6")),
            ),
            kind_block(
                EmploymentOutcome.Kind.ENTREPRENEURSHIP,
                "business_name",
                Row(Column("business_uscc", css_class="col-md-8"), Column("jobs_created", css_class="col-md-4")),
            ),
            kind_block(EmploymentOutcome.Kind.FLEXIBLE, "work_kind"),
            "note",
        )

    def employer_required(self, cleaned: dict) -> bool:
        return cleaned.get("kind") == EmploymentOutcome.Kind.EMPLOYED

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == EmploymentOutcome.Kind.ENTREPRENEURSHIP and not (cleaned.get("business_name") or "").strip():
            self.add_error("business_name", "创业结果请填写创办实体名称。")
        if kind == EmploymentOutcome.Kind.FLEXIBLE and not (cleaned.get("work_kind") or "").strip():
            self.add_error("work_kind", "灵活就业请填写就业形式。")
        if kind != EmploymentOutcome.Kind.EMPLOYED:
            # The employer pair belongs to the employed kind only: a leftover choice is no error.
            for name in ("employer_name", "employer"):
                if name in self.errors:
                    del self.errors[name]
        if cleaned.get("jobs_created") is None:
            cleaned["jobs_created"] = 0
        return cleaned


class LabourExportForm(RecordForm):
    agency = forms.ModelChoiceField(
        label="人力资源服务机构",
        queryset=None,
        empty_label="请选择机构",
        help_text="单位名录中类型为“人力资源服务机构”的单位；名录里没有的，请先在“单位名录”登记。",
    )
    destination = forms.CharField(
        label="输出目的地",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如：广东省深圳市南山区"}),
    )
    departed_on = forms.DateField(label="输出日期")
    trainees = forms.ModelMultipleChoiceField(
        label="输出人员",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一名输出人员。", "invalid_choice": "所选人员不在可选名单中。"},
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    employer_label = "接收单位"

    def __init__(self, *args, agencies: QuerySet, candidates: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = self.fields["employer"].label_from_instance
        self.fields["trainees"].queryset = candidates
        self.fields["employer_name"].help_text = "可不填；填写后作为每位输出人员的用人单位。"
        self.helper.layout = Layout(
            *self.area_row(),
            "agency",
            Row(Column("destination", css_class="col-md-8"), Column("departed_on", css_class="col-md-4")),
            Row(Column("employer", css_class="col-md-6"), Column("employer_name", css_class="col-md-6")),
            "note",
        )

    def employer_required(self, cleaned: dict) -> bool:
        return False

    def chosen_ids(self) -> set[str]:
        """The trainees ticked (as the page sent them), to tick them again when the form comes back."""
        return {str(value) for value in (self["trainees"].value() or [])}


class WageCaseForm(RecordForm):
    received_on = forms.DateField(label="受理日期")
    workers = forms.IntegerField(label="涉及人数", min_value=1, max_value=1000000)
    amount_owed = forms.DecimalField(
        label="涉及金额（元）",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )

    employer_label = "被投诉单位"
    employer_missing = "请选择或填写被投诉单位。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            *self.area_row(),
            Row(Column("employer", css_class="col-md-6"), Column("employer_name", css_class="col-md-6")),
            Row(
                Column("received_on", css_class="col-md-4"),
                Column("workers", css_class="col-md-4"),
                Column("amount_owed", css_class="col-md-4"),
            ),
        )


class ReferralResultForm(forms.Form):
    result = forms.ChoiceField(label="推荐结果", choices=JobReferral.Result.choices)


class WageCaseProgressForm(forms.Form):
    status = forms.ChoiceField(label="办理进度", widget=forms.RadioSelect)
    closed_on = forms.DateField(label="结案日期", required=False)
    resolution = forms.CharField(
        label="处理结果",
        required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：经调解，用人单位已于结案日前足额支付拖欠工资。"}),
    )

    def __init__(self, *args, case: WageCase, today: datetime.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        moves = [WageCase.Status.INVESTIGATING, WageCase.Status.CLOSED]
        self.fields["status"].choices = [(status.value, status.label) for status in moves if status != case.status]
        self.initial.setdefault("status", self.fields["status"].choices[0][0])
        # A case under investigation can only be closed: no choice to offer.
        self.closing_only = len(self.fields["status"].choices) == 1
        if self.closing_only:
            self.fields["status"].widget = forms.HiddenInput()
        self.fields["closed_on"].widget = past_date_input(today)
        self.initial.setdefault("closed_on", today)
        self.helper = form_helper()
        self.helper.layout = Layout("status", Div("closed_on", "resolution", css_class="js-closing-fields"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == WageCase.Status.CLOSED:
            if not cleaned.get("closed_on") and "closed_on" not in self.errors:
                self.add_error("closed_on", "结案须填写结案日期。")
            if not (cleaned.get("resolution") or "").strip():
                self.add_error("resolution", "结案须填写处理结果。")
        return cleaned
