from django.contrib import admin

from .models import SentMessage


@admin.register(SentMessage)
class SentMessageAdmin(admin.ModelAdmin):
    """Read-only: the sending services write the log, nobody edits or deletes it."""

    list_display = ("sent_at", "channel", "kind", "recipient", "result", "detail")
    list_filter = ("channel", "result", "kind")
    search_fields = ("kind", "subject")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
