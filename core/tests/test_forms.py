"""Form helpers: a service's refusal lands where the user looks for it; pickers and classes as Bootstrap wants."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from core.forms import add_bootstrap_classes, add_service_errors, past_date_input


class DemoForm(forms.Form):
    name = forms.CharField(label="名称")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲")])


def test_a_service_error_naming_a_field_shows_under_that_field_and_the_rest_at_the_top():
    form = DemoForm(data={"name": "x", "kind": "a"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "名称已存在。", "amount": "金额超过上限。"}))
    assert form.errors == {"name": ["名称已存在。"], "__all__": ["金额超过上限。"]}


def test_a_service_error_without_a_field_shows_at_the_top():
    form = DemoForm(data={"name": "x", "kind": "a"})
    form.is_valid()
    add_service_errors(form, ValidationError("该申请当前状态不能提交。"))
    assert form.non_field_errors() == ["该申请当前状态不能提交。"]


def test_the_date_picker_offers_no_day_after_today():
    html = past_date_input(datetime.date(2025, 6, 1)).render("day", datetime.date(2025, 5, 2))
    assert 'type="date"' in html and 'max="2025-06-01"' in html and 'value="2025-05-02"' in html


def test_choices_get_form_select_other_fields_form_control_and_a_class_already_set_stays():
    form = DemoForm()
    form.fields["name"].widget.attrs["class"] = "form-control-sm"
    add_bootstrap_classes(form.fields.values())
    assert form.fields["name"].widget.attrs["class"] == "form-control-sm"
    assert form.fields["kind"].widget.attrs["class"] == "form-select"
    plain = DemoForm()
    add_bootstrap_classes(plain.fields.values())
    assert plain.fields["name"].widget.attrs["class"] == "form-control"
