"""Reads of staff data and of area-owned reference records (organisations, recognitions),
always through the user's scope. Brands is the bottom layer and cannot know about users,
so the scoped reads of its area-owned records live here, beside the scoping helper."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from brands.models import Organisation, Recognition

from .scoping import scope_queryset


def organisation_list(*, user, query: str = "", kind: str = "", area_code: str = "") -> QuerySet:
    organisations = scope_queryset(Organisation.objects.select_related("area"), user).annotate(
        recognition_count=Count("recognitions")
    )
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(uscc__icontains=query.upper()))
    if kind:
        organisations = organisations.filter(kind=kind)
    if area_code:
        organisations = organisations.filter(area__code=area_code)
    return organisations.order_by("area__sort_order", "name")


def organisation_get(*, user, pk: int) -> Organisation:
    """The organisation if it is in the user's scope; 404 otherwise (not yours looks like not found)."""
    return get_object_or_404(scope_queryset(Organisation.objects.select_related("area"), user), pk=pk)


def recognition_list(*, user, organisation: Organisation | None = None) -> QuerySet:
    recognitions = scope_queryset(
        Recognition.objects.select_related("organisation", "organisation__area", "brand"),
        user,
        area_field="organisation__area",
    )
    if organisation is not None:
        recognitions = recognitions.filter(organisation=organisation)
    return recognitions
