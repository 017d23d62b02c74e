"""The one spreadsheet-import pipeline: every Excel import of the back office is a spec on it.

- `models.ImportRecord`: the abstract record of one upload (file, status, counts, report).
- `spec.ImportSpec`: what an import defines (columns and synonyms, row check, plan, write, hooks).
- `reading`: the header rule and the rows of a sheet, checked by the spec.
- `report.ImportReport`: the typed report kept on the record and printed by the command line.
- `services`: the lifecycle uploaded → checked (preview) → committed / cancelled / failed, inline or on Celery.
- `views` and templates/core/imports/: upload, list, preview, progress, commit, cancel, error workbook, template.

core imports no app: what is domain-specific (scoping, permissions, audit) comes from the spec."""
