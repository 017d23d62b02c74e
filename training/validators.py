"""A trainee's name and phone: one set of rules and messages for every way they are entered (the roster
import, the admin's trainee form). Each check takes the text as typed or read from a cell and answers
the value to store or the Chinese message to show; this module imports nothing from the roster, so the
roster can import it."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from core.identity import INVISIBLE

# [0-9], not \d: NFKC leaves Arabic-Indic and other scripts' digits as they are, and no phone dials them.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE = re.compile(r"^(0[0-9]{2,3})-?([0-9]{7,8})(?:-([0-9]{1,6}))?$")
NAME_CHARACTERS = re.compile(r"^[\u3400-\u9fff\u00b7\u2022A-Za-z·]+$")
NAME_LENGTH = (2, 20)
WHITESPACE = re.compile(r"\s+")
# Control characters are invisible too (pasted from another system); tab and line breaks are whitespace.
CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)], None)
UNPRINTABLE = INVISIBLE | CONTROL

PHONE_HINT = "应为 11 位手机号码（13 至 19 开头）或带区号的固定电话（如 0777-2812345）"


def _visible(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").translate(UNPRINTABLE).strip()


def normalise_name(text: str) -> str:
    """The name as stored: NFKC, without invisible characters or any whitespace (张 三 → 张三)."""
    return WHITESPACE.sub("", _visible(text))


def name_problem(name: str) -> str | None:
    """What is wrong with a normalised name, in the words the roster's error list uses; None if nothing."""
    low, high = NAME_LENGTH
    if not name:
        return "姓名未填写。"
    if not low <= len(name) <= high:
        return f"姓名应为 {low} 至 {high} 个字，当前为 {len(name)} 个字。"
    if not NAME_CHARACTERS.match(name):
        return "姓名含有数字或符号，请只填写姓名本身。"
    return None


def normalise_phone(text: str) -> str | None:
    """A mainland mobile as 11 digits, or a landline as 0AAA-NNNNNNN; None when it is neither."""
    if len(text) == 11 and text.isascii() and MOBILE.match(text):  # the usual cell, as the code below returns it
        return text
    compact = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text))
    digits = compact.replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if MOBILE.match(digits):
        return digits
    if landline := LANDLINE.match(compact):
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    return None


def phone_problem(text: str) -> str:
    return f"联系电话“{text}”不正确：{PHONE_HINT}。"


def clean_trainee_name(text: str) -> str:
    """The name to store, or ValidationError with the roster's message."""
    name = normalise_name(text)
    if problem := name_problem(name):
        raise ValidationError(problem, code="invalid_name")
    return name


def clean_trainee_phone(text: str) -> str:
    """The phone to store ("" when none is given), or ValidationError with the roster's message."""
    text = _visible(text)
    if not text:
        return ""
    phone = normalise_phone(text)
    if phone is None:
        raise ValidationError(phone_problem(text), code="invalid_phone")
    return phone
