"""Reads of staff data and of area-owned reference records (organisations, recognitions),
always through the user's scope. Brands is the bottom layer and cannot know about users,
so the scoped reads of its area-owned records live here, beside the scoping helper."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from brands.models import Organisation, Recognition
from core.db import pinyin

from .roles import GROUP_NAMES, Role
from .scoping import scope_for, scope_queryset


def role_groups() -> QuerySet:
    """The five role groups (roles.py): the only groups an account managed by the city may hold."""
    return Group.objects.filter(name__in=GROUP_NAMES.values())


def staff_account_list(*, user) -> QuerySet:
    """The accounts `user` manages. A superuser manages every account; the city administrator the
    programme's staff only: no superuser, no account holding a group outside the five roles or a
    permission of its own (such an account was made by a superuser for something else, and taking
    it over would reach beyond the roles). Everybody else manages none."""
    accounts = get_user_model().objects.all()
    if user.is_superuser:
        return accounts
    if scope_for(user).role != Role.CITY_ADMIN:
        return accounts.none()
    return (
        accounts.filter(is_superuser=False)
        .exclude(groups__in=Group.objects.exclude(name__in=GROUP_NAMES.values()))
        .exclude(user_permissions__isnull=False)
    )


def organisation_list(*, user, kind: str = "") -> QuerySet:
    """The organisations of the user's scope (of one kind when given; `filters.OrganisationFilter` narrows
    the directory's)."""
    organisations = scope_queryset(Organisation.objects.select_related("area"), user).annotate(
        recognition_count=Count("recognitions")
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("area__sort_order", pinyin("name"), "id")


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
