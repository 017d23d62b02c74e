"""Serializers of the reference data, and the one related-record field every API serializer uses.

Serializers parse and render; they never save (every write is a service)."""

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import serializers

from .models import Area, BrandLine, Occupation

# The largest id a database row can have (a 64-bit signed integer): anything above is no record.
MAX_ID = 2**63 - 1
# The largest value a PositiveIntegerField holds on PostgreSQL.
MAX_INT = 2**31 - 1
# Free text a person writes (comments, reasons, resolutions): the API's serializers and the pages' forms
# take at most this many characters, so that neither entry point accepts what the other refuses.
FREE_TEXT_MAX_LENGTH = 1000


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related record chosen by id among those `scoped(user)` returns for the requesting user, so that
    another area's record "does not exist" (400), exactly as it is missing from the pages' drop-downs."""

    def __init__(self, scoped: Callable[..., QuerySet], **kwargs):
        self.scoped = scoped
        kwargs.setdefault("pk_field", serializers.IntegerField())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scoped(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = ["code", "name", "short_name", "kind", "parent", "is_key_county"]
        read_only_fields = fields


class BrandLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BrandLine
        fields = ["code", "name", "description"]
        read_only_fields = fields


class OccupationSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="code", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    areas = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="方案点名发展该工种的地区代码；空表示全市。"
    )

    class Meta:
        model = Occupation
        fields = ["id", "name", "brand", "brand_name", "areas", "description", "published_from", "published_to"]
        read_only_fields = fields
