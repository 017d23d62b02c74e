"""Masking: ID numbers in lists, exports and the audit trail, names for aggregate readers, numbers in logs."""

from core.masking import mask_id_number, mask_name, mask_personal_data, mask_token_key

X_NUMBER = "45070219900102123X"
OLD_AREA_NUMBER = "452801197001011236"  # a pre-1994 area prefix
ID_NUMBER = "45070219900517012X"  # shape only: the log filter masks by shape, not by checksum


def test_masking_keeps_the_area_and_the_last_four():
    assert mask_id_number(X_NUMBER) == "450702********123X"
    assert mask_id_number(OLD_AREA_NUMBER) == f"452801********{OLD_AREA_NUMBER[-4:]}"


def test_masking_something_that_is_not_a_number_hides_all_of_it():
    assert mask_id_number("4507021990") == "**********"
    assert mask_id_number("") == ""


def test_a_masked_name_keeps_the_surname_only():
    assert mask_name(" 张三丰 ") == "张**"
    assert mask_name("李") == "李*"
    assert mask_name("") == ""


def test_personal_data_in_free_text_is_masked_by_shape():
    assert mask_personal_data(f"key (id_number)=({ID_NUMBER}) exists, phone 13812345678") == (
        "key (id_number)=(450702********012X) exists, phone 138****5678"
    )
    assert mask_personal_data("legacy 450702900517012") == "legacy 450702******012"
    assert mask_personal_data("batch 12, 2024-03-20, 91450700MA5K000000") == "batch 12, 2024-03-20, 91450700MA5K000000"


def test_a_masked_token_tells_tokens_apart_but_cannot_be_used():
    assert mask_token_key("3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b3c4d") == "3f9a1c********"
    assert mask_token_key("") == ""
