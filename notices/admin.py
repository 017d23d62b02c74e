from django.contrib import admin

from accounts.admin import SystemRecordsAdminMixin

from .models import SentMessage


@admin.register(SentMessage)
class SentMessageAdmin(SystemRecordsAdminMixin, admin.ModelAdmin):
    """Read-only: the sending services write the log, nobody edits or deletes it."""

    list_display = ("sent_at", "channel", "kind", "recipient", "result", "detail")
    list_filter = ("channel", "result", "kind")
    search_fields = ("kind", "subject")
    date_hierarchy = "sent_at"

    def has_delete_permission(self, request, obj=None):
        return False
