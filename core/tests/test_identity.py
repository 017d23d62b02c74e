"""居民身份证号码: normalisation, validation, what the number says (DESIGN.md, "Identity")."""

import datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.identity import IdNumberError, normalise_id_number, parse_id_number

TODAY = datetime.date(2025, 6, 1)
NUMBER_STORED = "身份证号码被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。"
WRONG_CHECK = "身份证号码校验位不正确，请逐位核对（常见原因：录入错一位或两位颠倒）。"
ONLY_DIGITS = "身份证号码只能由数字组成，最后一位可以是 X。"

# Weights of ISO 7064 MOD 11-2 written out independently of the code under test: 2^(17-i) mod 11.
WEIGHTS = [2 ** (17 - position) % 11 for position in range(17)]


def check(first17: str) -> str:
    value = (12 - sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + check(first17)


def id_ending_in_x(area: str = "450702", order: str = "123") -> str:
    """The first date from 1990-01-01 whose number with this area and order ends in X."""
    day = datetime.date(1990, 1, 1)
    while check(f"{area}{day:%Y%m%d}{order}") != "X":
        day += datetime.timedelta(days=1)
    return with_check(f"{area}{day:%Y%m%d}{order}")


# Areas of Qinzhou today, the pre-1994 钦州地区 codes (4528xx), other provinces, Hong Kong.
AREAS = ["450702", "450703", "450721", "450722", "450700", "452801", "452802", "452822", "110101", "440305", "810000"]
areas = st.sampled_from(AREAS) | st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(["11", "32", "45", "46", "50", "65", "71", "82"]),
    st.integers(0, 9999).map("{:04d}".format),
)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2010, 12, 31))


id_numbers = st.builds(
    lambda area, birth, order: with_check(f"{area}{birth:%Y%m%d}{order:03d}"), areas, births, st.integers(0, 999)
)


NOISE = [" ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u200c", "\u200d", "\u2060"]
FULL_WIDTH = {str(digit): chr(0xFF10 + digit) for digit in range(10)}


@st.composite
def as_typed(draw, number: str) -> str:
    """The number as it arrives from Excel, Word, WeChat or a web form: full-width characters, a lower-case
    or full-width X, spaces, tabs, newlines and zero-width characters anywhere."""
    full_width = draw(st.integers(0, 2**18 - 1))  # one bit per character
    characters = []
    for position, character in enumerate(number):
        if character == "X":
            characters.append(draw(st.sampled_from(["X", "x", "Ｘ", "ｘ"])))
        else:
            characters.append(FULL_WIDTH[character] if full_width >> position & 1 else character)
    insertions = draw(st.lists(st.tuples(st.integers(0, 18), st.sampled_from(NOISE)), max_size=8))
    for position, noise in sorted(insertions, reverse=True):
        characters.insert(position, noise)
    return "".join(characters)


typed_numbers = id_numbers.flatmap(lambda number: st.tuples(st.just(number), as_typed(number)))


X_NUMBER = id_ending_in_x()
OLD_AREA_NUMBER = with_check("45280119700101123")


@settings(deadline=None, database=None)
@given(typed_numbers)
@example((X_NUMBER, "".join(FULL_WIDTH.get(c, c) for c in X_NUMBER[:-1]) + "\u200b ｘ\t"))
@example((OLD_AREA_NUMBER, f"\ufeff{OLD_AREA_NUMBER[:4]} {OLD_AREA_NUMBER[4:10]}\t{OLD_AREA_NUMBER[10:]}\u200b\n"))
def test_normalised_numbers_are_canonical_and_accepted(case):
    number, typed = case
    assert normalise_id_number(typed) == number
    parsed = parse_id_number(typed, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")


def test_numbers_ending_in_x_are_accepted_however_the_x_is_typed():
    number = X_NUMBER
    assert number.endswith("123X")
    for typed in (number, number[:-1] + "x", number[:-1] + "Ｘ", number[:-1] + "ｘ"):
        assert parse_id_number(typed, today=TODAY).number == number


@settings(deadline=None, database=None)
@given(id_numbers, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_rejected(number, position, replacement):
    if replacement == number[position]:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(changed, today=TODAY)
    if position == 17:
        assert str(problem.value) == WRONG_CHECK


@settings(deadline=None, database=None)
@given(id_numbers, st.integers(0, 15))
def test_swapping_two_neighbouring_digits_is_rejected(number, position):
    if number[position] == number[position + 1]:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(IdNumberError):
        parse_id_number(swapped, today=TODAY)


@settings(deadline=None, database=None)
@given(areas, st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)), st.integers(0, 999))
def test_fifteen_digit_numbers_are_upgraded(area, birth, order):
    legacy = f"{area}{birth:%y%m%d}{order:03d}"
    upgraded = with_check(f"{area}{birth:%Y%m%d}{order:03d}")
    assert normalise_id_number(legacy) == upgraded
    parsed = parse_id_number(" ".join(legacy), today=TODAY)
    assert parsed.number == upgraded
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if order % 2 else "F")


