import datetime
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import selectors
from .audit import admin_change_list, audit_entry_list, flagged_entry_count, person_lookup
from .filters import OrganisationFilter
from .forms import StaffAuthenticationForm, UnlockForm
from .lockouts import UNLOCK_PERMISSION, locked_username_list, lockout_release
from .models import AuditEntry

AUDIT_PER_PAGE = 50


class StaffLoginView(auth_views.LoginView):
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


# --- locked usernames (django-axes) ---------------------------------------------------------------


@never_cache
@require_safe
@login_required
@permission_required(UNLOCK_PERMISSION, raise_exception=True)
def lockout_list(request):
    """The usernames locked for wrong passwords, each with a button that unlocks it."""
    return render(
        request,
        "accounts/lockout_list.html",
        {
            "locked": locked_username_list(user=request.user),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            if settings.AXES_COOLOFF_TIME
            else None,
        },
    )


@require_POST
@login_required
@permission_required(UNLOCK_PERMISSION, raise_exception=True)
def lockout_unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
        return redirect("lockout_list")
    username = form.cleaned_data["username"]
    try:
        lockout_release(username=username, by=request.user, request=request)
    except ValidationError as problem:
        messages.error(request, "；".join(problem.messages))
    else:
        messages.success(request, f"已解除用户名“{username}”的登录锁定，该账号现在可以重新登录。")
    return redirect("lockout_list")


@require_safe
@login_required
def organisation_list(request):
    filters = OrganisationFilter.for_page(request, selectors.organisation_list(user=request.user))
    page = Paginator(filters.page_qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {"filters": filters, "page": page})


@require_safe
@login_required
def organisation_detail(request, pk: int):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    recognitions = selectors.recognition_list(user=request.user, organisation=organisation)
    return render(
        request, "accounts/organisation_detail.html", {"organisation": organisation, "recognitions": recognitions}
    )


# --- the audit trail of personal data -------------------------------------------------------------


class AuditFilterForm(forms.Form):
    """Filters of the audit trail. The page posts them and is then addressed by their safe form: a full
    ID number typed as the person becomes its mask, so it never reaches a URL."""

    TABS = [("people", "个人信息操作"), ("admin", "后台修改记录")]

    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    person = forms.CharField(
        label="学员",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "姓名，或身份证号码末 4 位"}),
    )
    person_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    user = forms.CharField(
        label="操作人账号",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如 clerk_450702"}),
    )
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[("", "全部操作"), *AuditEntry.Action.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    flagged = forms.BooleanField(
        label="只看需关注的记录", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def clean_person(self):
        try:
            return person_lookup(self.cleaned_data["person"])[0]
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned

    def query_string(self) -> str:
        values = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", False) or (name == "tab" and value == "people"):
                continue
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return urlencode(values)


def _audit_url(form: AuditFilterForm) -> str:
    query = form.query_string()
    return reverse("audit_list") + (f"?{query}" if query else "")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("accounts.view_auditentry", raise_exception=True)
def audit_list(request):
    """Who revealed, exported or changed whose personal data (and, second tab, the admin's change log)."""
    if request.method == "POST":
        form = AuditFilterForm(request.POST)
        if form.is_valid():
            return redirect(_audit_url(form))
    else:
        form = AuditFilterForm(request.GET or None)
        # A full ID number typed into the address itself: answer with the address of its mask.
        if form.is_bound and form.is_valid() and request.GET.get("person", "") != form.cleaned_data["person"]:
            return redirect(_audit_url(form))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    tab = filters.get("tab") or "people"
    if tab == "admin":
        entries = admin_change_list(
            user=request.user,
            username=filters.get("user", ""),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    else:
        entries = audit_entry_list(
            user=request.user,
            person=filters.get("person", ""),
            person_id=filters.get("person_id"),
            username=filters.get("user", ""),
            action=filters.get("action", ""),
            flagged=bool(filters.get("flagged")),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_list.html",
        {
            "form": form,
            "page": page,
            "tab": tab,
            "tabs": AuditFilterForm.TABS,
            "filtered": any(value not in (None, "", False) for value in filters.values()),
            "flagged_count": flagged_entry_count(user=request.user) if tab == "people" else 0,
        },
    )
