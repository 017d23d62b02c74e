from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .forms import MessageFilterForm, PreferenceForm
from .selectors import MESSAGE_LOG_PERMISSION, message_list, preference_of
from .services import preference_set

PER_PAGE = 50


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request):
    """通知设置: the daily digest on or off (the account's e-mail address is shown, set in the admin)."""
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_set(user=request.user, daily_digest=form.cleaned_data["daily_digest"])
            messages.success(request, "通知设置已保存。")
            return redirect("notices:preferences")
    else:
        form = PreferenceForm(initial={"daily_digest": preference_of(user=request.user).daily_digest})
    return render(request, "notices/preferences.html", {"form": form})


@require_safe
@login_required
@permission_required(MESSAGE_LOG_PERMISSION, raise_exception=True)
def message_log(request):
    """消息发送记录: every SMS and e-mail sent, recipient masked, for the city administrator."""
    form = MessageFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = message_list(user=request.user, channel=data.get("channel", ""), result=data.get("result", ""))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/message_log.html", {"form": form, "page": page})