def test_a_known_fifteen_digit_number():
    assert normalise_id_number("452801700101123") == with_check("45280119700101123")


@pytest.mark.parametrize("date", ["19900230", "19990229", "19000229", "19901301", "19900100", "19900431"])
def test_impossible_birth_dates_are_rejected(date):
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(with_check(f"450702{date}123"), today=TODAY)
    assert str(problem.value) == f"身份证号码中的出生日期 {date} 不是真实日期。"


def test_the_29th_of_february_of_a_leap_year_is_a_real_date():
    assert parse_id_number(with_check("45070220000229123"), today=TODAY).birth_date == datetime.date(2000, 2, 29)


@pytest.mark.parametrize(("date", "shown"), [("18991231", "1899-12-31"), ("20250602", "2025-06-02")])
def test_birth_dates_before_1900_or_after_today_are_rejected(date, shown):
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(with_check(f"450702{date}123"), today=TODAY)
    assert str(problem.value) == f"身份证号码中的出生日期 {shown} 不合理。"


def test_born_today_is_not_in_the_future():
    assert parse_id_number(with_check("45070220250601123"), today=TODAY).birth_date == TODAY


@pytest.mark.parametrize("value", [450702199001011234, 4.50702199001011e17, 4507021990, 0.0, True])
def test_numbers_stored_as_numbers_are_refused_with_the_text_format_advice(value):
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(value, today=TODAY)
    assert str(problem.value) == NUMBER_STORED
    assert "设为“文本”格式" in str(problem.value)


@pytest.mark.parametrize("value", ["4.50702E+17", "4.50702199001011E+17", " 4.5e17 "])
def test_scientific_notation_text_is_refused_with_the_text_format_advice(value):
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(value, today=TODAY)
    assert "科学计数法" in str(problem.value)
    assert "设为“文本”格式" in str(problem.value)


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_a_missing_number(value):
    with pytest.raises(IdNumberError, match="^身份证号码未填写。$"):
        parse_id_number(value, today=TODAY)


@pytest.mark.parametrize(("value", "length"), [("45070219900101123", 17), ("4507021990010112345", 19), ("4507", 4)])
def test_wrong_lengths_say_how_many_digits_were_given(value, length):
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(value, today=TODAY)
    assert str(problem.value) == f"身份证号码应为 18 位（或旧版 15 位），当前为 {length} 位。"


@pytest.mark.parametrize(
    "value",
    [
        "45070219900101123A",  # a letter where the check character is
        "4507021990O101123X",  # the letter O for a zero
        "450702X99001011234",  # X anywhere but last
        "450702-19900101-1234",  # separators
        "45070219900101AB",  # a letter and a wrong length: the letter is the problem
        "4507029001011A3",  # 15 characters with a letter: not a "15-digit" number either
    ],
)
def test_letters_are_rejected(value):
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(value, today=TODAY)
    assert str(problem.value) == ONLY_DIGITS


def test_fifteen_characters_ending_in_x_are_not_a_legacy_number():
    with pytest.raises(IdNumberError, match="^旧版 15 位身份证号码只能由数字组成。$"):
        parse_id_number("45070290010112X", today=TODAY)


@pytest.mark.parametrize("province", ["00", "99", "28", "47"])
def test_unknown_province_prefixes_are_rejected(province):
    with pytest.raises(IdNumberError, match="前两位不是有效的省级行政区划代码"):
        parse_id_number(with_check(f"{province}070219900101123"), today=TODAY)


def test_wrong_check_digit_message():
    number = with_check("45070219900101123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(IdNumberError) as problem:
        parse_id_number(wrong, today=TODAY)
    assert str(problem.value) == WRONG_CHECK


def test_sex_is_the_parity_of_the_seventeenth_digit():
    assert parse_id_number(with_check("45070219900101121"), today=TODAY).sex == "M"
    assert parse_id_number(with_check("45070219900101122"), today=TODAY).sex == "F"


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (datetime.date(2006, 3, 1), 16),  # 16th birthday
        (datetime.date(2006, 2, 28), 15),  # the day before
        (datetime.date(2065, 3, 1), 75),
        (datetime.date(2066, 2, 28), 75),
        (datetime.date(2066, 3, 1), 76),
    ],
)
def test_age_on_a_day_counts_whole_years(day, age):
    assert parse_id_number(with_check("45070219900301123"), today=TODAY).age_on(day) == age


def test_someone_born_on_the_29th_of_february_has_a_birthday_on_the_1st_of_march():
    person = parse_id_number(with_check("45070220080229123"), today=TODAY)
    assert person.age_on(datetime.date(2024, 2, 28)) == 15
    assert person.age_on(datetime.date(2024, 2, 29)) == 16
    assert person.age_on(datetime.date(2025, 2, 28)) == 16
    assert person.age_on(datetime.date(2025, 3, 1)) == 17
