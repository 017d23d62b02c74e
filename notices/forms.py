from django import forms

from core.forms import add_bootstrap_classes

from .models import SentMessage


class PreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        label="每天早上用电子邮件发送我的待办清单",
        required=False,
        help_text="只在有待办事项且账号填写了电子邮箱时发送。",
    )


class MessageFilterForm(forms.Form):
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部"), *SentMessage.Channel.choices])
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *SentMessage.Result.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self.fields.values())
