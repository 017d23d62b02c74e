from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.capabilities import role_summary, tasks_for
from accounts.scoping import scope_for

from .selectors import progress_summary


@require_safe
@login_required
def home(request):
    scope = scope_for(request.user)
    return render(
        request,
        "dashboard/home.html",
        {
            "scope": scope,
            "tasks": tasks_for(request.user),
            "role_summary": role_summary(request.user),
            "progress": progress_summary(user=request.user),
        },
    )
