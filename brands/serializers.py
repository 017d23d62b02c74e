"""Serializers of the reference data (the related-record field every API serializer uses: core.api).

Serializers parse and render; they never save (every write is a service)."""

from rest_framework import serializers

from .models import Area, BrandLine, Occupation, PlanPeriod


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


class PlanPeriodSerializer(serializers.ModelSerializer):
    brand_lines = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="本规划期的劳务品牌代码"
    )

    class Meta:
        model = PlanPeriod
        fields = [
            "code",
            "name",
            "year_from",
            "year_to",
            "status",
            "document_title",
            "document_number",
            "brand_lines",
            "closed_at",
        ]
        read_only_fields = fields
