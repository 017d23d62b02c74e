from django import forms
from django.contrib.auth.forms import AuthenticationForm

from brands.models import Organisation


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。请注意：连续输错 %(limit)s 次，账号将被锁定 30 分钟。",
        "inactive": "该账号已停用，请联系市人社局管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        from django.conf import settings

        self.error_messages = {
            **self.error_messages,
            "invalid_login": self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT},
        }
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *Organisation.Kind.choices])
    area = forms.ChoiceField(label="地区", required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "全部地区"), *((area.code, str(area)) for area in areas)]


class UnlockForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
