"""django-import-export resources whose exported cells are safe to open in a spreadsheet."""

from import_export import resources

from .excel import safe_cell


class SafeExportResource(resources.ModelResource):
    """Every exported text cell that starts like a formula (= + - @ tab CR) is neutralised."""

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))
