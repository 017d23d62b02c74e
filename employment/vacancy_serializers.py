"""Serializers of the vacancy and job-fair API. They parse and render; `vacancy_services` writes."""

from rest_framework import serializers

from accounts.selectors import organisation_list
from brands.models import Occupation
from core.api import ScopedPrimaryKeyField

from .serializers import optional_area_field
from .vacancy_models import JobFair, Vacancy


class VacancySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    area = optional_area_field()
    area_name = serializers.CharField(source="area.short_name", read_only=True)
    employer = ScopedPrimaryKeyField(
        scoped=lambda user: organisation_list(user=user), help_text="用人单位（单位名录 id）"
    )
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    occupation = serializers.PrimaryKeyRelatedField(queryset=Occupation.objects.all(), help_text="工种 id")
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    brand = serializers.CharField(source="occupation.brand.code", read_only=True)
    title = serializers.CharField(max_length=100)
    work_area = optional_area_field("工作地区代码")
    address = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    destination = serializers.CharField(
        max_length=100, allow_blank=True, required=False, default="", help_text="市外输出目的地（无工作地区时必填）"
    )
    openings = serializers.IntegerField(min_value=1, max_value=100000)
    wage_min = serializers.IntegerField(min_value=0, max_value=1000000, allow_null=True, required=False)
    wage_max = serializers.IntegerField(min_value=0, max_value=1000000, allow_null=True, required=False)
    certificate = serializers.ChoiceField(
        choices=Vacancy._meta.get_field("certificate").choices, required=False, default=""
    )
    age_min = serializers.IntegerField(min_value=16, max_value=80, allow_null=True, required=False)
    age_max = serializers.IntegerField(min_value=16, max_value=80, allow_null=True, required=False)
    kind = serializers.ChoiceField(choices=Vacancy.Kind.choices, default=Vacancy.Kind.FULL_TIME)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    source = serializers.ChoiceField(choices=Vacancy.Source.choices, default=Vacancy.Source.EMPLOYER)
    fair = serializers.IntegerField(source="fair_id", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Vacancy.Status.choices, read_only=True)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    created_at = serializers.DateTimeField(read_only=True)


class JobFairSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.short_name", read_only=True)
    brand = serializers.CharField(source="brand.code", read_only=True, allow_null=True)
    attendance = serializers.IntegerField(read_only=True, help_text="签到人数")
    intentions = serializers.IntegerField(source="intention_count", read_only=True, help_text="达成意向数")
    vacancies = serializers.IntegerField(source="vacancy_count", read_only=True, help_text="本场岗位数")

    class Meta:
        model = JobFair
        fields = [
            "id",
            "area",
            "area_name",
            "title",
            "held_on",
            "place",
            "brand",
            "organiser",
            "attendance",
            "intentions",
            "vacancies",
        ]
