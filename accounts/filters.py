"""The organisation directory's FilterSet, and the area drop-down every list's filter bar offers."""

from django.db.models import Q
from django_filters import rest_framework as filters

from brands.models import Organisation
from core.filters import ANY, ListFilterSet

from .scoping import scope_areas


def area_choices(request) -> list:
    """The areas of the user's scope, "全部地区" first when there are several."""
    areas = list(scope_areas(request.user))
    return [*([(ANY, "全部地区")] if len(areas) > 1 else []), *((area.code, str(area)) for area in areas)]


class OrganisationFilter(ListFilterSet):
    q = filters.CharFilter(method="name_or_code", max_length=100)
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices, empty_label="全部类型")
    area = filters.CharFilter(field_name="area__code", max_length=12)
    labels = {"q": "名称或信用代码", "kind": "类型", "area": "地区"}

    class Meta:
        model = Organisation
        fields = ["q", "kind", "area"]

    def name_or_code(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))

    def page_choices(self, request) -> dict[str, list]:
        return {"area": area_choices(request)}
