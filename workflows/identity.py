"""Applicant identifiers: validation of 居民身份证号 (GB 11643) and 统一社会信用代码
(GB 32100), and the masking used in every list and export."""

from __future__ import annotations

import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def valid_person_id(value: str) -> bool:
    value = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def valid_credit_code(value: str) -> bool:
    value = value.upper()
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == value[17]


def valid_phone(value: str) -> bool:
    return bool(_PHONE.match(value))


def person_id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def mask_id(value: str | None) -> str:
    """Keep the first 6 and last 4 characters: enough for a clerk to confirm, useless to copy."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[0] + "*" * (len(value) - 1)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value[:2] + "***" + value[-2:]
