"""The base of every list's one FilterSet (`<app>/filters.py`): the same filter rules for a list's page
and its API. A FilterSet only narrows the queryset it is given, which the selectors have already scoped
to the user, so no filter can widen what a user sees (another area's code simply matches nothing).

The API reads it through `core.api.FilterBackend` (a bad value is a 400 with the field's
message); a page through `for_page`, which draws the filter bar's drop-downs and, for a bad value, shows
the field's message on the page and lists nothing."""

from django import forms
from django_filters import rest_framework as filters

ANY = ""  # the drop-downs' "全部…" entry: no filter


class ListFilterSet(filters.FilterSet):
    """A list's filters. `labels`: the Chinese label of each filter the page shows; `page_choices`: the
    drop-downs the page offers for free-text API parameters (an area code, an id), each list starting
    with its "全部…" entry."""

    labels: dict[str, str] = {}

    def page_choices(self, request) -> dict[str, list]:
        return {}

    @classmethod
    def for_page(cls, request, queryset, *, hide: tuple[str, ...] = ()) -> "ListFilterSet":
        """The list's filters bound to the page's query string (its parameters are the API's, so
        bookmarks and the API read alike), drawn as a Bootstrap filter bar; `hide` leaves filters the page
        decides itself out of the bar and out of the query."""
        filterset = cls(request.GET.copy(), queryset, request=request)
        for name in hide:
            del filterset.filters[name]
        form = filterset.form  # built from the filters left
        form.label_suffix = ""
        for name, choices in filterset.page_choices(request).items():
            if name in form.fields:
                form.fields[name].widget = forms.Select(choices=choices)
        for name, field in form.fields.items():
            field.label = cls.labels.get(name, field.label)
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")
        return filterset

    def lookups(self) -> dict:
        """The filters given, as field lookups ({"area__code": "450702"}), for a selector that must place
        them itself (in a join it builds) rather than narrow its result. Call it on a valid FilterSet."""
        return {
            f"{declared.field_name}__{declared.lookup_expr}": self.form.cleaned_data[name]
            for name, declared in self.filters.items()
            if self.form.cleaned_data.get(name) not in (None, "")
        }

    @property
    def page_qs(self):
        """The filtered rows, or none while a filter's value is wrong (the bar shows why)."""
        return self.qs if self.is_valid() else self.queryset.none()
