from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。请注意：连续输错 %(limit)s 次，账号将被锁定 30 分钟。",
        "inactive": "该账号已停用，请联系市人社局管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid_login": self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT},
        }
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class UnlockForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
