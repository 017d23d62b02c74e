"""Admin of 跟踪服务: read-only and scoped to the user's area (the outcome's). Follow-ups are recorded on the
pages, the API and the sheet import, through `services.follow_up_record`."""

from django.contrib import admin

from accounts.admin import AreaScopedAdminMixin, ServiceWritesAdminMixin
from employment.admin import AreaImportAdmin

from .models import FollowUp, FollowUpImport


@admin.register(FollowUp)
class FollowUpAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    area_field = "outcome__area"
    list_display = ("__str__", "months", "followed_on", "reached", "employment", "contract_signed", "social_insurance")
    list_filter = ("months", "reached", "employment")
    list_select_related = ("outcome__trainee",)
    raw_id_fields = ("outcome", "wage_case")
    # Deleting an outcome (the admin's way to correct one) takes its follow-ups with it, which Django's
    # admin allows only to who may delete them; a follow-up deleted is simply due again.
    may_delete = True
    where_written = "跟踪服务在“就业服务 → 跟踪服务工作台”或就业结果的跟踪服务页面登记，后台只能查看。"


admin.site.register(FollowUpImport, AreaImportAdmin)
