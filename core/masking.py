"""Masking personal data (and API tokens) wherever shown, exported, audited or logged: one form for each kind."""

import re

# An 18-character ID number (or a 15-digit legacy one) standing alone, and a mobile number: what a
# database error ("Key (id_number)=(…) already exists"), a traceback or a careless log line may carry.
ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
LEGACY_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{6}([0-9]{3})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
TOKEN_SHOWN_CHARACTERS = 6


def mask_id_number(number: str) -> str:
    """`450702********123X`: the area and the last four, nothing that dates or identifies the person."""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[14:]}"


def mask_name(name: str) -> str:
    """`张**`: the surname stays, so a reader of aggregate figures can tell rows apart without names."""
    name = (name or "").strip()
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}" if name else ""


def mask_token_key(key: str) -> str:
    """`3f9a1c********`: enough to tell two API tokens apart, never enough to use one."""
    return f"{(key or '')[:TOKEN_SHOWN_CHARACTERS]}{'*' * 8}" if key else ""


def mask_personal_data(text: str) -> str:
    """`450702********123X`, `450702******123`, `138****8000` in place of the numbers found in `text`."""
    text = ID_NUMBER.sub(r"\1********\2", text)
    text = LEGACY_ID_NUMBER.sub(r"\1******\2", text)
    return MOBILE.sub(r"\1****\2", text)


def mask_phone(phone: str) -> str:
    """`138****8000` for a mobile number, the last four for anything else (a landline, an extension)."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[7:]}"
    return f"{'*' * max(len(digits) - 4, 1)}{digits[-4:]}" if digits else ""


def mask_email(address: str) -> str:
    """`z***@example.gov.cn`: the first letter and the domain, enough to tell which mailbox a message went to."""
    local, _, domain = (address or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_personal_data(address or "")
