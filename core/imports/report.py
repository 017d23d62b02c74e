"""The report of a check or commit: the same core for every import, kept as JSON on the record."""

from dataclasses import dataclass, field, fields

ERRORS_LIMIT = 20_000  # errors kept in a report; the count says how many there were


@dataclass
class RowError:
    """A problem of one cell: the row as Excel numbers it, the header as written in the file, what to fix."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What a check found and a commit did. `extra` holds the spec's own sections and counts
    (a roster's `enrolled`, `changes`; a referral sheet's `existing`, `referrals`), stored beside the core
    keys by `to_json`."""

    rows: int
    valid: int
    header_row: int
    committed: bool
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    error_rows: int = 0
    error_count: int = 0
    duplicates: list[dict] = field(default_factory=list)  # {"row", "first_row"}: the one key name
    ignored_columns: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @classmethod
    def build(cls, *, rows: list, valid: int, duplicates: dict[int, int], header_row: int, ignored_columns, **counts):
        """A report from checked rows (each with .row and .errors) and {row: first row} of the repeats."""
        errors = [error.as_dict() for row in rows for error in row.errors]
        return cls(
            rows=len(rows),
            valid=valid,
            header_row=header_row,
            errors=errors[:ERRORS_LIMIT],
            error_rows=sum(1 for row in rows if row.errors),
            error_count=len(errors),
            duplicates=[{"row": row, "first_row": first} for row, first in list(duplicates.items())[:ERRORS_LIMIT]],
            ignored_columns=list(ignored_columns),
            **counts,
        )

    def to_json(self) -> dict:
        data = {name: getattr(self, name) for name in CORE}
        data["duplicate_rows"] = [item["row"] for item in self.duplicates]
        return {**self.extra, **data}


CORE = tuple(item.name for item in fields(ImportReport) if item.name != "extra")
