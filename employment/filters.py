"""The one FilterSet of each employment list, read by its page and its API (`core.filters`)."""

from django_filters import rest_framework as filters

from accounts.filters import area_choices
from brands.selectors import brand_lines, reporting_areas
from core.api import integer_filter, text_filter
from core.filters import ANY, ListFilterSet
from training.models import Enrolment
from training.selectors import batch_choices

from .models import EmploymentOutcome, JobReferral, WageCase
from .vacancy_models import JobFair, Vacancy


class ReferralFilter(ListFilterSet):
    trainee = integer_filter("trainee_id", help_text="学员 id")
    area = text_filter("area__code", max_length=12, help_text="推荐地区代码")
    result = filters.ChoiceFilter(choices=JobReferral.Result.choices, help_text="推荐结果")
    channel = filters.ChoiceFilter(choices=JobReferral.Channel.choices, help_text="推荐渠道")

    class Meta:
        model = JobReferral
        fields = ["trainee", "area", "result", "channel"]


class OutcomeFilter(ListFilterSet):
    trainee = integer_filter("trainee_id", help_text="学员 id")
    area = text_filter("area__code", max_length=12, help_text="登记地区代码")
    kind = filters.ChoiceFilter(choices=EmploymentOutcome.Kind.choices, help_text="类型")
    year = integer_filter("start_date__year", minimum=2000, maximum=2100, help_text="开始年度")

    class Meta:
        model = EmploymentOutcome
        fields = ["trainee", "area", "kind", "year"]


class WorklistFilter(ListFilterSet):
    """The 岗位推荐工作台's filters, on the enrolments that make a person count (the selector places them in
    its join: `referral_worklist(conditions=filters.lookups())`)."""

    area = text_filter("batch__area__code", max_length=12, help_text="培训地区代码")
    brand = text_filter("batch__occupation__brand__code", max_length=32, help_text="劳务品牌代码")
    batch = integer_filter("batch_id", help_text="班期 id")
    labels = {"area": "培训地区", "brand": "劳务品牌", "batch": "班期"}

    class Meta:
        model = Enrolment
        fields = ["area", "brand", "batch"]

    def page_choices(self, request) -> dict[str, list]:
        area_code = request.GET.get("area", "")
        areas = area_choices(request)
        codes = {code for code, _name in areas if code}
        # The batch drop-down lists one area's batches: the whole city's run to thousands of options
        # (half a megabyte of page at scale). A city user picks the area first.
        if len(codes) > 1 and area_code not in codes:
            batches = [(ANY, "全部班期（按班期筛选请先选地区）")]
        else:
            batches = [
                (ANY, "全部班期"),
                *(
                    (str(batch.pk), f"{batch.title}（{batch.end_date:%Y-%m-%d} 结业）")
                    for batch in batch_choices(user=request.user, area_code=area_code)
                ),
            ]
        return {
            "area": areas,
            "brand": [(ANY, "全部品牌"), *((brand.code, brand.name) for brand in brand_lines())],
            "batch": batches,
        }


class WageCaseFilter(ListFilterSet):
    status = filters.ChoiceFilter(choices=WageCase.Status.choices, empty_label="全部状态")
    labels = {"status": "状态"}

    class Meta:
        model = WageCase
        fields = ["status"]


class VacancyFilter(ListFilterSet):
    """The vacancy register's filters (page and API): the registering area, the occupation's brand
    line, status and kind of work."""

    area = text_filter("area__code", max_length=12, help_text="登记地区代码")
    brand = text_filter("occupation__brand__code", max_length=32, help_text="劳务品牌代码")
    status = filters.ChoiceFilter(choices=Vacancy.Status.choices, empty_label="全部状态", help_text="状态")
    kind = filters.ChoiceFilter(choices=Vacancy.Kind.choices, empty_label="全部用工形式", help_text="用工形式")
    labels = {"area": "登记地区", "brand": "劳务品牌", "status": "状态", "kind": "用工形式"}

    class Meta:
        model = Vacancy
        fields = ["area", "brand", "status", "kind"]

    def page_choices(self, request) -> dict[str, list]:
        # Every county sees every open vacancy: any area may be picked.
        return {
            "area": [(ANY, "全部地区"), *((area.code, str(area)) for area in reporting_areas())],
            "brand": [(ANY, "全部品牌"), *((brand.code, brand.name) for brand in brand_lines())],
        }


class JobFairFilter(ListFilterSet):
    brand = text_filter("brand__code", max_length=32, help_text="劳务品牌代码")
    year = integer_filter("held_on__year", minimum=2000, maximum=2100, help_text="举办年度")
    labels = {"brand": "劳务品牌", "year": "年度"}

    class Meta:
        model = JobFair
        fields = ["brand", "year"]

    def page_choices(self, request) -> dict[str, list]:
        return {"brand": [(ANY, "全部品牌"), *((brand.code, brand.name) for brand in brand_lines())]}
