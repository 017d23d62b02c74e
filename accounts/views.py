from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .forms import OrganisationFilterForm, StaffAuthenticationForm
from .scoping import scope_areas


class StaffLoginView(auth_views.LoginView):
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


@require_safe
@login_required
def organisation_list(request):
    areas = scope_areas(request.user)
    form = OrganisationFilterForm(request.GET or None, areas=areas)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        user=request.user,
        query=filters.get("q", ""),
        kind=filters.get("kind", ""),
        area_code=filters.get("area", ""),
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {"form": form, "page": page})


@require_safe
@login_required
def organisation_detail(request, pk: int):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    recognitions = selectors.recognition_list(user=request.user, organisation=organisation)
    return render(
        request, "accounts/organisation_detail.html", {"organisation": organisation, "recognitions": recognitions}
    )
