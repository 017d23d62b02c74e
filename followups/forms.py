"""The follow-up form of an outcome's page; the service (`services.follow_up_record`) holds the rules."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from core.forms import past_date_input

from .models import FollowUp
from .services import FollowUpEntry

YES_NO = [("", "—"), ("1", "是"), ("0", "否")]


def _yes_no(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class FollowUpForm(forms.Form):
    months = forms.TypedChoiceField(label="跟踪节点", coerce=int, error_messages={"required": "请选择跟踪节点。"})
    followed_on = forms.DateField(label="跟踪日期", error_messages={"required": "请填写跟踪日期。"})
    reached = forms.TypedChoiceField(
        label="是否联系上本人",
        choices=[("1", "已联系上"), ("0", "未联系上")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否联系上本人。"},
    )
    employment = forms.ChoiceField(label="在岗情况", choices=[("", "—"), *FollowUp.Employment.choices], required=False)
    wage_band = forms.ChoiceField(label="月工资", choices=[("", "—"), *FollowUp.WageBand.choices], required=False)
    contract_signed = forms.ChoiceField(label="已签订劳动合同", choices=YES_NO, required=False)
    social_insurance = forms.ChoiceField(label="已缴纳社会保险", choices=YES_NO, required=False)
    problems = forms.CharField(
        label="反映的问题",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：工资拖欠两个月；无问题可不填。"}),
    )
    open_wage_case = forms.BooleanField(label="转为欠薪举报投诉案件（在欠薪案件中跟进）", required=False)
    wage_case_amount = forms.DecimalField(
        label="欠薪金额（元）", required=False, min_value=0.01, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, points, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [(p.months, f"第 {p.months} 个月（{p.due:%Y-%m-%d} 到期）") for p in points]
        self.fields["followed_on"].widget = past_date_input(today)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("months", css_class="col-md-6"), Column("followed_on", css_class="col-md-6")),
            "reached",
            Row(Column("employment", css_class="col-md-6"), Column("wage_band", css_class="col-md-6")),
            Row(Column("contract_signed", css_class="col-md-6"), Column("social_insurance", css_class="col-md-6")),
            "problems",
            Row(Column("open_wage_case", css_class="col-md-7"), Column("wage_case_amount", css_class="col-md-5")),
        )

    def clean(self):
        data = super().clean()
        if data.get("reached") and not data.get("employment"):
            self.add_error("employment", "联系上本人时请选择在岗情况。")
        if data.get("open_wage_case"):
            if not data.get("wage_case_amount"):
                self.add_error("wage_case_amount", "转欠薪案件请填写欠薪金额。")
            if not (data.get("problems") or "").strip():
                self.add_error("problems", "转欠薪案件前请写明反映的欠薪问题。")
        return data

    def entry(self) -> FollowUpEntry:
        data = self.cleaned_data
        return FollowUpEntry(
            months=data["months"],
            followed_on=data["followed_on"],
            reached=data["reached"],
            employment=data["employment"],
            wage_band=data["wage_band"],
            contract_signed=_yes_no(data["contract_signed"]),
            social_insurance=_yes_no(data["social_insurance"]),
            problems=data["problems"],
        )

    def case_amount(self):
        return self.cleaned_data["wage_case_amount"] if self.cleaned_data.get("open_wage_case") else None
