"""django-import-export resources: what they export is safe to open in a spreadsheet, and what the admin
imports through them passes the model's validation, row by row, before anything is saved."""

from django.core.exceptions import ValidationError
from import_export import resources, widgets

from core.credit_code import normalise_uscc
from core.xlsx import safe_cell

from .validators import validate_plain_label


class SafeExportResource(resources.ModelResource):
    """Every exported text cell that starts like a formula (= + - @ tab CR) is neutralised.

    An imported row is validated as the admin's form validates a typed one: the model's `full_clean`
    (field validators such as the 统一社会信用代码 check, uniqueness, constraints), names that are plain text,
    codes that stay fixed once the record exists. A row that fails is reported with its messages and,
    the admin's import being all or nothing (brands.admin.ImportNeedsWritePermissionMixin), nothing is saved."""

    label_fields = ("name", "short_name")
    key_fields = ("code",)

    class Meta:
        clean_model_instances = True

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))

    def import_instance(self, instance, row, **kwargs):
        names = {field.name for field in self._meta.model._meta.fields}
        stored = {name: getattr(instance, name) for name in self.key_fields if name in names and instance.pk}
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as refused:
            errors = refused.update_error_dict(errors)
        for name in self.label_fields:
            if name in names and name not in errors:
                try:
                    validate_plain_label(getattr(instance, name))
                except ValidationError as refused:
                    errors[name] = refused.error_list
        for name, value in stored.items():
            if getattr(instance, name) != value:
                errors[name] = [ValidationError("代码创建后不能修改（统计和花名册按代码识别）。")]
        if errors:
            raise ValidationError(errors)


class CreditCodeWidget(widgets.CharWidget):
    """A 统一社会信用代码 cell as the admin's form takes it: full-width characters folded, spaces dropped,
    upper case; an empty cell is no code (the column is unique, so never an empty string)."""

    def clean(self, value, row=None, **kwargs):
        code = normalise_uscc("" if value is None else str(value))
        return code or None
