"""居民身份证号码 (GB 11643-1999): normalisation, validation, what the number tells (masking: core.masking).

Normalise before validating: NFKC (full-width digits and Ｘ), drop every whitespace and
zero-width character, upper-case x; upgrade 15-digit legacy numbers to 18 digits."""

import datetime
import operator
import re
import unicodedata
from typing import NamedTuple

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# Characters Excel, Word and web forms leave behind that are invisible on screen.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"), None)
# Province-level prefixes of GB/T 2260, by region: 华北, 东北, 华东, 中南, 西南, 西北, then 台湾, 香港, 澳门.
REGIONS = (range(11, 16), range(21, 24), range(31, 38), range(41, 47), range(50, 55), range(61, 66), (71, 81, 82))
PROVINCES = frozenset(str(code) for region in REGIONS for code in region)
FIFTEEN = re.compile(r"^[0-9]{15}$")
CLEAN = re.compile(r"[0-9]{17}[0-9Xx]\Z")
DIGITS_AND_X = re.compile(r"[0-9]*X?\Z")
SCIENTIFIC = re.compile(r"\s*\d(\.\d+)?[eE]\+?\d+\s*\Z")


class IdNumberError(ValueError):
    """The number is not a valid ID number; the message says what to fix, in Chinese."""


# The weighted sum over the digits' character codes, less what the code of "0" (48) adds in.
ZERO_OFFSET = 48 * sum(WEIGHTS)


def check_character(first17: str) -> str:
    """The 18th character for 17 ASCII digits (callers check that they are): the weights multiply the
    bytes of the text directly, without an int() per digit (a roster checks thousands of numbers)."""
    return CHECK_CHARACTERS[(sum(map(operator.mul, first17.encode("ascii"), WEIGHTS)) - ZERO_OFFSET) % 11]


def normalise_id_number(value: str) -> str:
    """The canonical 18-character form of a typed or pasted number (no validation beyond the upgrade)."""
    if CLEAN.match(value):  # the common case: already 18 plain characters, nothing to fold
        text = value.upper()
    else:
        text = unicodedata.normalize("NFKC", value).translate(INVISIBLE)
        text = "".join(text.split()).upper()
    if FIFTEEN.match(text):
        first17 = f"{text[:6]}19{text[6:]}"
        text = first17 + check_character(first17)
    return text


class IdNumber(NamedTuple):
    """What a valid number says. A named tuple, not a dataclass: a roster makes one per row."""

    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"

    def age_on(self, day: datetime.date) -> int:
        # One year less while the birthday is still to come this year.
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def parse_id_number(value, *, today: datetime.date | None = None) -> IdNumber:
    """Validate a cell or form value and return what the number says; IdNumberError otherwise."""
    # The usual cell is 18 plain characters with nothing to fold or explain.
    number = value.upper() if type(value) is str and CLEAN.match(value) else _normalised_characters(value)
    if number[:2] not in PROVINCES:
        raise IdNumberError("身份证号码前两位不是有效的省级行政区划代码。")
    try:
        birth = datetime.date.fromisoformat(number[6:14])  # YYYYMMDD (eight digits here: checked above)
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期 {number[6:14]} 不是真实日期。") from None
    if birth.year < 1900 or birth > (today or datetime.date.today()):  # noqa: DTZ011 (a calendar date)
        raise IdNumberError(f"身份证号码中的出生日期 {birth:%Y-%m-%d} 不合理。")
    if number[17] != check_character(number[:17]):
        raise IdNumberError("身份证号码校验位不正确，请逐位核对（常见原因：录入错一位或两位颠倒）。")
    return IdNumber(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def _normalised_characters(value) -> str:
    """An unusual cell (a number, blanks, full-width digits, a legacy 15-digit number…) as 18 digits or
    X, or IdNumberError saying what is wrong with its characters or length."""
    if isinstance(value, bool | int | float):
        raise IdNumberError("身份证号码被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。")
    if value is None or not str(value).strip():
        raise IdNumberError("身份证号码未填写。")
    text = str(value)
    if SCIENTIFIC.match(text):
        raise IdNumberError("身份证号码被 Excel 显示成了科学计数法，末几位已丢失：请把该列设为“文本”格式后重新填写。")
    number = normalise_id_number(text)
    # Characters before length: "45070290051712A" is a typing error, not a number of the wrong length.
    if not DIGITS_AND_X.match(number):
        raise IdNumberError("身份证号码只能由数字组成，最后一位可以是 X。")
    if len(number) == 15:  # 15 characters that were not upgraded: the last one is an X
        raise IdNumberError("旧版 15 位身份证号码只能由数字组成。")
    if len(number) != 18:
        raise IdNumberError(f"身份证号码应为 18 位（或旧版 15 位），当前为 {len(number)} 位。")
    return number
