"""Forms of the subsidies pages: they parse input; the rules live in services and the database."""

import datetime

from django import forms

from core.forms import FREE_TEXT_MAX_LENGTH, BootstrapForm, past_date_input


def _rule_label(rule) -> str:
    """The rule with its amount and whom it is for, as a clerk picks it (scopes prefetched by rule_list)."""
    scope = [
        f"限{'、'.join(map(str, items))}" for items in (rule.occupations.all(), rule.eligible_categories.all()) if items
    ]
    return (
        f"{rule.name}（{rule.get_beneficiary_display()}，"
        f"{rule.get_amount_type_display()} {rule.amount if rule.amount is not None else '未设定'} 元"
        f"{''.join('，' + text for text in scope)}）"
    )


def _optional_choice(label: str, empty_label: str) -> forms.ModelChoiceField:
    """A link that only some rules use; the view sets its queryset (the user's scope)."""
    return forms.ModelChoiceField(label=label, queryset=None, required=False, empty_label=empty_label)


def _comment_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=FREE_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApplicationForm(BootstrapForm):
    """One form for every rule: the fields that do not apply to the chosen rule are left empty;
    the service refuses a wrong combination with a Chinese message."""

    rule = forms.ModelChoiceField(label="补贴规则", queryset=None, empty_label="请选择补贴规则")
    amount = forms.DecimalField(label="申请金额（元）", max_digits=12, decimal_places=2, min_value=0)
    organisation = _optional_choice("补贴单位", "（单位补贴时选择）")
    recognition = _optional_choice("认定", "（奖补时选择单位的认定）")
    labour_export = _optional_choice("有组织劳务输出", "（就业创业服务补助时选择）")
    enrolment = _optional_choice("参训记录", "（职业培训补贴时选择）")
    outcome = _optional_choice("就业创业结果", "（其他个人补贴时选择）")
    comment = _comment_field("说明")

    def __init__(self, *args, rules, organisations, recognitions, labour_exports, enrolments, outcomes, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules
        self.fields["rule"].label_from_instance = _rule_label
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name}（{o.area}）"
        self.fields["recognition"].queryset = recognitions
        self.fields["recognition"].label_from_instance = lambda r: (
            f"{r.organisation.name} · {r.get_level_display()}{r.get_kind_display()}（{r.year}）"
        )
        self.fields["labour_export"].queryset = labour_exports
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.trainee.name}（{e.trainee.masked_id_number}） · {e.batch} · {e.get_certificate_display() or '无证书'}"
        )
        self.fields["outcome"].queryset = outcomes
        self.fields["outcome"].label_from_instance = lambda o: (
            f"{o.trainee.name}（{o.trainee.masked_id_number}） · {o.get_kind_display()} · {o.description}"
        )


class CommentForm(forms.Form):
    comment = _comment_field("意见")


class UpdateForm(forms.Form):
    """Correct a draft: the amount and the explanation."""

    amount = forms.DecimalField(label="申请金额（元）", max_digits=12, decimal_places=2, min_value=0)
    comment = _comment_field("说明")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写原因。"},
    )


class PayForm(forms.Form):
    paid_on = forms.DateField(label="拨付日期", error_messages={"required": "请填写拨付日期。"})
    voucher_number = forms.CharField(label="凭证号", max_length=50, error_messages={"required": "请填写凭证号。"})
    comment = _comment_field("意见")

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].widget = past_date_input(today)


class EvidenceForm(forms.Form):
    kind = forms.ModelChoiceField(label="材料类型", queryset=None, required=False, empty_label="其他材料")
    file = forms.FileField(label="证明材料", error_messages={"required": "请选择要上传的文件。"})

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["kind"].widget.attrs["class"] = "form-select"


class BatchSubsidyForm(forms.Form):
    rule = forms.ModelChoiceField(
        label="职业培训补贴规则",
        queryset=None,
        required=False,
        empty_label="按工种、证书和人员类别自动匹配（推荐）",
        help_text="自动匹配时，每人按适用的最具体的规则（限定工种、证书或人员类别的优先）计算金额。",
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules
        self.fields["rule"].widget.attrs["class"] = "form-select"


class IdListField(forms.Field):
    """Ids of records, from repeated form fields (`ids=3&ids=5`), without repeats."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": "请至少勾选一份申请。", "invalid": "所选申请编号无效，请重新勾选。"}

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = []
        for item in value:
            text = str(item).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        return list(dict.fromkeys(ids))


class BulkSelectionForm(forms.Form):
    """The ticked applications of a bulk page."""

    ids = IdListField()
