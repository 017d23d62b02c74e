"""Validation of reference data's labels (统一社会信用代码: core.credit_code)."""

from django.core.exceptions import ValidationError

# Markup and invisible characters in a label that every page, chart tooltip and workbook prints.
UNSAFE_LABEL_CHARACTERS = (
    frozenset("<>")
    | frozenset(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0)]))
    | frozenset("\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e")
)


def validate_plain_label(value: str) -> None:
    """A name of reference data or of an organisation: plain text, no angle brackets or invisible characters."""
    if any(char in UNSAFE_LABEL_CHARACTERS for char in value or ""):
        raise ValidationError("名称不能包含尖括号 < > 或不可见字符，请只填写名称本身。", code="unsafe_label")
