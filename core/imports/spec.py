"""What an import must define to run on the pipeline.

A new import (attendance, vacancies, results …) is a subclass of `ImportSpec` in its app, plus a model
subclassing `core.imports.models.ImportRecord` with a ForeignKey to its scope, plus URL patterns made by
`core.imports.views.import_urls(spec, ...)`. Nothing else: reading, the header rule, the lifecycle, the
report, the Celery path, the progress bar, the error workbook and the pages are the pipeline's."""

from dataclasses import dataclass

from django.db import models

from core.spreadsheets import ACCEPTED_TEXT, MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class Column:
    """A column of the sheet: its field, the headers that name it (the first is the template's), and the
    template's column width."""

    field: str
    headers: tuple[str, ...]
    width: int = 14


def columns_from(synonyms: dict[str, tuple[str, ...]], widths: dict[str, int]) -> tuple[Column, ...]:
    """Columns from {field: headers} and {template header: width}."""
    return tuple(Column(name, headers, widths.get(headers[0], 14)) for name, headers in synonyms.items())


class ImportSpec:
    """Subclass and define (required unless a default is shown):

    Identity and words
      model              the ImportRecord subclass
      scope_field        the record's field holding the scope ("batch", "area")
      scope_noun         what the pages call the scope ("本班期", "本县区")
      noun               what the file is called in messages ("花名册", "推荐表")
      title              the import's name on pages ("花名册导入")
      columns            tuple[Column]: the sheet's columns and their synonyms
      required           tuple of groups of fields: each group needs one of its fields; the first group
                         anchors the header rule (the column naming the person)
      max_rows           the most data rows a file may hold
      inline_max_rows    files with more rows are checked and written on a Celery worker (default: setting
                         IMPORT_INLINE_MAX_ROWS)
      duplicate_message(first_row)     the sentence for a row repeating an earlier one
      template_name      file name of the downloadable template (`template_workbook` builds it)
      template_headers   the template's columns in order (default: all of `columns`)
      upload_form_class  a form subclassing core.imports.views.ImportUploadForm, taking `user=`
      file_label, file_headers         the upload form's name of the file (“花名册文件”) and the headers
                                       its help text names

    Rows (no database)
      rules(scope)                     -> whatever check_row needs, read once per file (dates, lookups);
                                          default None
      check_row(cells, *, excel_row, header, rules) -> a row object with .row, .errors (list[RowError]) and
                                          a .raw slot; `cells` is {field: cell value}, `header` {field: header
                                          as written}, for messages
      left_out(cells) -> bool          rows that are left out without being errors (default: none)

    Database
      plan(sheet, *, scope, user, options) -> a plan with .valid (rows to write) and .duplicates ({row: the
                                          earlier row it repeats}); runs inside the transaction, may add row
                                          errors (on row.errors)
      counts(plan) -> {"created": n, "updated": n}
      sections(plan) -> dict           the spec's own report sections and counts (JSON), beside the core keys
      write(plan, *, scope, record, user, options, progress) -> None; inside the transaction
      may_write(scope) -> bool         default True
      lock(scope) -> the scope locked for the write (two imports of one scope run one after the other)
      record_counts(report) -> {field: value} of the model's own count fields (default: none)
      options_of(record) -> the options the upload stored on the record (default: {})

    Policy (hooks: core imports no app)
      check_scope(user, scope)         PermissionDenied when `user` may not import into `scope`; user None
                                       is an operator at the command line
      records_for(user)                the records `user` may see (scoped queryset)
      audit(stage, *, plan, scope, record, user, committed) -> None: the audit entries of a check ("检查")
                                       or a write ("导入"); default none
      check_open(user, scope)          ValidationError when `user` may not write into `scope` now (its month is
                                       locked); checked at upload, at the commit request and inside the write
      check_export(user)               PermissionDenied for a user who may not take personal data away
                                       (the error workbook holds the file's full ID numbers)
      export_audit(request=, subject=, what=, rows=, area=): records each error-workbook download
      subject(record), area_of(record) how the audit trail names a record (default “<title> #<pk>”) and its area

    Pages (hooks the views call)
      upload_scope(user, pk)           the scope named by the upload URL (404 outside the user's); default None
      upload_options(user, scope, options) -> (scope, options): the scope and the record's own fields
                                       from the form's other fields; default as they are
      upload_context(user, scope)      extra context of the upload page; default none
      after_cancel_url(record)         where a cancelled import sends the clerk
      workbook_notes(report)           {row: sentence} the error workbook adds (not errors); default none
      template_workbook()              the template to download

    Pages (core/imports/views.py)
      url_namespace, url_prefix        the URL names: f"{url_prefix}{action}" for upload, list, detail,
                                       progress, commit, cancel, errors ("import_" → "import_detail")
      template_url_name                the URL name of the template download
      permission_add, permission_view  permission codenames for uploading/committing and for reading
      upload_template, detail_template, list_template: templates extending core/imports/*.html
      scope_template(request, scope)   the template pre-filled for one scope, when the template's URL holds
                                       <int:pk> (a batch's results sheet lists its people); checks and audits
    """

    model: type[models.Model]
    scope_field: str
    scope_noun: str
    noun: str
    title: str
    columns: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...]
    max_rows: int
    inline_max_rows: int | None = None
    template_name: str = ""
    template_headers: tuple[str, ...] = ()
    upload_form_class: type = None
    file_label: str = ""
    file_headers: str = ""
    url_namespace: str = ""
    url_prefix: str = ""
    template_url_name: str = ""
    ACTIONS = ("upload", "list", "detail", "progress", "commit", "cancel", "errors")
    permission_add: str = ""
    permission_view: str = ""
    upload_template = "core/imports/upload.html"
    detail_template = "core/imports/detail.html"
    list_template = "core/imports/list.html"

    # --- the sheet ------------------------------------------------------------------------------------

    def header_lookup(self) -> dict[str, str]:
        """Normalised header → field."""
        from .cells import normalise_header

        return {normalise_header(header): column.field for column in self.columns for header in column.headers}

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)

    def missing_columns(self, columns: dict[str, int]) -> list[tuple[str, ...]]:
        return [group for group in self.required if not any(name in columns for name in group)]

    def describe(self, groups) -> str:
        """Required columns as a clerk reads them: “姓名”（或“学员姓名”）、“身份证号码”（或…）."""

        def named(first, *others) -> str:
            return f"“{first}”" + (f"（或“{'”“'.join(others)}”）" if others else "")

        return "、".join("或".join(named(*self.column(name).headers) for name in group) for group in groups)

    def missing_columns_message(self, missing) -> str:
        return f"表头缺少必填列：{self.describe(missing)}。请使用下载的模板，或在表头中补上这些列。"

    def no_header_message(self) -> str:
        from .reading import HEADER_SEARCH_ROWS

        return (
            f"没有找到表头行：前 {HEADER_SEARCH_ROWS} 行中应有{self.describe(self.required)}这些列，"
            "请使用下载的模板填写。"
        )

    def no_data_message(self) -> str:
        return f"{self.noun}没有数据行：表头下面是空的。"

    def too_many_rows_message(self, rows: int | None = None, sheet_name: str = "") -> str:
        if rows is not None:
            return f"工作表“{sheet_name}”超过 {self.max_rows:,} 行（共 {rows:,} 行），请拆分后分批上传。"
        return f"{self.noun}超过 {self.max_rows:,} 行，请拆分后分批上传。"

    def columns_in_template(self) -> tuple[Column, ...]:
        """The columns the template has, in `template_headers` order (all, when that is not given)."""
        if not self.template_headers:
            return self.columns
        return tuple(next(c for c in self.columns if c.headers[0] == header) for header in self.template_headers)

    def duplicate_message(self, first_row: int) -> str:
        """What the preview and the error workbook say of a row that repeats an earlier one."""
        return f"与第 {first_row} 行重复，本行不重复导入。"

    def rules(self, scope):
        return None

    def left_out(self, cells: dict) -> bool:
        return False

    def check_open(self, user, scope) -> None:
        return None

    def may_write(self, scope) -> bool:
        """Whether a commit may write into `scope` (a dry run may check against a batch not yet saved)."""
        return True

    # --- pages ----------------------------------------------------------------------------------------

    def upload_scope(self, user, pk):
        return None

    def upload_form(self, data, files, *, user):
        form = self.upload_form_class(data, files, user=user)
        file = form.fields["file"]
        file.label = f"{self.file_label}（{ACCEPTED_TEXT}）"
        file.help_text = (
            f"不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB、{self.max_rows // 10_000} 万行。"
            f"请使用系统模板，或表头含{self.file_headers}的 Excel 表格。"
        )
        file.error_messages["required"] = f"请选择要上传的{self.file_label}。"
        return form

    def upload_options(self, user, scope, options: dict):
        return scope, options

    def upload_context(self, user, scope) -> dict:
        return {}

    def workbook_notes(self, report: dict) -> dict:
        return {}

    def subject(self, record) -> str:
        return f"{self.title} #{record.pk}"

    def scope_of(self, record):
        return getattr(record, self.scope_field)

    def record_counts(self, report) -> dict:
        return {}

    def options_of(self, record) -> dict:
        return {}

    def audit(self, stage: str, *, plan, scope, record, user, committed: bool) -> None:
        return None

    def audit_export(self, request, record, *, rows: int) -> None:
        """The error workbook holds the full ID numbers of the uploaded file: an export of personal data,
        recorded through the spec's `export_audit` hook (accounts.audit.audit_export)."""
        self.export_audit(
            request=request,
            subject=f"{self.subject(record)} 检查结果",
            what=f"{self.noun}检查结果（含完整身份证号码）",
            rows=rows,
            area=self.area_of(record),
        )

    @property
    def path(self) -> str:
        """Where a Celery worker finds this spec."""
        return f"{type(self).__module__}.{type(self).__qualname__}"

    @property
    def urls(self) -> dict[str, str]:
        """{action: URL name}, "template" included."""
        return {"template": self.template_url_name} | {action: f"{self.url_prefix}{action}" for action in self.ACTIONS}

    def url(self, name: str) -> str:
        return f"{self.url_namespace}:{self.urls[name]}"
