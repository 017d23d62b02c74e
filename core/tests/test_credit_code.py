"""统一社会信用代码 (GB 32100-2015): what is accepted, what is refused and why."""

import pytest
from django.core.exceptions import ValidationError

from core.credit_code import make_uscc, normalise_uscc, validate_uscc

# Published codes of real enterprises: the check character is computed by GB 32100-2015.
REAL_CODES = ["9144030071526726XG", "91330100799655058B", "914403001922038216", "91110000802100433B"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    validate_uscc(code)


def test_full_width_lower_case_and_spaces_are_normalised():
    assert normalise_uscc(" ９１３３０１００７９９６５５０５８ｂ ") == "91330100799655058B"
    validate_uscc(" ９１３３０１００７９９６５５０５８ｂ ")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91330100799655058C", "校验位不正确"),
        ("9133010079965505", "应为 18 位，当前为 16 位"),
        ("91330100799655058I", "不允许的字符：I"),
        ("9133010079965505OB", "不允许的字符：O"),
    ],
)
def test_bad_codes_are_refused_with_a_chinese_message(code, message):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert message in error.value.messages[0]


def test_generated_demo_codes_are_valid():
    for serial in range(1, 200):
        validate_uscc(make_uscc(admin_code="450702", serial=serial))
