"""统一社会信用代码 (GB 32100-2015): normalisation, validation, and well-formed codes for demo and test data."""

import unicodedata

from django.core.exceptions import ValidationError

# The code's alphabet: digits and capital letters without I, O, Z, S and V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_uscc(value: str) -> str:
    """Full-width characters folded, whitespace dropped, letters upper-cased."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).upper()


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为 18 位，当前为 %(length)s 位。", code="uscc_length", params={"length": len(code)}
        )
    bad = sorted({char for char in code if char not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。",
            code="uscc_chars",
            params={"chars": "、".join(bad)},
        )
    if code[17] != uscc_check_character(code[:17]):
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新填写。", code="uscc_check")


def organisation_code_check(first8: str) -> str:
    """The check character of the 9-character organisation code inside a USCC (GB 11714)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first8, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(*, admin_code: str, serial: int, registration: str = "91") -> str:
    """A well-formed USCC for demo and test data: authority + type, division, organisation code, check."""
    body = f"{serial:08d}"
    first17 = f"{registration}{admin_code}{body}{organisation_code_check(body)}"
    return first17 + uscc_check_character(first17)
