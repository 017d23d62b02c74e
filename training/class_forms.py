"""Forms of the class file, attendance, phone sign-in, the minimum rate and certificate verification."""

from django import forms

from core.forms import BootstrapForm

from .models import ClassModule, ClassTeacher


class PlanForm(BootstrapForm):
    venue = forms.CharField(label="培训场地", max_length=200)
    planned_size = forms.IntegerField(label="计划人数", min_value=1, max_value=10000)


class ModuleForm(BootstrapForm):
    name = forms.CharField(label="课程模块", max_length=100)
    theory_hours = forms.DecimalField(label="理论课时", min_value=0, max_value=999, decimal_places=1, initial=0)
    practice_hours = forms.DecimalField(label="实操课时", min_value=0, max_value=999, decimal_places=1, initial=0)


class TeacherForm(BootstrapForm):
    name = forms.CharField(label="教师姓名", max_length=20)
    qualification = forms.CharField(label="资格或证书编号", max_length=100)


class SessionForm(BootstrapForm):
    date = forms.DateField(label="上课日期", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs={"type": "time"}))
    module = forms.ModelChoiceField(label="课程模块", queryset=ClassModule.objects.none(), required=False)
    teacher = forms.ModelChoiceField(label="授课教师", queryset=ClassTeacher.objects.none(), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = plan.modules.all()
        self.fields["teacher"].queryset = plan.teachers.all()
        self.fields["module"].empty_label = self.fields["teacher"].empty_label = "（未指定）"

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "结束时间须晚于开始时间。")
        return data


class SigninForm(BootstrapForm):
    name = forms.CharField(label="姓名", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_tail = forms.CharField(
        label="身份证号码后 6 位",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "maxlength": 6}),
        error_messages={"min_length": "请填写身份证号码的最后 6 位。", "max_length": "请填写身份证号码的最后 6 位。"},
    )


class VerifyForm(BootstrapForm):
    number = forms.CharField(label="证书编号", max_length=50)
    name = forms.CharField(label="持证人姓名", max_length=20)
