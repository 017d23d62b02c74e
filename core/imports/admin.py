"""The admin of every import record: read-only (imports are made on their pages), without the file."""

from django.contrib import admin


class ImportRecordAdmin(admin.ModelAdmin):
    exclude = ("content", "report")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "report")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
